# spmail-wizard: DNS server steps for SharePoint incoming e-mail
# Farm: sp01.contoso.local; Single server; SharePoint 2016; Exchange 2016
# Run on: a DNS server of zone contoso.local (the domain's DNS server), or with the DNS tools
# Generated: 2026-11-27 16:30:00 UTC from a plan; nothing checked yet
#
# Run it with -DryRun first: every step then reads the current settings and
# only reports what it would change. Read that report, then run it again
# without -DryRun to make the changes:
#   .\1-dns-server.ps1 -DryRun
#   .\1-dns-server.ps1
# Each step reads the current value first and changes only what differs.
# Steps with no PowerShell for these versions are listed as the console's
# click paths; do those by hand at that point. At its end (also after an
# error) the script says what it changed, what it left as it was, and what
# is still to be done by hand. Needs Windows PowerShell 2.0 or later.

[CmdletBinding()]
param([switch]$DryRun)

# Stop at the first error, so that no later step builds on one that failed.
$ErrorActionPreference = 'Stop'
# What the steps changed (or, with -DryRun, would change), found right and
# left as it was, and could not do: printed at the end.
$changes = New-Object 'System.Collections.Generic.List[string]'
$kept = New-Object 'System.Collections.Generic.List[string]'
$manualSteps = New-Object 'System.Collections.Generic.List[string]'
$currentStep = ''
$finished = $false
try {

# ---------------------------------------------------------------------------
# Step 2 (dns): Create the Host (A) record for the mail host
# ---------------------------------------------------------------------------
$currentStep = 'Step 2 (dns) Create the Host (A) record for the mail host'
# DnsServer module: DNS on Windows Server 2012 or later, or RSAT
# Source: Microsoft Learn: Add-DnsServerResourceRecordA; Get-DnsServerResourceRecord
& {
$zone = 'contoso.local'
$recordName = 'sp01'
$address = '192.0.2.21'
$dnsServer = ''
$target = @{ ZoneName = $zone; Name = $recordName }
if ($dnsServer) { $target['ComputerName'] = $dnsServer }
$records = @(Get-DnsServerResourceRecord @target -ErrorAction SilentlyContinue)
$current = @($records | Where-Object { $_.RecordType -eq 'A' } | ForEach-Object { "$($_.RecordData.IPv4Address)" })
if ($address -like '*:*') {
    Write-Warning "$address is an IPv6 address: create an AAAA record in DNS Manager instead."
    $manualSteps.Add("DNS Manager > $zone > New Host (A or AAAA): $recordName -> $address")
} elseif (@($records | Where-Object { $_.RecordType -eq 'CNAME' }).Count -gt 0) {
    Write-Warning "$recordName.$zone is a CNAME; replace it with an A record to $address in DNS Manager."
    $manualSteps.Add("DNS Manager > zone ${zone}: replace the CNAME $recordName by an A record -> $address")
} elseif ($current.Count -eq 1 -and $current[0] -eq $address) {
    Write-Host "A record $recordName.$zone already points to $address."
    $kept.Add("A record $recordName.$zone -> $address")
} elseif ($current.Count -gt 0) {
    Write-Warning ("$recordName.$zone points to {0}; change it to $address in DNS Manager (this script does not delete records)." -f ($current -join ', '))
    $manualSteps.Add(("DNS Manager > zone ${zone}: change the A record $recordName from {0} to $address" -f ($current -join ', ')))
} elseif ($DryRun) {
    Write-Host "Would add A record $recordName.$zone -> $address."
    $changes.Add("A record $recordName.$zone -> $address added")
} else {
    $newRecord = $target.Clone()
    $newRecord['IPv4Address'] = $address
    Add-DnsServerResourceRecordA @newRecord
    Write-Host "Added A record $recordName.$zone -> $address."
    $changes.Add("A record $recordName.$zone -> $address added")
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [DNS Manager, Windows Server 2008 and later]
#   1. Open **DNS** (Administrative Tools; on 2012 and later Server Manager > Tools > DNS).
#   2. Expand the server > **Forward Lookup Zones** > `contoso.local`.
#   3. Right-click the zone > **New Host (A or AAAA)...**
#   4. Name: `sp01` (the FQDN field then reads `sp01.contoso.local.`).
#   5. IP address: `192.0.2.21`.
#   6. Leave "Create associated pointer (PTR) record" as you prefer > **Add Host**.
#   [DNS, Windows Server 2003 (menu label may differ by version)]
#   1. Start > Administrative Tools > **DNS**.
#   2. Expand the server > **Forward Lookup Zones** > `contoso.local`.
#   3. Right-click the zone > **New Host (A)...**
#   4. Name: `sp01`; IP address: `192.0.2.21` > **Add Host**.
# The runbook also shows a cmd script for this step.
$finished = $true
} finally {
    Write-Host ''
    if (-not $finished) {
        Write-Warning "Stopped during $currentStep; the steps after it did not run."
    }
    if ($DryRun) {
        Write-Host 'Dry run: nothing was changed. Without -DryRun this script would change:'
    } else {
        Write-Host 'Changed by this script:'
    }
    if ($changes.Count -eq 0) { Write-Host '  nothing' }
    foreach ($item in $changes) { Write-Host "  - $item" }
    Write-Host 'Left as it was (already as planned):'
    if ($kept.Count -eq 0) { Write-Host '  nothing' }
    foreach ($item in $kept) { Write-Host "  - $item" }
    if ($manualSteps.Count -eq 0) {
        Write-Host 'Nothing is left to do by hand for the steps this script ran.'
    } else {
        Write-Host 'Still to do by hand (this script did not do these):'
        foreach ($item in $manualSteps) { Write-Host "  - $item" }
    }
}

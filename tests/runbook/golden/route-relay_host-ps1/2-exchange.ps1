# spmail-wizard: Exchange steps for SharePoint incoming e-mail
# Farm: sp.contoso.local; Single server; SharePoint Subscription Edition; Exchange 2019
# Run on: an Exchange server (192.0.2.10), in the Exchange Management Shell
# Generated: 2026-11-27 16:30:00 UTC from a plan; nothing checked yet
#
# Run it with -DryRun first: every step then reads the current settings and
# only reports what it would change. Read that report, then run it again
# without -DryRun to make the changes:
#   .\2-exchange.ps1 -DryRun
#   .\2-exchange.ps1
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
# Step 3 (connector): Create the Exchange Send Connector
# ---------------------------------------------------------------------------
$currentStep = 'Step 3 (connector) Create the Exchange Send Connector'
# Exchange Management Shell on an Exchange server (syntax documented for Exchange 2007 SP1 to 2019 and Exchange SE)
# Source: Microsoft Learn: New-SendConnector; Set-SendConnector; Get-SendConnector (each parameter used lists Exchange Server 2019 and Exchange Server SE as applicable)
& {
# Run on an Exchange transport server; it becomes the connector's source server.
if (-not (Get-Command -Name New-SendConnector -ErrorAction SilentlyContinue)) {
    throw 'The Exchange cmdlets are not loaded: run this in the Exchange Management Shell on an Exchange transport server.'
}
$mailHost = 'sp.contoso.local'
$smtpPort = [int]'25'
$connectorName = 'SharePoint incoming e-mail'
$found = Get-SendConnector | Where-Object { @($_.AddressSpaces | ForEach-Object { "$_" }) -like "*:$mailHost;*" } | Select-Object -First 1
if (-not $found) {
    if ($DryRun) {
        Write-Host "Would create Send Connector '$connectorName': address space SMTP:$mailHost;1, smart host $mailHost, port $smtpPort."
        $changes.Add("Send Connector '$connectorName' created (address space and smart host $mailHost)")
    } else {
        New-SendConnector -Name $connectorName -Usage Custom -AddressSpaces "SMTP:$mailHost;1" -DNSRoutingEnabled $false -SmartHosts $mailHost -SmartHostAuthMechanism None -Port $smtpPort -SourceTransportServers $env:COMPUTERNAME | Out-Null
        Write-Host "Created Send Connector '$connectorName'. Add the other transport servers of the plan as source servers if they should use it."
        $changes.Add("Send Connector '$connectorName' created (address space and smart host $mailHost)")
    }
    $manualSteps.Add("Send Connector '$connectorName': add every other Exchange transport server of the plan as a source server, if it should send to SharePoint.")
} else {
    $smartHosts = @($found.SmartHosts | ForEach-Object { "$_" }) -join ','
    if ($smartHosts -eq $mailHost -and -not $found.DNSRoutingEnabled -and $found.Port -eq $smtpPort) {
        Write-Host "Send Connector '$($found.Name)' already sends $mailHost to smart host $mailHost."
        $kept.Add("Send Connector '$($found.Name)' (smart host $mailHost)")
    } elseif ($DryRun) {
        Write-Host "Would change Send Connector '$($found.Name)': smart host '$smartHosts' -> $mailHost, DNS routing off, port $smtpPort."
        $changes.Add("Send Connector '$($found.Name)': smart host '$smartHosts' -> $mailHost, DNS routing off, port $smtpPort")
    } else {
        Set-SendConnector -Identity $found.Identity -SmartHosts $mailHost -DNSRoutingEnabled $false -Port $smtpPort
        Write-Host "Changed Send Connector '$($found.Name)': smart host $mailHost, DNS routing off, port $smtpPort."
        $changes.Add("Send Connector '$($found.Name)': smart host '$smartHosts' -> $mailHost, DNS routing off, port $smtpPort")
    }
}
Get-SendConnector | Where-Object { @($_.AddressSpaces | ForEach-Object { "$_" }) -like "*:$mailHost;*" } | Format-List -Property 'Name', 'AddressSpaces', 'SmartHosts', 'DNSRoutingEnabled', 'SourceTransportServers', 'Enabled'
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Exchange 2013, 2016, 2019 and SE: Exchange admin center (labels may differ by version)]
#   1. **mail flow** > **send connectors** > **+** (New).
#   2. Name `SharePoint incoming e-mail`; Type **Custom** > Next.
#   3. Network settings: **Route mail through smart hosts** > **+** > `sp.contoso.local` > Next.
#   4. Smart host authentication: **None** > Next.
#   5. Address space: **+** > Type `SMTP`, FQDN `sp.contoso.local`, Cost `1` > Next.
#   6. Source server: **+** > the Mailbox server(s) whose addresses are in the plan (192.0.2.10) > **Finish**.
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

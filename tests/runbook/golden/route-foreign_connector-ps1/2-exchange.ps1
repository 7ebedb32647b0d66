# spmail-wizard: Exchange steps for SharePoint incoming e-mail
# Farm: sp.contoso.local; Exchange Foreign connector into \\sp1\SPDrop; SharePoint Subscription Edition; Exchange Subscription Edition
# Run on: an Exchange server (192.0.2.10, 192.0.2.11), in the Exchange Management Shell
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
# Step 3 (foreign_connector): Create the Exchange Foreign connector writing into the drop share
# ---------------------------------------------------------------------------
$currentStep = 'Step 3 (foreign_connector) Create the Exchange Foreign connector writing into the drop share'
# Exchange 2010 and later: Exchange Management Shell on a transport server
# Source: Microsoft Learn: New-ForeignConnector (-Name, -AddressSpaces, -SourceTransportServers), Set-ForeignConnector (-DropDirectory; RootDropDirectoryPath must be unset for an absolute path), Get-TransportService (Exchange 2013 and later), Get-TransportServer (Exchange 2010)
& {
$mailHost = 'sp.contoso.local'
$dropShare = '\\sp1\SPDrop'
$connectorName = 'SharePoint drop'
$rooted = @(Get-TransportService | Where-Object { $_.RootDropDirectoryPath })
foreach ($server in $rooted) {
    $manualSteps.Add(('Foreign connector: {0} sets RootDropDirectoryPath {1}; clear it (Set-TransportService -RootDropDirectoryPath $null) so that the absolute drop directory is used.' -f $server.Name, $server.RootDropDirectoryPath))
}
$connector = Get-ForeignConnector | Where-Object { @($_.AddressSpaces | ForEach-Object { $_.Address }) -contains $mailHost } | Select-Object -First 1
if (-not $connector) {
    if ($DryRun) {
        Write-Host "Would create the Foreign connector $connectorName for $mailHost."
        $changes.Add("Foreign connector $connectorName for $mailHost, drop directory $dropShare")
    } else {
        $connector = New-ForeignConnector -Name $connectorName -AddressSpaces ('SMTP:{0};1' -f $mailHost)
        Write-Host "Created the Foreign connector $connectorName for $mailHost."
        $changes.Add("Foreign connector $connectorName for $mailHost")
    }
}
if ($connector) {
    if ([string]$connector.DropDirectory -eq $dropShare) {
        $kept.Add("Foreign connector $($connector.Name) writes into $dropShare")
    } elseif ($DryRun) {
        Write-Host "Would set the drop directory of $($connector.Name) to $dropShare (now: $($connector.DropDirectory))."
        $changes.Add("Foreign connector $($connector.Name): drop directory $dropShare")
    } else {
        Set-ForeignConnector -Identity $connector.Identity -DropDirectory $dropShare
        Write-Host "The Foreign connector $($connector.Name) now writes into $dropShare."
        $changes.Add("Foreign connector $($connector.Name): drop directory $dropShare")
    }
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Exchange Management Shell, one command at a time]
#   1. `New-ForeignConnector -Name 'SharePoint drop' -AddressSpaces 'SMTP:sp.contoso.local;1'`.
#   2. `Set-ForeignConnector -Identity 'SharePoint drop' -DropDirectory '\\sp1\SPDrop'`.
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

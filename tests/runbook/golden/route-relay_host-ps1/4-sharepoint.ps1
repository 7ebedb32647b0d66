# spmail-wizard: SharePoint steps for SharePoint incoming e-mail
# Farm: sp.contoso.local; Single server; SharePoint Subscription Edition; Exchange 2019
# Run on: a server of the SharePoint farm, as a farm administrator
# Generated: 2026-11-27 16:30:00 UTC from a plan; nothing checked yet
#
# Run it with -DryRun first: every step then reads the current settings and
# only reports what it would change. Read that report, then run it again
# without -DryRun to make the changes:
#   .\4-sharepoint.ps1 -DryRun
#   .\4-sharepoint.ps1
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
# Step 9 (central_admin): Set the e-mail server display address in Central Administration
# ---------------------------------------------------------------------------
$currentStep = 'Step 9 (central_admin) Set the e-mail server display address in Central Administration'
# SharePoint 2010 and later: Windows PowerShell on a farm server, as a farm administrator (loads the SharePoint snap-in; SharePoint 2010: the 2.0 engine, powershell.exe -Version 2)
# Source: Microsoft Learn: Add-PSSnapin; Get-SPServiceInstance; SPIncomingEmailService class (UseAutomaticSettings, DropFolder); SharePointDsc SPIncomingEmailSettings; Using the Windows PowerShell 2.0 Engine (SharePoint 2010 needs it: KB 2796733)
& {
if (-not (Get-Command -Name Get-SPServiceInstance -ErrorAction SilentlyContinue)) {
    Add-PSSnapin -Name Microsoft.SharePoint.PowerShell -ErrorAction SilentlyContinue
}
if (-not (Get-Command -Name Get-SPServiceInstance -ErrorAction SilentlyContinue)) {
    throw 'The SharePoint cmdlets cannot be loaded here: run this on a server of the SharePoint farm, in the SharePoint Management Shell or in Windows PowerShell as a farm administrator.'
}
$mailHost = 'sp.contoso.local'
$instance = Get-SPServiceInstance | Where-Object { $_.GetType().FullName -eq 'Microsoft.SharePoint.Administration.SPIncomingEmailServiceInstance' } | Select-Object -First 1
if (-not $instance) {
    Write-Warning 'No incoming e-mail service instance found in this farm.'
    $manualSteps.Add('Central Administration > System Settings > Configure incoming e-mail settings: no incoming e-mail service instance was found; start it on an Application-role server (Services on Server), then set the display address.')
} else {
    $service = $instance.Service
    Write-Host ('Now: enabled={0}; display address={1}; automatic={2}; drop folder={3}; directory management={4}' -f $service.Enabled, $service.ServerDisplayAddress, $service.UseAutomaticSettings, $service.DropFolder, $service.UseDirectoryManagementService)
    if ($service.Enabled -and $service.ServerDisplayAddress -eq $mailHost) {
        Write-Host 'Incoming e-mail is already enabled with this display address.'
        $kept.Add("Incoming e-mail enabled, display address $mailHost")
    } elseif ($DryRun) {
        Write-Host "Would enable incoming e-mail with display address $mailHost."
        $changes.Add("Incoming e-mail enabled, display address $mailHost")
    } else {
        $service.Enabled = $true
        $service.ServerDisplayAddress = $mailHost
        $service.Update()
        Write-Host "Incoming e-mail enabled with display address $mailHost."
        $changes.Add("Incoming e-mail enabled, display address $mailHost")
    }
    # The plan names the drop share: Advanced mode reads it (SharePointDsc sets the same two properties).
    $dropShare = '\\relay1\Drop'
    if (-not $service.UseAutomaticSettings -and $service.DropFolder -eq $dropShare) {
        $kept.Add("Advanced mode, drop folder $dropShare")
    } elseif ($DryRun) {
        Write-Host "Would set Advanced mode with the drop folder $dropShare (now: $($service.DropFolder))."
        $changes.Add("Advanced mode, drop folder $dropShare")
    } else {
        $service.UseAutomaticSettings = $false
        $service.DropFolder = $dropShare
        $service.Update()
        Write-Host "Advanced mode set with the drop folder $dropShare."
        $changes.Add("Advanced mode, drop folder $dropShare")
    }
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [SharePoint 2019 and SE (no Automatic mode)]
#   1. Central Administration > **System Settings** > E-Mail and Text Messages (SMS) > **Configure incoming e-mail settings**.
#   2. **Enable Incoming E-Mail** section: **Yes** (the question's wording may differ by version).
#   3. Settings mode: **Advanced** (the basic, Automatic scenario is not available in SharePoint 2019 and SE).
#   4. E-mail drop folder: `\\relay1\Drop`.
#   5. Directory Management Service: **No**.
#   6. Incoming E-Mail Server Display Address: E-mail server display address `sp.contoso.local` > **OK**.

# ---------------------------------------------------------------------------
# Step 10 (library_test): Mail-enable a library and send it a test
# ---------------------------------------------------------------------------
$currentStep = 'Step 10 (library_test) Mail-enable a library and send it a test'
# No PowerShell for this step with these versions; do it in the console:
#   [SharePoint 2010 and later (labels may differ by version)]
#   1. Open the library > **Library** tab (ribbon) > **Library Settings** > Communications: **Incoming e-mail settings**.
#   2. Allow this library to receive e-mail: **Yes**; e-mail address `docs` (shown `@sp.contoso.local`).
#   3. Choose attachment grouping, whether to save the original e-mail and meeting invitations, and the e-mail security policy > **OK**.
#   4. From Outlook, send a message with a small attachment to `docs@sp.contoso.local`.
# Not done by this script: collected for the list at the end.
$manualSteps.Add('Step 10 (library_test) Mail-enable a library and send it a test: not scripted for these versions; by hand: [SharePoint 2010 and later (labels may differ by version)] 1. Open the library > Library tab (ribbon) > Library Settings > Communications: Incoming e-mail settings. 2. Allow this library to receive e-mail: Yes; e-mail address docs (shown @sp.contoso.local). 3. Choose attachment grouping, whether to save the original e-mail and meeting invitations, and the e-mail security policy > OK. 4. From Outlook, send a message with a small attachment to docs@sp.contoso.local.')

# ---------------------------------------------------------------------------
# Step 11 (outgoing): Outgoing e-mail settings (information)
# ---------------------------------------------------------------------------
$currentStep = 'Step 11 (outgoing) Outgoing e-mail settings (information)'
# No PowerShell for this step with these versions; do it in the console:
#   [SharePoint 2010 and later (ribbon labels may differ by version)]
#   - Farm default: Central Administration > **System Settings** > E-Mail and Text Messages (SMS) > **Configure outgoing e-mail settings**.
#   - Per web application: Manage web applications > select it > ribbon **General Settings** (drop-down) > **Outgoing E-mail**.
# Not done by this script: collected for the list at the end.
$manualSteps.Add('Step 11 (outgoing) Outgoing e-mail settings (information): not scripted for these versions; by hand: [SharePoint 2010 and later (ribbon labels may differ by version)] - Farm default: Central Administration > System Settings > E-Mail and Text Messages (SMS) > Configure outgoing e-mail settings. - Per web application: Manage web applications > select it > ribbon General Settings (drop-down) > Outgoing E-mail.')
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

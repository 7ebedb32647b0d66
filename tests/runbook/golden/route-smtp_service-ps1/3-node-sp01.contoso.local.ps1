# spmail-wizard: SMTP node sp01.contoso.local steps for SharePoint incoming e-mail
# Farm: sp01.contoso.local; Single server; SharePoint 2016; Exchange 2016
# Run on: sp01.contoso.local (192.0.2.21), as an administrator
# Generated: 2026-11-27 16:30:00 UTC from a plan; nothing checked yet
#
# Run it with -DryRun first: every step then reads the current settings and
# only reports what it would change. Read that report, then run it again
# without -DryRun to make the changes:
#   .\3-node-sp01.contoso.local.ps1 -DryRun
#   .\3-node-sp01.contoso.local.ps1
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
# Step 4 (relay): Allow relay only for the Exchange servers
# ---------------------------------------------------------------------------
$currentStep = 'Step 4 (relay) Allow relay only for the Exchange servers'
# Prerequisite: SMTP Server and IIS 6 tools on this node (Windows Server 2012 to 2022)
# Source: Microsoft Learn: Install-WindowsFeature; Get-WindowsFeature
& {
# SMTP-Server: the service. Web-Lgcy-Mgmt-Console: IIS 6.0 Manager.
# Web-Lgcy-Scripting: adsutil.vbs and ADSI. Web-WMI: root\MicrosoftIISv2 for the other snippets.
Import-Module ServerManager
foreach ($featureName in @('SMTP-Server', 'Web-Lgcy-Mgmt-Console', 'Web-Lgcy-Scripting', 'Web-WMI')) {
    $feature = Get-WindowsFeature -Name $featureName
    if ($feature.Installed) {
        Write-Host "$featureName is installed."
        $kept.Add("Windows feature $featureName (installed)")
    } elseif ($DryRun) {
        Write-Host "Would install $featureName."
        $changes.Add("Windows feature $featureName installed")
    } else {
        Install-WindowsFeature -Name $featureName -IncludeManagementTools | Out-Null
        Write-Host "Installed $featureName."
        $changes.Add("Windows feature $featureName installed")
    }
}
}
# Windows PowerShell 2.0 to 5.1 on this node (ADSI; no VBScript; needs the IIS 6 scripting tools on 2008 and later)
# Source: Microsoft IIS 6.0 metabase reference: RelayIpList (IIsSmtpServer, type IPSECLIST, like IPSecurity); IIsIPSecurity GrantByDefault and IPGrant ('address, mask' entries)
& {
# Access > Relay: Only the list below, holding the Exchange servers. Entries already there are kept
# (SharePoint servers may relay their outgoing mail through this node): they are listed, not removed.
$exchangeServers = @('192.0.2.10', '192.0.2.11')
try {
    $smtp = New-Object System.DirectoryServices.DirectoryEntry('IIS://localhost/SMTPSVC/1')
    $relay = $smtp.Properties['RelayIpList'].Value
} catch {
    $relay = $null
}
if (-not $relay) {
    throw 'Cannot read Access > Relay over ADSI (IIS://localhost/SMTPSVC/1): install the SMTP Server feature and the IIS 6 scripting tools (relay step, prerequisite), then run this again.'
}
$get = [Reflection.BindingFlags]'Public, Instance, GetProperty'
$set = [Reflection.BindingFlags]'Public, Instance, SetProperty'
$grantByDefault = [bool]$relay.GetType().InvokeMember('GrantByDefault', $get, $null, $relay, $null)
$current = @($relay.GetType().InvokeMember('IPGrant', $get, $null, $relay, $null) | Where-Object { $_ })
Write-Host ('Now: GrantByDefault={0}; granted: {1}' -f $grantByDefault, ($current -join '; '))
$grantedAddresses = @($current | ForEach-Object { ($_ -split ',')[0].Trim() })
$missing = @($exchangeServers | Where-Object { $grantedAddresses -notcontains $_ })
$others = @($current | Where-Object { $exchangeServers -notcontains (($_ -split ',')[0].Trim()) })
if ($others.Count -gt 0) {
    Write-Warning ('Also allowed to relay, kept: ' + ($others -join '; ') + '. Keep SharePoint servers that send outgoing mail through this node; remove the rest by hand.')
    $manualSteps.Add('Access > Relay also lists ' + ($others -join '; ') + ': keep SharePoint servers that send outgoing mail through this node, remove any other entry.')
}
if (-not $grantByDefault -and $missing.Count -eq 0) {
    Write-Host 'Relay: Only the list below already holds every Exchange server.'
    $kept.Add('Relay: only the list below, with the Exchange servers')
} else {
    $merged = @($current) + @($missing | ForEach-Object { "$_, 255.255.255.255" })
    if ($DryRun) {
        Write-Host ('Would set Only the list below: ' + ($merged -join '; '))
        $changes.Add('Relay: only the list below: ' + ($merged -join '; '))
    } else {
        [void]$relay.GetType().InvokeMember('GrantByDefault', $set, $null, $relay, @($false))
        [void]$relay.GetType().InvokeMember('IPGrant', $set, $null, $relay, @(,[object[]]$merged))
        $smtp.Properties['RelayIpList'].Value = $relay
        $smtp.CommitChanges()
        Write-Host ('Relay now allowed only for: ' + ($merged -join '; '))
        $changes.Add('Relay: only the list below: ' + ($merged -join '; '))
    }
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Prerequisite if SMTP is missing: Windows Server 2012 to 2022 (labels may differ by version)]
#   Server Manager > Manage > **Add Roles and Features** > Features: tick **SMTP Server** and accept its management tools, then install. The PowerShell snippet below does the same and adds the IIS 6 scripting pieces the other snippets use.
#   [Windows Server 2008 to 2022: IIS 6.0 Manager]
#   1. Open **Internet Information Services (IIS) 6.0 Manager** (Administrative Tools; Server Manager > Tools on 2012 and later; location may differ by version).
#   2. Expand the server > right-click **Default SMTP Virtual Server** > **Properties** > **Access** tab > **Relay...**
#   3. Select **Only the list below**.
#   4. Keep the entries already there that must still relay (SharePoint servers sending outgoing mail through this node). **Add...** > Single computer > IP address: `192.0.2.10`, then **Add...** again for `192.0.2.11`.
#   5. Decide on "Allow all computers which successfully authenticate to relay, regardless of the list above" (cleared = only the list).
#   6. **OK**, **OK**. Repeat on every node.

# ---------------------------------------------------------------------------
# Step 5 (connection_control): Restrict connections to the Exchange servers
# ---------------------------------------------------------------------------
$currentStep = 'Step 5 (connection_control) Restrict connections to the Exchange servers'
# Windows PowerShell 2.0 to 5.1 on this node (WMI root\MicrosoftIISv2; not PowerShell 7, which has no Get-WmiObject)
# Source: Microsoft IIS 6.0 WMI reference: IIsIPSecuritySetting
& {
$exchangeServers = @('192.0.2.10', '192.0.2.11')
try {
    $setting = Get-WmiObject -Namespace 'root\MicrosoftIISv2' -Class IIsIPSecuritySetting -Filter "Name='SmtpSvc/1'" -ErrorAction Stop
} catch {
    $setting = $null
}
if (-not $setting) {
    throw 'Cannot read the SMTP virtual server over WMI (root\MicrosoftIISv2): install the SMTP Server feature and IIS 6 WMI Compatibility (Web-WMI) first (relay step, prerequisite), then run this again.'
}
$current = @($setting.IPGrant)
Write-Host ('Now: GrantByDefault={0}; granted: {1}' -f $setting.GrantByDefault, ($current -join '; '))
if (-not $setting.GrantByDefault) {
    Write-Warning 'Connection control is on here, but the plan leaves it off; change it in IIS 6.0 Manager if that is not intended.'
    $manualSteps.Add('Connection control is on, the plan leaves it off: Default SMTP Virtual Server > Properties > Access > Connection... if that is not intended.')
} else {
    Write-Host 'The plan leaves connection control off; nothing to change.'
    $kept.Add('Connection control: off, as planned')
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Windows Server 2008 to 2022: IIS 6.0 Manager]
#   1. Open **Internet Information Services (IIS) 6.0 Manager**.
#   2. Right-click **Default SMTP Virtual Server** > **Properties** > **Access** tab > Connection control: **Connection...**
#   3. Select **Only the list below**.
#   4. **Add...** > Single computer > `192.0.2.10`, `192.0.2.11` (and this workstation only for as long as you need it).
#   5. **OK**, **OK**. Repeat on every node.

# ---------------------------------------------------------------------------
# Step 6 (fqdn): Set the FQDN under Delivery > Advanced
# ---------------------------------------------------------------------------
$currentStep = 'Step 6 (fqdn) Set the FQDN under Delivery > Advanced'
# Windows PowerShell 2.0 to 5.1 on this node (WMI root\MicrosoftIISv2; not PowerShell 7, which has no Get-WmiObject)
# Source: Microsoft IIS 6.0 WMI reference: IIsSmtpServerSetting
& {
$mailHost = 'sp01.contoso.local'
try {
    $setting = Get-WmiObject -Namespace 'root\MicrosoftIISv2' -Class IIsSmtpServerSetting -Filter "Name='SmtpSvc/1'" -ErrorAction Stop
} catch {
    $setting = $null
}
if (-not $setting) {
    throw 'Cannot read the SMTP virtual server over WMI (root\MicrosoftIISv2): install the SMTP Server feature and IIS 6 WMI Compatibility (Web-WMI) first (relay step, prerequisite), then run this again.'
}
Write-Host ('Now: FQDN={0}; masquerade domain={1}; smart host={2} (the last two stay as they are)' -f $setting.FullyQualifiedDomainName, $setting.MasqueradeDomain, $setting.SmartHost)
if ($setting.FullyQualifiedDomainName -eq $mailHost) {
    Write-Host 'FQDN already set.'
    $kept.Add("FQDN $mailHost")
} elseif ($DryRun) {
    Write-Host "Would set the FQDN to $mailHost."
    $changes.Add(('FQDN: {0} -> {1}' -f $setting.FullyQualifiedDomainName, $mailHost))
} else {
    $previous = $setting.FullyQualifiedDomainName
    $setting.FullyQualifiedDomainName = $mailHost
    [void]$setting.Put()
    Write-Host "FQDN set to $mailHost."
    $changes.Add(('FQDN: {0} -> {1}' -f $previous, $mailHost))
}
$kept.Add('Masquerade domain and smart host (left as they were)')
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Windows Server 2008 to 2022: IIS 6.0 Manager]
#   1. Open **Internet Information Services (IIS) 6.0 Manager**.
#   2. Right-click **Default SMTP Virtual Server** > **Properties** > **Delivery** tab > **Advanced...**
#   3. Fully-qualified domain name: `sp01.contoso.local`. Leave Masquerade domain and Smart host as they are.
#   4. **OK**, **OK**. Repeat on every node.
# The runbook also shows a cmd script for this step.

# ---------------------------------------------------------------------------
# Step 7 (alias): Add the mail host as an Alias domain
# ---------------------------------------------------------------------------
$currentStep = 'Step 7 (alias) Add the mail host as an Alias domain'
# Windows PowerShell 2.0 to 5.1 on this node (WMI and ADSI; not PowerShell 7, which has no Get-WmiObject)
# Source: Microsoft IIS 6.0 reference: IIsSmtpDomain, IIsSmtpDomainSetting, RouteAction
& {
$mailHost = 'sp01.contoso.local'
$domainPath = 'SmtpSvc/1/Domain/' + $mailHost
# RouteAction 16 is the Local (Alias) domain type.
try {
    $virtualServer = Get-WmiObject -Namespace 'root\MicrosoftIISv2' -Class IIsSmtpServerSetting -Filter "Name='SmtpSvc/1'" -ErrorAction Stop
} catch {
    $virtualServer = $null
}
if (-not $virtualServer) {
    throw 'Cannot read the SMTP virtual server over WMI (root\MicrosoftIISv2): install the SMTP Server feature and IIS 6 WMI Compatibility (Web-WMI) first (relay step, prerequisite), then run this again.'
}
$existing = Get-WmiObject -Namespace 'root\MicrosoftIISv2' -Class IIsSmtpDomainSetting | Where-Object { $_.Name -eq $domainPath }
if ($existing) {
    if ($existing.RouteAction -eq 16) {
        Write-Host "$mailHost is already a Local (Alias) domain."
        $kept.Add("Alias domain $mailHost")
    } else {
        Write-Warning ("$mailHost is listed as a domain, but not as an alias (RouteAction {0}). If the Domains pane shows it as Local (Default), nothing is needed; if it shows Remote, delete it and run this again." -f $existing.RouteAction)
        $manualSteps.Add(("IIS 6.0 Manager > Default SMTP Virtual Server > Domains: {0} is there with RouteAction {1}; if it is Remote, delete it and add it as an Alias." -f $mailHost, $existing.RouteAction))
    }
} elseif ($DryRun) {
    Write-Host "Would add $mailHost as a Local (Alias) domain."
    $changes.Add("Alias domain $mailHost added")
} else {
    $container = [ADSI]'IIS://localhost/SMTPSVC/1/Domain'
    $domain = $container.Create('IIsSmtpDomain', $mailHost)
    $domain.Put('RouteAction', 16)
    $domain.SetInfo()
    Write-Host "Added $mailHost as a Local (Alias) domain; restart the SMTP service next."
    $changes.Add("Alias domain $mailHost added")
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Windows Server 2008 to 2022: IIS 6.0 Manager]
#   1. Open **Internet Information Services (IIS) 6.0 Manager**.
#   2. Expand **Default SMTP Virtual Server** > right-click **Domains** > **New** > **Domain...**
#   3. New SMTP Domain Wizard: select **Alias** > Next.
#   4. Name: `sp01.contoso.local` > **Finish**. The Domains pane lists it as **Local (Alias)**.
#   5. Repeat on every node.
# The runbook also shows a cmd script for this step.

# ---------------------------------------------------------------------------
# Step 8 (restart): Set SMTP to start automatically and restart it
# ---------------------------------------------------------------------------
$currentStep = 'Step 8 (restart) Set SMTP to start automatically and restart it'
# Windows PowerShell 2.0 to 5.1 on this node (not PowerShell 7, which has no Get-WmiObject)
# Source: Microsoft Learn: Set-Service; Restart-Service; Win32_Service class; IIS 6.0 metabase reference: ServerAutoStart
& {
$service = Get-WmiObject -Class Win32_Service -Filter "Name='SMTPSVC'"
if (-not $service) {
    throw 'The SMTP service (SMTPSVC) is not installed on this server: install the SMTP Server feature (relay step, prerequisite), then run this again.'
}
Write-Host ('Now: start mode {0}, state {1}' -f $service.StartMode, $service.State)
if ($service.StartMode -eq 'Auto') {
    Write-Host 'Start type is already Automatic.'
    $kept.Add('SMTPSVC start type Automatic')
} elseif ($DryRun) {
    Write-Host 'Would set the start type to Automatic.'
    $changes.Add(('SMTPSVC start type: {0} -> Automatic' -f $service.StartMode))
} else {
    Set-Service -Name SMTPSVC -StartupType Automatic
    Write-Host 'Start type set to Automatic.'
    $changes.Add(('SMTPSVC start type: {0} -> Automatic' -f $service.StartMode))
}
try {
    $virtualServer = Get-WmiObject -Namespace 'root\MicrosoftIISv2' -Class IIsSmtpServerSetting -Filter "Name='SmtpSvc/1'" -ErrorAction Stop
} catch {
    $virtualServer = $null
}
if (-not $virtualServer) {
    Write-Warning 'ServerAutoStart not read: root\MicrosoftIISv2 is not available (IIS 6 WMI Compatibility, Web-WMI).'
    $manualSteps.Add('IIS 6.0 Manager: check that Default SMTP Virtual Server starts with the service (right-click > Start if it is stopped).')
} elseif ($virtualServer.ServerAutoStart) {
    $kept.Add('Virtual server starts with the service (ServerAutoStart)')
} elseif ($DryRun) {
    Write-Host 'Would let the virtual server start with the service (ServerAutoStart).'
    $changes.Add('Virtual server starts with the service (ServerAutoStart)')
} else {
    $virtualServer.ServerAutoStart = $true
    [void]$virtualServer.Put()
    Write-Host 'The virtual server now starts with the service (ServerAutoStart).'
    $changes.Add('Virtual server starts with the service (ServerAutoStart)')
}
if ($DryRun) {
    Write-Host 'Would restart the SMTP service.'
    $changes.Add('SMTPSVC restarted')
} else {
    Restart-Service -Name SMTPSVC
    $state = (Get-Service -Name SMTPSVC).Status
    Write-Host ('SMTP service restarted; it now reads: {0}' -f $state)
    $changes.Add(('SMTPSVC restarted (now {0})' -f $state))
}
}
# The same in the console, and what to do by hand where the PowerShell
# above covers only part of the step:
#   [Services console, Windows Server 2003 to 2022]
#   1. Run `services.msc` > **Simple Mail Transfer Protocol (SMTP)** > Properties.
#   2. Startup type: **Automatic** > Apply.
#   3. **Stop**, then **Start** (or right-click > Restart) > OK.
#   4. Repeat on every node.
#   [Windows Server 2008 to 2022: IIS 6.0 Manager (restart only)]
#   Internet Information Services (IIS) 6.0 Manager > right-click **Default SMTP Virtual Server** > **Stop**, then **Start**.
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

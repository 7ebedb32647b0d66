# spmail-wizard probe kit: SMTP node wfe2.foo.local
# Farm: mossmail.foo.local; Load balanced (NLB) across 2 nodes; SharePoint 2007; Exchange 2007
# Run on: wfe2.foo.local (10.0.0.12), in Windows PowerShell as an administrator
# Generated: 2026-11-27 16:30:00 UTC
#
# READ-ONLY. This script changes nothing: it reads settings, opens SMTP
# conversations that end with RSET and QUIT before DATA, and writes one
# results file beside itself.
#
# Run it in Windows PowerShell 2.0 to 5.1 (powershell.exe; PowerShell 7 has no
# Get-WmiObject):
#   .\probe-node-wfe2.foo.local.ps1
# Then bring the results file back and run on the wizard's machine:
#   spmail-wizard import <results file> --session <name>
#
# What it checks:
#   restart / service-start-type: SMTPSVC start type (Win32_Service StartMode): Automatic
#   restart / service-running: SMTPSVC state (Win32_Service State): Running
#   restart / virtual-server-autostart: IIsSmtpServerSetting.ServerAutoStart: true
#   restart / queue-folder: files waiting in the Queue folder (QueueDirectory)
#   restart / smtp-greeting: the node's own SMTP greeting, asked from the node
#   fqdn / fqdn-setting: IIsSmtpServerSetting.FullyQualifiedDomainName = the mail host
#   alias / alias-domain: IIsSmtpDomainSetting SmtpSvc/1/Domain/<mail host> with RouteAction 16
#   connection_control / connection-list: IIsIPSecuritySetting GrantByDefault and IPGrant/IPDeny (address and mask) against the Exchange servers
#   relay / relay-connection-list: relaying is closed to other hosts when only the Exchange servers may connect
#   relay / relay-settings: Access > Relay through ADSI (RelayIpList: GrantByDefault, IPGrant with masks): open, wider than Exchange, or only Exchange
#   restart / badmail-folder: files in the Badmail folder (BadMailDirectory)
#   connection_control / anonymous-access: IIsSmtpServerSetting.AuthFlags keeps anonymous access (AuthAnonymous), as Exchange connects
#   library_test / hop-count: IIsSmtpServerSetting.HopCount, and Badmail .BDR files that give the hop count as the reason
#   central_admin / drop-folder: the Drop folder IIS names (DropDirectory): files, the oldest, and who they wait for (x-receiver)
#   central_admin / drop-folder-acl: the Drop folder's rights (listed, not judged)
#   connector / smtp-log: the SMTP protocol log's location (LogFileDirectory, SMTPSVC1) and its last hour: commands per client and reply code, an Exchange server refused warns

[CmdletBinding()]
param(
    [int]$TimeoutSeconds = 5
)

# ---------------------------------------------------------------------------
# The farm, as the plan gives it. Values are data only: single-quoted, never run.
# ---------------------------------------------------------------------------
$MailHost = 'mossmail.foo.local'
$Mode = 'nlb'
$TargetAddress = '10.0.0.50'
$SmtpPort = 25
$Zone = 'foo.local'
$ExchangeServers = @('10.0.0.20')
$ConnectionControl = $false
$TestRecipient = 'docs@mossmail.foo.local'
$Nodes = @(
    @{ Name = 'wfe1.foo.local'; Address = '10.0.0.11' },
    @{ Name = 'wfe2.foo.local'; Address = '10.0.0.12' }
)
$AliasProbe = 'spmail-wizard-probe@mossmail.foo.local'
$RelayProbe = 'spmail-wizard-probe@example.com'
$ProbeSender = 'spmail-wizard-probe@foo.local'
$OutsideDomain = 'example.com'
$IisBanner = 'Microsoft ESMTP MAIL Service'

# The SMTP dialogue, generated from the wizard's written description, move by
# move: Command is sent (the greeting only reads; an empty Command after DATA
# is the message body); after the reply, Then says by its class what comes
# next: next, fallback (send Fallback instead, then go on only on 2xx),
# message (the body follows), stop. QUIT ends every conversation while the
# connection stands. $ProbeMoves never reaches DATA; only $SendTestMoves, behind the
# -SendTest switch, sends one message.
# Expects lists the only 2xx/3xx codes that can answer the move: any other
# reply, or one that arrives before its command is sent, is out of turn (the
# server's replies no longer match its commands) and the conversation ends.
$ProbeMoves = @(
    @{ Name = 'greeting'; Command = ''; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'greeting'; Expects = @(220) },
    @{ Name = 'ehlo'; Command = 'EHLO {helo}'; Fallback = 'HELO {helo}'; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'fallback'; 'none' = 'stop' }; Stage = 'EHLO'; Expects = @(250) },
    @{ Name = 'mail'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-alias'; Command = 'RCPT TO:<{alias_rcpt}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-outside'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-outside'; Command = 'RCPT TO:<{outside_rcpt}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-outside'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-percent'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-percent'; Command = 'RCPT TO:<spmail-wizard-probe%example.com@{node_literal}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-percent'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-percent-mail-host'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-percent-mail-host'; Command = 'RCPT TO:<spmail-wizard-probe%example.com@{alias_domain}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-percent-mail-host'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-bang'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-bang'; Command = 'RCPT TO:<example.com!spmail-wizard-probe@{node_literal}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-bang'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-source-route'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-source-route'; Command = 'RCPT TO:<@{node_name}:spmail-wizard-probe@example.com>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-source-route'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-quoted'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-quoted'; Command = 'RCPT TO:<"spmail-wizard-probe@example.com"@{node_literal}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-quoted'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-own-name'; Command = 'MAIL FROM:<spmail-wizard-probe@{node_name}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-own-name'; Command = 'RCPT TO:<spmail-wizard-probe@example.com>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-own-name'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) },
    @{ Name = 'mail-address-literal'; Command = 'MAIL FROM:<spmail-wizard-probe@{node_literal}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-address-literal'; Command = 'RCPT TO:<spmail-wizard-probe@example.com>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'next'; '5xx' = 'next'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'rset-address-literal'; Command = 'RSET'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RSET'; Expects = @(250) }
)
$IdentifyMoves = @(
    @{ Name = 'greeting'; Command = ''; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'greeting'; Expects = @(220) },
    @{ Name = 'ehlo'; Command = 'EHLO {helo}'; Fallback = 'HELO {helo}'; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'fallback'; 'none' = 'stop' }; Stage = 'EHLO'; Expects = @(250) }
)
$SendTestMoves = @(
    @{ Name = 'greeting'; Command = ''; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'greeting'; Expects = @(220) },
    @{ Name = 'ehlo'; Command = 'EHLO {helo}'; Fallback = 'HELO {helo}'; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'fallback'; 'none' = 'stop' }; Stage = 'EHLO'; Expects = @(250) },
    @{ Name = 'mail'; Command = 'MAIL FROM:<{sender}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'MAIL'; Expects = @(250) },
    @{ Name = 'rcpt-test'; Command = 'RCPT TO:<{recipient}>'; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'RCPT'; Expects = @(250, 251) },
    @{ Name = 'data'; Command = 'DATA'; Fallback = ''; Then = @{ '2xx' = 'stop'; '3xx' = 'message'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'DATA'; Expects = @(354) },
    @{ Name = 'message'; Command = ''; Fallback = ''; Then = @{ '2xx' = 'next'; '3xx' = 'stop'; '4xx' = 'stop'; '5xx' = 'stop'; 'none' = 'stop' }; Stage = 'DATA'; Expects = @(250) }
)
$CloseMove = @{ Name = 'quit'; Command = 'QUIT'; Fallback = ''; Then = @{ '2xx' = 'end'; '3xx' = 'stop'; '4xx' = 'end'; '5xx' = 'end'; 'none' = 'end' }; Stage = 'QUIT'; Expects = @(221) }
$Closing = 'QUIT'
$SenderStatuses = @('1.7', '1.8')
$RecipientStatuses = @('1.1', '1.2', '1.3', '1.4', '1.5', '1.6')

# ---------------------------------------------------------------------------
# Results: the document `spmail-wizard import` reads, written without
# ConvertTo-Json, which PowerShell 2.0 does not have.
# ---------------------------------------------------------------------------
$MaxTranscriptLines = 200
$MaxLineWidth = 200
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture
$Clock = [System.Diagnostics.Stopwatch]::StartNew()
$StartedAt = (Get-Date).ToUniversalTime()
$Results = New-Object System.Collections.ArrayList

function Get-IsoTime([datetime]$Moment) {
    return $Moment.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", $Invariant)
}

function ConvertTo-JsonText([string]$Text) {
    # Every character outside printable ASCII becomes \uXXXX, so the file reads
    # the same whatever code page the host uses.
    $out = New-Object System.Text.StringBuilder
    [void]$out.Append('"')
    foreach ($ch in $Text.ToCharArray()) {
        $code = [int]$ch
        if ($code -eq 34) { [void]$out.Append('\"') }
        elseif ($code -eq 92) { [void]$out.Append('\\') }
        elseif ($code -lt 32 -or $code -gt 126) { [void]$out.Append(('\u{0:x4}' -f $code)) }
        else { [void]$out.Append($ch) }
    }
    [void]$out.Append('"')
    return $out.ToString()
}

# The farm this script was made for, as `spmail-wizard import` compares it with the session's plan.
$Farm = '{"mail_host": "mossmail.foo.local", "mode": "nlb", "nodes": [{"name": "wfe1.foo.local", "address": "10.0.0.11"}, {"name": "wfe2.foo.local", "address": "10.0.0.12"}], "exchange_servers": ["10.0.0.20"], "sharepoint_servers": [], "smtp_port": 25}'

function Get-ThisHostName {
    try {
        $name = [System.Net.Dns]::GetHostEntry([System.Net.Dns]::GetHostName()).HostName
    } catch {
        $name = $env:COMPUTERNAME
    }
    return ([string]$name).ToLower()
}

# The host this script reports as: the plan's name for it (an Exchange server by its address).
$Origin = 'wfe2.foo.local'

# The name this host gives in EHLO: its own DNS name (an address is no EHLO name).
$HeloName = Get-ThisHostName

function Assert-ThisHost([string]$Name, [string]$Address) {
    # A script made for one host must not report as that host from another: it
    # stops before reading anything unless this host holds the planned address
    # (and, for a node, has the planned name).
    $planned = [System.Net.IPAddress]::Parse($Address)
    $mine = @()
    foreach ($nic in [System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces()) {
        foreach ($unicast in $nic.GetIPProperties().UnicastAddresses) { $mine += $unicast.Address }
    }
    $held = @($mine | Where-Object { $_.Equals($planned) }).Count -gt 0
    $computer = ([string][System.Net.Dns]::GetHostName()).ToLower()
    $named = ($Name -eq '') -or ($computer.Split('.')[0] -eq $Name.ToLower().Split('.')[0])
    if (-not ($held -and $named)) {
        $what = $Address
        if ($Name -ne '') { $what = "$Name ($Address)" }
        $shown = @($mine | ForEach-Object { $_.ToString() }) -join ', '
        Write-Host "Stopped: this script was made for $what, but this host is $computer ($shown); run the script made for this host."
        exit 1
    }
}

function Add-Result($Step, $Check, $Target, $Status, $Summary, $Hint, $Transcript, $DurationMs) {
    $lines = New-Object System.Collections.ArrayList
    foreach ($line in @($Transcript)) {
        if ($line -eq $null) { continue }
        if ($lines.Count -ge $MaxTranscriptLines) {
            [void]$lines.Add("... (transcript cut at $MaxTranscriptLines lines)")
            break
        }
        $text = [string]$line
        if ($text.Length -gt $MaxLineWidth) { $text = $text.Substring(0, $MaxLineWidth) + "... ($($text.Length) chars)" }
        [void]$lines.Add($text)
    }
    [void]$Results.Add(@{
        Step = $Step; Check = $Check; Target = $Target; Status = $Status
        Summary = [string]$Summary; Hint = [string]$Hint; Transcript = $lines
        DurationMs = [int]$DurationMs; ObservedAt = (Get-IsoTime (Get-Date))
    })
    $shown = "{0,-5} {1} {2}: {3}" -f $Status.ToUpper(), $Check, $Target, $Summary
    Write-Host $shown
}

function Write-Results([string]$Path) {
    $counts = @{ 'pass' = 0; 'warn' = 0; 'fail' = 0; 'skip' = 0; 'error' = 0 }
    foreach ($r in $Results) { $counts[$r.Status] = $counts[$r.Status] + 1 }
    $items = New-Object System.Collections.ArrayList
    foreach ($r in $Results) {
        $transcript = @($r.Transcript | ForEach-Object { ConvertTo-JsonText $_ }) -join ', '
        $fields = @(
            ('"step": ' + (ConvertTo-JsonText $r.Step)),
            ('"check": ' + (ConvertTo-JsonText $r.Check)),
            ('"target": ' + (ConvertTo-JsonText $r.Target)),
            ('"status": ' + (ConvertTo-JsonText $r.Status)),
            ('"summary": ' + (ConvertTo-JsonText $r.Summary)),
            ('"hint": ' + (ConvertTo-JsonText $r.Hint)),
            ('"duration_ms": ' + $r.DurationMs.ToString($Invariant)),
            ('"transcript": [' + $transcript + ']'),
            ('"observed_at": ' + (ConvertTo-JsonText $r.ObservedAt)),
            ('"origin": ' + (ConvertTo-JsonText $Origin))
        )
        [void]$items.Add('    {' + ($fields -join ', ') + '}')
    }
    $summary = @('pass', 'warn', 'fail', 'skip', 'error' | ForEach-Object { '"' + $_ + '": ' + $counts[$_] }) -join ', '
    $document = @(
        '{',
        '  "schema": 1,',
        ('  "plan": {"mode": ' + (ConvertTo-JsonText $Mode) + ', "mail_host": ' + (ConvertTo-JsonText $MailHost) + '},'),
        ('  "farm": ' + $Farm + ','),
        ('  "started_at": ' + (ConvertTo-JsonText (Get-IsoTime $StartedAt)) + ','),
        ('  "duration_ms": ' + $Clock.ElapsedMilliseconds.ToString($Invariant) + ','),
        ('  "summary": {' + $summary + '},'),
        '  "results": [',
        ($items -join ",`n"),
        '  ]',
        '}'
    ) -join "`n"
    [System.IO.File]::WriteAllText($Path, $document + "`n", (New-Object System.Text.UTF8Encoding($false)))
}

# ---------------------------------------------------------------------------
# SMTP over System.Net.Sockets.TcpClient: one deadline per conversation,
# reply lines of at most 4 KiB, the conversation recorded as S:/C: lines.
# ---------------------------------------------------------------------------
function Get-SocketError($ErrorRecord) {
    $e = $ErrorRecord.Exception
    while ($e -ne $null) {
        if ($e -is [System.Net.Sockets.SocketException]) { return $e.SocketErrorCode.ToString() }
        $e = $e.InnerException
    }
    return ''
}

function Read-SmtpLine($Conn) {
    $buffer = New-Object System.IO.MemoryStream
    while ($true) {
        $left = $Conn.Deadline - $Conn.Watch.ElapsedMilliseconds
        if ($left -le 0) { $Conn.Fault = 'timeout'; return $null }
        $Conn.Stream.ReadTimeout = [int][Math]::Max(1, $left)
        try {
            $byte = $Conn.Stream.ReadByte()
        } catch {
            $code = Get-SocketError $_
            if ($code -eq 'TimedOut' -or $code -eq 'WouldBlock') { $Conn.Fault = 'timeout' } else { $Conn.Fault = 'reset' }
            return $null
        }
        if ($byte -lt 0) { $Conn.Fault = 'closed'; return $null }
        if ($byte -eq 10) { break }
        if ($buffer.Length -ge 4096) { $Conn.Fault = 'too_long'; return $null }
        $buffer.WriteByte([byte]$byte)
    }
    return ([System.Text.Encoding]::UTF8.GetString($buffer.ToArray())).TrimEnd("`r")
}

function Read-SmtpReply($Conn) {
    $code = -1
    $lines = New-Object System.Collections.ArrayList
    while ($true) {
        $line = Read-SmtpLine $Conn
        if ($line -eq $null) { return $null }
        [void]$Conn.Transcript.Add("S: $line")
        # A code of 2xx to 5xx (second digit 0 to 5), then '-' (more lines follow), or a space and
        # text, or nothing: a bare '250' is a valid last line (RFC 5321, 4.2).
        if ($line -notmatch '^([2-5][0-5]\d)(([ -])(.*))?$') { $Conn.Fault = 'garbage'; return $null }
        $thisCode = [int]$Matches[1]
        $more = [string]$Matches[3] -eq '-'
        $text = ([string]$Matches[4]).Trim()
        if ($code -ne -1 -and $thisCode -ne $code) { $Conn.Fault = 'garbage'; return $null }
        $code = $thisCode
        [void]$lines.Add($text)
        if (-not $more) {
            return @{ Code = $code; Text = [string]$lines[0]; Lines = $lines; First = ("$code " + $lines[0]).TrimEnd() }
        }
    }
}

function Send-SmtpLine($Conn, [string]$Line, [string]$Shown) {
    # Whatever the server sent since its last reply came before this command:
    # it answers something else, and would shift every later reply by one.
    $early = $false
    try { $early = $Conn.Stream.DataAvailable } catch { $early = $false }
    if ($early) {
        $unasked = Read-SmtpLine $Conn
        $sent = ($Shown -split ' ')[0]
        if ($Shown.StartsWith('(')) { $sent = 'the message' }
        [void]$Conn.Transcript.Add("S: $unasked (before $sent was sent)")
        $Conn.Fault = 'out_of_turn'
        $Conn.OutOfTurn = "'$unasked' came before $sent was sent"
        return $false
    }
    [void]$Conn.Transcript.Add("C: $Shown")
    $bytes = [System.Text.Encoding]::ASCII.GetBytes($Line + "`r`n")
    try {
        $Conn.Stream.WriteTimeout = [int][Math]::Max(1, $Conn.Deadline - $Conn.Watch.ElapsedMilliseconds)
        $Conn.Stream.Write($bytes, 0, $bytes.Length)
        return $true
    } catch {
        $Conn.Fault = 'reset'
        return $false
    }
}

function Invoke-SmtpCommand($Conn, [string]$Line) {
    if (-not (Send-SmtpLine $Conn $Line $Line)) { return $null }
    return Read-SmtpReply $Conn
}

function Expand-Command([string]$Template, $Recipient, [string]$Address) {
    # The target's own name (the node's, or the mail host through the VIP) and its address
    # literal fill the relay forms, as the wizard fills them.
    $name = $MailHost
    foreach ($node in $Nodes) { if ($node.Address -eq $Address) { $name = $node.Name } }
    $literal = "[$Address]"
    if ($Address.Contains(':')) { $literal = "[IPv6:$Address]" }
    $text = $Template.Replace('{helo}', $HeloName).Replace('{sender}', $ProbeSender)
    $text = $text.Replace('{alias_rcpt}', $AliasProbe).Replace('{outside_rcpt}', $RelayProbe)
    $text = $text.Replace('{alias_domain}', $MailHost).Replace('{node_name}', $name).Replace('{node_literal}', $literal)
    return $text.Replace('{recipient}', [string]$Recipient)
}

function Get-OutOfTurn($Move, $Reply) {
    # Why a reply cannot answer its move, or '': a 2xx/3xx the command cannot have,
    # an enhanced status of another class than the code, or one about the other
    # address of the transaction.
    if ($Reply -eq $null) { return '' }
    $code = [int]$Reply.Code
    $what = $Move.Stage
    if ($Move.Name -eq 'greeting') { $what = 'a greeting' } elseif ($Move.Command -eq '') { $what = 'the message' }
    $expects = @($Move.Expects)
    if ($code -ge 200 -and $code -lt 400 -and $expects.Count -gt 0 -and -not ($expects -contains $code)) {
        return "$code is no answer to $what ($($expects -join ' or ') expected)"
    }
    if ([string]$Reply.Text -match '^([245])\.(\d{1,3})\.(\d{1,3})(\s|$)') {
        $status = "$($Matches[1]).$($Matches[2]).$($Matches[3])"
        $subject = "$($Matches[2]).$($Matches[3])"
        if ($Matches[1] -ne ([string]$code).Substring(0, 1)) {
            return "the reply $code $status to $what contradicts itself (its enhanced status is of class $($Matches[1]))"
        }
        if ($Move.Stage -eq 'MAIL' -and $RecipientStatuses -contains $subject) { return "the reply $code $status to MAIL is about a recipient" }
        if ($Move.Stage -eq 'RCPT' -and $SenderStatuses -contains $subject) { return "the reply $code $status to RCPT is about the sender" }
    }
    return ''
}

function Get-ReplyClass($Reply) {
    if ($Reply -eq $null -or $Reply.Code -lt 200 -or $Reply.Code -ge 600) { return 'none' }
    return @('2xx', '3xx', '4xx', '5xx')[[int][Math]::Floor($Reply.Code / 100) - 2]
}

function Invoke-Conversation([string]$Address, [int]$Port, $Moves, $Message, $Recipient) {
    # One conversation following $Moves; never throws. Replies are kept by
    # move name; a move not reached has none.
    $found = @{
        Address = $Address; Port = $Port; Greeting = $null; Replies = @{}
        Fault = ''; Stage = 'connect'; Source = ''; DurationMs = 0; OutOfTurn = ''
        Transcript = (New-Object System.Collections.ArrayList); Notes = (New-Object System.Collections.ArrayList)
    }
    $conn = @{
        Watch = [System.Diagnostics.Stopwatch]::StartNew(); Deadline = $TimeoutSeconds * 1000
        Fault = ''; Stream = $null; Transcript = $found.Transcript; OutOfTurn = ''
    }
    $client = $null
    try {
        $ip = [System.Net.IPAddress]::Parse($Address)
        $client = New-Object System.Net.Sockets.TcpClient($ip.AddressFamily)
        $pending = $client.BeginConnect($ip, $Port, $null, $null)
        if (-not $pending.AsyncWaitHandle.WaitOne([int]$conn.Deadline, $false)) {
            $found.Fault = 'timeout'
            return $found
        }
        try {
            $client.EndConnect($pending)
        } catch {
            $code = Get-SocketError $_
            if ($code -eq 'ConnectionRefused') { $found.Fault = 'refused' } else { $found.Fault = 'unreachable' }
            return $found
        }
        $found.Source = $client.Client.LocalEndPoint.Address.ToString()
        [void]$found.Transcript.Add("-- connected to ${Address}:$Port from $($found.Source)")
        $conn.Stream = $client.GetStream()
        foreach ($move in $Moves) {
            $found.Stage = $move.Name
            if ($move.Name -eq 'greeting') {
                $reply = Read-SmtpReply $conn
            } elseif ($move.Command -eq '') {
                # The message body, dot-stuffed, ended by a line holding one dot.
                $body = (($Message -split "`r?`n") | ForEach-Object { if ($_.StartsWith('.')) { '.' + $_ } else { $_ } }) -join "`r`n"
                $reply = $null
                if (Send-SmtpLine $conn ($body + "`r`n.") "(message of $($Message.Length) characters)") { $reply = Read-SmtpReply $conn }
            } else {
                $reply = Invoke-SmtpCommand $conn (Expand-Command $move.Command $Recipient $Address)
            }
            if (Test-OutOfTurn $found $conn $move $reply) { return $found }
            $class = Get-ReplyClass $reply
            $then = $move.Then[$class]
            if ($then -eq 'fallback') {
                $reply = Invoke-SmtpCommand $conn (Expand-Command $move.Fallback $Recipient $Address)
                if (Test-OutOfTurn $found $conn $move $reply) { return $found }
                $class = Get-ReplyClass $reply
                if ($class -eq '2xx') { $then = 'next' } else { $then = 'stop' }
            }
            if ($reply -ne $null) { $found.Replies[$move.Name] = $reply }
            if ($reply -ne $null -and $move.Stage -eq 'RSET' -and $reply.Code -ge 500) {
                [void]$found.Notes.Add("refused RSET ($($reply.First)), which RFC 5321 does not allow")
            }
            if ($move.Name -eq 'greeting') { $found.Greeting = $reply }
            if ($class -eq 'none') {
                # No complete reply: the connection cannot carry a QUIT.
                $found.Fault = $conn.Fault
                if ($found.Fault -eq '') { $found.Fault = 'garbage' }
                return $found
            }
            if ($then -ne 'next' -and $then -ne 'message') { break }
        }
        $found.Stage = 'quit'
        $bye = Invoke-SmtpCommand $conn $Closing
        if (Test-OutOfTurn $found $conn $CloseMove $bye) { return $found }
        if ($bye -ne $null -and $bye.Code -ne 221) { [void]$found.Notes.Add("answered QUIT with $($bye.First) instead of 221") }
        $found.Stage = ''
        return $found
    } catch {
        $found.Fault = 'unreachable'
        [void]$found.Transcript.Add("-- $($_.Exception.Message)")
        return $found
    } finally {
        if ($client -ne $null) { $client.Close() }
        foreach ($note in $found.Notes) { [void]$found.Transcript.Add("-- note: $note") }
        $found.DurationMs = [int]$conn.Watch.ElapsedMilliseconds
    }
}

function Test-OutOfTurn($Found, $Conn, $Move, $Reply) {
    # True when the conversation must end because the server answered out of
    # turn: a reply came unasked, or $Reply cannot answer $Move.
    $why = $Conn.OutOfTurn
    if ($why -eq '') { $why = Get-OutOfTurn $Move $Reply }
    if ($why -eq '') { return $false }
    $Found.Fault = 'out_of_turn'
    $Found.OutOfTurn = $why
    $Found.Stage = $Move.Stage
    [void]$Found.Transcript.Add("-- out of turn: $why")
    return $true
}

$FaultText = @{
    'refused' = 'connection refused: nothing listens there'
    'unreachable' = 'cannot be reached from this host'
    'timeout' = 'did not answer within the timeout'
    'reset' = 'reset the connection'
    'closed' = 'closed the connection without a reply'
    'garbage' = 'answered with something that is not SMTP'
    'too_long' = 'sent a reply line longer than 4 KiB'
    'out_of_turn' = 'answered out of turn, so none of its replies can be trusted'
}
$FaultHint = @{
    'refused' = "Start the SMTP service (net start smtpsvc) and check the virtual server's address and port; a firewall may also reject TCP $SmtpPort."
    'unreachable' = 'Check the address in the plan and the route to it from this host.'
    'timeout' = "The host is down, a firewall drops TCP $SmtpPort, or the service is hung; restart the SMTP service and check the firewall."
    'reset' = "Something between here and the node, or the service itself, cuts sessions; check the firewall and the SMTP service's event log."
    'closed' = 'The service drops sessions at once; check Access > Connection on the node and its event log.'
    'garbage' = "Another program answers on port $SmtpPort; check what listens there (netstat -ano)."
    'too_long' = "Whatever answers on port $SmtpPort is not a working SMTP server; check what listens there."
    'out_of_turn' = "The server on port $SmtpPort sends replies nobody asked for, or one command behind, so none of its answers can be read as proof; check what listens there (netstat -ano) and its event log."
}

function Get-BlockedReason($Found) {
    # Every way of refusing a session at its start counts: what connection
    # control does exactly is not documented.
    if ($Found.Fault -ne '' -and ($Found.Stage -eq 'connect' -or $Found.Stage -eq 'greeting')) {
        if ($Found.Fault -eq 'refused') { return 'connection refused' }
        if ($Found.Fault -eq 'reset') { return 'connection reset at once' }
        if ($Found.Fault -eq 'closed') { return 'connection closed before any greeting' }
    }
    if ($Found.Greeting -ne $null -and $Found.Greeting.Code -ge 400) { return "greeting $($Found.Greeting.First)" }
    if ($Found.Fault -ne '' -and $Found.Stage -eq 'ehlo' -and ($Found.Fault -eq 'closed' -or $Found.Fault -eq 'reset')) {
        return 'connection closed right after the greeting'
    }
    return ''
}

function Test-Greeted($Found) {
    return ($Found.Greeting -ne $null -and $Found.Greeting.Code -eq 220 -and $Found.Fault -ne 'out_of_turn')
}

function Test-Listed($Found) {
    return ($ExchangeServers -contains $Found.Source)
}

# ---------------------------------------------------------------------------
# Verdicts on one conversation, worded as `spmail-wizard check` words them.
# ---------------------------------------------------------------------------
$ReadyAt = '\s+ready at\b.*$'

function Get-Where($Target) {
    if ($Target.Kind -eq 'vip') {
        if ($Mode -eq 'nlb') { return "$($Target.Label) through the VIP $TargetAddress" }
        return "$($Target.Label) through $($Nodes[0].Name) ($TargetAddress)"
    }
    return "$($Target.Label) ($($Target.Address))"
}

function New-Verdict($Status, $Summary, $Hint) {
    return @{ Status = $Status; Summary = $Summary; Hint = $Hint }
}

function Get-FaultVerdict($Target, $Found) {
    $at = Get-Where $Target
    if ($Found.Fault -eq 'out_of_turn') {
        # Replies that do not match their commands prove nothing either way: an error, never a verdict.
        return New-Verdict 'error' "$at answered out of turn: $($Found.OutOfTurn)" $FaultHint['out_of_turn']
    }
    if ($Found.Fault -ne '') {
        return New-Verdict 'fail' "$at $($FaultText[$Found.Fault])" $FaultHint[$Found.Fault]
    }
    if ($Found.Greeting.Code -eq 421) {
        return New-Verdict 'fail' "$at is busy and turned the session away ($($Found.Greeting.First))" 'The service refuses new sessions (too many connections, or shutting down); retry, then check its connection limits.'
    }
    return New-Verdict 'fail' "$at refused the session ($($Found.Greeting.First))" 'Check Access > Connection on the node: this host may not be allowed to connect.'
}

function Get-Instead($Target, $Found) {
    # The verdict to give instead when the conversation never got going, or $null.
    if ($Found.Fault -eq 'out_of_turn') { return Get-FaultVerdict $Target $Found }
    $reason = Get-BlockedReason $Found
    $at = Get-Where $Target
    if ($reason -ne '' -and (Test-Listed $Found)) {
        return New-Verdict 'fail' "$at turned away this Exchange server ($($Found.Source)): $reason; mail from Exchange cannot be delivered there" "Access > Connection on the node must list every Exchange server ($($ExchangeServers -join ', '))."
    }
    if ($reason -ne '' -and $ConnectionControl) {
        return New-Verdict 'skip' "$at turned this host away ($reason), probably connection control; this host's address $($Found.Source) is not among the plan's Exchange servers, so nothing was checked from here" 'Run the probe kit on an Exchange server named in the plan, or correct exchange_servers in the plan.'
    }
    if (-not (Test-Greeted $Found)) { return Get-FaultVerdict $Target $Found }
    return $null
}

function Get-FirstWord([string]$Text) {
    $words = @($Text.Trim() -split '\s+')
    return [string]$words[0]
}

function Get-GreetingVerdict($Target, $Found) {
    $instead = Get-Instead $Target $Found
    if ($instead -ne $null) { return $instead }
    $note = ''
    if ($Found.Greeting.Text.IndexOf($IisBanner, [System.StringComparison]::OrdinalIgnoreCase) -lt 0) {
        $note = ' (not the IIS banner: an unknown or customised server)'
    }
    $shown = $Found.Greeting.Text -replace $ReadyAt, ''
    if ($shown.Length -gt 100) { $shown = $shown.Substring(0, 100) }
    return New-Verdict 'pass' "$(Get-Where $Target) greets with 220 in $($Found.DurationMs) ms${note}: $shown" ''
}

$ThisNode = 'wfe2.foo.local'
$ThisAddress = '10.0.0.12'
$IisNamespace = 'root\MicrosoftIISv2'
$OldMinutes = 10
$LogLineLimit = 200000

function Add-Fact($Step, $Check, $Status, $Summary, $Hint, $Lines, $Watch) {
    Add-Result $Step $Check $ThisNode $Status $Summary $Hint $Lines $Watch.ElapsedMilliseconds
}

function Add-ReadError($Step, $Check, $What, $ErrorRecord, $Watch) {
    Add-Fact $Step $Check 'error' "$What could not be read on ${ThisNode}: $($ErrorRecord.Exception.Message)" 'The IIS 6 WMI compatibility component (root\MicrosoftIISv2) is needed to read the SMTP settings; run the script as an administrator.' @() $Watch
}

# ---------------------------------------------------------------------------
# restart: the Windows service and the virtual server.
# ---------------------------------------------------------------------------
function Test-Service {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $service = Get-WmiObject -Class Win32_Service -Filter "Name='SMTPSVC'" -ErrorAction Stop
    } catch {
        Add-ReadError 'restart' 'service-start-type' 'The SMTP service' $_ $watch
        return
    }
    if ($service -eq $null) {
        $summary = "the SMTP service (SMTPSVC) is not installed on $ThisNode"
        $hint = 'Install the SMTP Server feature (relay step), then set it to start automatically.'
        Add-Fact 'restart' 'service-start-type' 'fail' $summary $hint @() $watch
        Add-Fact 'restart' 'service-running' 'fail' $summary $hint @() $watch
        return
    }
    $lines = @("Win32_Service SMTPSVC: State $($service.State), StartMode $($service.StartMode)")
    if ($service.StartMode -eq 'Auto') {
        Add-Fact 'restart' 'service-start-type' 'pass' "the SMTP service starts automatically on $ThisNode" '' $lines $watch
    } else {
        Add-Fact 'restart' 'service-start-type' 'fail' "the SMTP service on $ThisNode has start type $($service.StartMode), not Automatic: after a reboot no mail is accepted" 'sc config SMTPSVC start= auto (restart step); an in-place Windows upgrade can reset it to Manual.' $lines $watch
    }
    if ($service.State -eq 'Running') {
        Add-Fact 'restart' 'service-running' 'pass' "the SMTP service is running on $ThisNode" '' $lines $watch
    } else {
        Add-Fact 'restart' 'service-running' 'fail' "the SMTP service on $ThisNode is $($service.State), not running" 'net start smtpsvc, then look at the System event log for why it stopped.' $lines $watch
    }
}

function Test-VirtualServer($Setting) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = @("IIsSmtpServerSetting SmtpSvc/1: ServerAutoStart $($Setting.ServerAutoStart)")
    if ([string]$Setting.ServerAutoStart -eq 'True') {
        Add-Fact 'restart' 'virtual-server-autostart' 'pass' "the Default SMTP Virtual Server on $ThisNode starts with the service" '' $lines $watch
    } else {
        Add-Fact 'restart' 'virtual-server-autostart' 'fail' "the Default SMTP Virtual Server on $ThisNode does not start with the service (ServerAutoStart is $($Setting.ServerAutoStart))" 'Start the virtual server in IIS 6.0 Manager (right-click > Start); it then starts with the service again.' $lines $watch
    }
}

# ---------------------------------------------------------------------------
# fqdn: Delivery > Advanced.
# ---------------------------------------------------------------------------
function Test-FqdnSetting($Setting) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = @(
        "FullyQualifiedDomainName: $($Setting.FullyQualifiedDomainName)",
        "DefaultDomain: $($Setting.DefaultDomain)",
        "MasqueradeDomain: $($Setting.MasqueradeDomain)",
        "SmartHost: $($Setting.SmartHost) (SmartHostType $($Setting.SmartHostType))"
    )
    $fqdn = [string]$Setting.FullyQualifiedDomainName
    if ($fqdn -eq $MailHost) {
        Add-Fact 'fqdn' 'fqdn-setting' 'pass' "Delivery > Advanced on $ThisNode names $MailHost as the fully-qualified domain name" '' $lines $watch
    } else {
        Add-Fact 'fqdn' 'fqdn-setting' 'warn' "Delivery > Advanced on $ThisNode names '$fqdn', not $MailHost, as the fully-qualified domain name" "Set Delivery > Advanced > Fully-qualified domain name to $MailHost and restart the SMTP service (recommended, not required)." $lines $watch
    }
}

# ---------------------------------------------------------------------------
# alias: the Domains list.
# ---------------------------------------------------------------------------
function Test-AliasDomain {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $domains = @(Get-WmiObject -Namespace $IisNamespace -Class IIsSmtpDomainSetting -ErrorAction Stop)
    } catch {
        Add-ReadError 'alias' 'alias-domain' 'The Domains list' $_ $watch
        return
    }
    $lines = @($domains | ForEach-Object { "IIsSmtpDomainSetting $($_.Name): RouteAction $($_.RouteAction)" })
    $wanted = "SmtpSvc/1/Domain/$MailHost"
    $mine = @($domains | Where-Object { [string]$_.Name -eq $wanted })
    if ($mine.Count -eq 0) {
        Add-Fact 'alias' 'alias-domain' 'fail' "$MailHost is not in the Domains list of $ThisNode" "Add $MailHost as an Alias domain (Domains > New > Domain > Alias), then restart the SMTP service." $lines $watch
    } elseif ([string]$mine[0].RouteAction -eq '16') {
        Add-Fact 'alias' 'alias-domain' 'pass' "$MailHost is an Alias domain on $ThisNode (RouteAction 16)" '' $lines $watch
    } elseif ($MailHost -eq $ThisNode) {
        # The mail host is this server's own name: the Local (Default) domain already accepts it, no alias needed.
        Add-Fact 'alias' 'alias-domain' 'pass' "$MailHost is this server's own name, listed as its Local (Default) domain (RouteAction $($mine[0].RouteAction)): it accepts mail for it without an alias" '' $lines $watch
    } else {
        Add-Fact 'alias' 'alias-domain' 'fail' "$MailHost is in the Domains list of $ThisNode, but as RouteAction $($mine[0].RouteAction), not an Alias (16)" "Delete the domain $MailHost and add it again as an Alias domain, then restart the SMTP service." $lines $watch
    }
}

# ---------------------------------------------------------------------------
# connection_control and relay: Access > Connection, and what it implies.
# ---------------------------------------------------------------------------
function Get-GrantedAddress([string]$Entry) {
    return ($Entry -split ',')[0].Trim()
}

function Test-Covers([string]$Entry, [string]$Address) {
    # An entry is "address, mask": with a mask other than all ones it grants a whole subnet.
    $parts = @(($Entry -split ',') | ForEach-Object { $_.Trim() })
    if ($parts.Count -lt 2 -or -not $parts[1]) { return $parts[0] -eq $Address }
    try {
        $net = [System.Net.IPAddress]::Parse($parts[0]).GetAddressBytes()
        $mask = [System.Net.IPAddress]::Parse($parts[1]).GetAddressBytes()
        $ip = [System.Net.IPAddress]::Parse($Address).GetAddressBytes()
    } catch { return $false }
    if ($net.Length -ne $ip.Length -or $mask.Length -ne $ip.Length) { return $false }
    for ($i = 0; $i -lt $ip.Length; $i++) {
        if (($ip[$i] -band $mask[$i]) -ne ($net[$i] -band $mask[$i])) { return $false }
    }
    return $true
}

function Test-SingleHost([string]$Entry) {
    $parts = @(($Entry -split ',') | ForEach-Object { $_.Trim() })
    return ($parts.Count -lt 2 -or -not $parts[1] -or $parts[1] -eq '255.255.255.255')
}

function Test-ConnectionList {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $security = Get-WmiObject -Namespace $IisNamespace -Class IIsIPSecuritySetting -Filter "Name='SmtpSvc/1'" -ErrorAction Stop
    } catch {
        Add-ReadError 'connection_control' 'connection-list' 'Access > Connection' $_ $watch
        Add-Fact 'relay' 'relay-connection-list' 'skip' "Access > Connection could not be read on $ThisNode, so it proves nothing about relaying" '' @() $watch
        return
    }
    $grant = @($security.IPGrant | Where-Object { $_ -ne $null -and $_ -ne '' })
    $deny = @($security.IPDeny | Where-Object { $_ -ne $null -and $_ -ne '' })
    $domainGrant = @($security.DomainGrant | Where-Object { $_ -ne $null -and $_ -ne '' })
    $onlyList = [string]$security.GrantByDefault -eq 'False'
    $lines = @(
        "IIsIPSecuritySetting SmtpSvc/1: GrantByDefault $($security.GrantByDefault)",
        "IPGrant: $($grant -join '; ')", "IPDeny: $($deny -join '; ')", "DomainGrant: $($domainGrant -join '; ')"
    )
    $denied = @($deny | ForEach-Object { Get-GrantedAddress $_ })
    $missing = @($ExchangeServers | Where-Object { $server = $_; -not @($grant | Where-Object { Test-Covers $_ $server }).Count })
    $extra = @($grant | Where-Object { -not (Test-SingleHost $_) -or -not ($ExchangeServers -contains (Get-GrantedAddress $_)) } | ForEach-Object { ([string]$_).Trim() })
    $blockedExchange = @($ExchangeServers | Where-Object { $denied -contains $_ })
    $exchange = $ExchangeServers -join ', '
    if ($onlyList) {
        if ($missing.Count -gt 0) {
            $verdict = New-Verdict 'fail' "Access > Connection on $ThisNode allows only the list below, and it lacks the Exchange server(s) $($missing -join ', '): their mail is refused" "Add $($missing -join ', ') to Access > Connection on $ThisNode."
        } elseif (-not $ConnectionControl) {
            $verdict = New-Verdict 'warn' "Access > Connection on $ThisNode allows only the list below, though the plan has connection control off" 'Set connection_control = true in the plan if the restriction is intended.'
        } elseif ($extra.Count -gt 0 -or $domainGrant.Count -gt 0) {
            $others = @($extra) + @($domainGrant)
            $verdict = New-Verdict 'warn' "Access > Connection on $ThisNode allows the Exchange servers and also $($others -join ', ')" "Remove what is not an Exchange server ($exchange), such as a workstation added for testing."
        } else {
            $verdict = New-Verdict 'pass' "Access > Connection on $ThisNode allows only the Exchange servers ($exchange)" ''
        }
    } elseif ($blockedExchange.Count -gt 0) {
        $verdict = New-Verdict 'fail' "Access > Connection on $ThisNode denies the Exchange server(s) $($blockedExchange -join ', ')" "Remove $($blockedExchange -join ', ') from the denied list on $ThisNode."
    } elseif ($ConnectionControl) {
        $verdict = New-Verdict 'fail' "Access > Connection on $ThisNode allows every computer (all except the list below), though the plan has connection control on" "Choose 'Only the list below' and list only $exchange."
    } else {
        $verdict = New-Verdict 'pass' "Access > Connection on $ThisNode allows every computer except the list below, and no Exchange server is denied (connection control is off in the plan)" ''
    }
    Add-Fact 'connection_control' 'connection-list' $verdict.Status $verdict.Summary $verdict.Hint $lines $watch
    if ($onlyList -and $missing.Count -eq 0 -and $extra.Count -eq 0 -and $domainGrant.Count -eq 0) {
        Add-Fact 'relay' 'relay-connection-list' 'pass' "only the Exchange servers ($exchange) may connect to $ThisNode at all, so no other host can relay through it" '' $lines $watch
    } else {
        Add-Fact 'relay' 'relay-connection-list' 'skip' "Access > Connection on $ThisNode lets other hosts connect, so it does not prove that relaying is closed" 'Prove it from a host that is not an Exchange server: spmail-wizard check --step relay.' $lines $watch
    }
}

function Get-RelayEntries {
    # Access > Relay is the virtual server's RelayIpList, an IPSECLIST: through
    # ADSI it reads as an IIsIPSecurity object, like Access > Connection.
    $server = [ADSI]'IIS://localhost/SMTPSVC/1'
    $list = $server.psbase.InvokeGet('RelayIpList')
    $type = $list.GetType()
    return @{
        GrantAll = [bool]$type.InvokeMember('GrantByDefault', 'GetProperty', $null, $list, $null)
        Grants = @($type.InvokeMember('IPGrant', 'GetProperty', $null, $list, $null) | Where-Object { $_ })
    }
}

function Test-RelaySettings($Setting) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try { $relay = Get-RelayEntries } catch { Add-ReadError 'relay' 'relay-settings' 'Access > Relay (RelayIpList)' $_ $watch; return }
    $exchange = $ExchangeServers -join ', '
    # RelayForAuth is documented as -1 (metabase reference) and as 1 (IIS 6.0 SDK) when ticked: any non-zero value is ticked.
    if ([int]$Setting.RelayForAuth -ne 0) { $forAuth = 'ticked' } else { $forAuth = 'cleared' }
    $lines = @("RelayIpList GrantByDefault: $($relay.GrantAll)", "IPGrant: $($relay.Grants -join '; ')", "RelayForAuth: $($Setting.RelayForAuth) ('Allow all computers which successfully authenticate to relay' $forAuth)")
    $hint = "In IIS 6.0 Manager: Default SMTP Virtual Server > Properties > Access > Relay: 'Only the list below' with only $exchange."
    if ($relay.GrantAll) {
        Add-Fact 'relay' 'relay-settings' 'fail' "Access > Relay on $ThisNode allows every computer except the list below: anyone may relay through it (an open relay)" $hint $lines $watch
        return
    }
    $others = @()
    foreach ($entry in $relay.Grants) {
        $parts = @(([string]$entry -split ',') | ForEach-Object { $_.Trim() })
        $mask = '255.255.255.255'
        if ($parts.Count -gt 1 -and $parts[1]) { $mask = $parts[1] }
        if ($mask -ne '255.255.255.255') { $others += "$($parts[0]) with mask $mask (a whole subnet)" }
        elseif (-not ($ExchangeServers -contains $parts[0])) { $others += $parts[0] }
    }
    if ($others.Count -gt 0) {
        Add-Fact 'relay' 'relay-settings' 'warn' "Access > Relay on $ThisNode lets more than the Exchange servers relay: $($others -join ', ')" $hint $lines $watch
    } else {
        Add-Fact 'relay' 'relay-settings' 'pass' "Access > Relay on $ThisNode allows only the list below, which holds no computer but the Exchange servers" '' $lines $watch
    }
}

# ---------------------------------------------------------------------------
# Folders: where mail waits. Drop, Queue and Badmail come from IIS itself
# (DropDirectory, QueueDirectory, BadMailDirectory), each read where the
# virtual server keeps it; beside Drop only when IIS names none.
# ---------------------------------------------------------------------------
function Get-FolderState([string]$Path) {
    if (-not (Test-Path -LiteralPath $Path -PathType Container)) { return $null }
    $files = @(Get-ChildItem -LiteralPath $Path -Force | Where-Object { -not $_.PSIsContainer })
    $oldest = $null
    foreach ($file in $files) { if ($oldest -eq $null -or $file.LastWriteTime -lt $oldest) { $oldest = $file.LastWriteTime } }
    $minutes = 0
    if ($oldest -ne $null) { $minutes = [int][Math]::Floor(((Get-Date) - $oldest).TotalMinutes) }
    return @{ Count = $files.Count; OldestMinutes = $minutes; Line = "${Path}: $($files.Count) files, the oldest $minutes min old" }
}

function Get-WaitingByReceiver([string]$Drop) {
    # Who the waiting files are for: each file's x-receiver lines, read from its head only.
    $by = @{}
    foreach ($file in @(Get-ChildItem -LiteralPath $Drop -Filter '*.eml' -Force)) {
        $minutes = [int][Math]::Floor(((Get-Date) - $file.LastWriteTime).TotalMinutes)
        $reader = New-Object System.IO.StreamReader($file.FullName)
        try {
            for ($i = 0; $i -lt 50; $i++) {
                $line = $reader.ReadLine()
                if ($line -eq $null -or $line -notmatch '^x-(sender|receiver):') { break }
                if ($line -match '^x-receiver:\s*<?([^>\s]+)') {
                    $key = $matches[1].ToLower()
                    if (-not $by.ContainsKey($key)) { $by[$key] = @{ Count = 0; Oldest = 0 } }
                    $by[$key].Count++
                    if ($minutes -gt $by[$key].Oldest) { $by[$key].Oldest = $minutes }
                }
            }
        } finally { $reader.Close() }
    }
    return @($by.Keys | Sort-Object | ForEach-Object { "for ${_}: $($by[$_].Count) file(s), the oldest $($by[$_].Oldest) min" })
}

function Get-BadmailReasons([string]$Folder) {
    # Each message IIS gave up on has a .BDR file beside it saying why: the newest ten, their start only.
    $reasons = @()
    foreach ($file in @(Get-ChildItem -LiteralPath $Folder -Filter '*.BDR' -Force | Sort-Object LastWriteTime -Descending | Select-Object -First 10)) {
        $reader = New-Object System.IO.StreamReader($file.FullName, $true)
        try {
            $buffer = New-Object char[] 2000
            $read = $reader.Read($buffer, 0, $buffer.Length)
        } finally { $reader.Close() }
        $text = ((New-Object string($buffer, 0, $read)) -replace '\s+', ' ').Trim()
        $reasons += "$($file.Name): $text"
    }
    return $reasons
}

function Test-Anonymous($Setting) {
    # Exchange hands mail to a smart host anonymously unless told otherwise, so the
    # virtual server must keep anonymous access (AuthFlags bit AuthAnonymous, 1).
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if ($Setting.AuthFlags -eq $null) { return }
    $flags = [int]$Setting.AuthFlags
    $lines = @("AuthFlags: $flags")
    if (($flags -band 1) -eq 1) {
        Add-Fact 'connection_control' 'anonymous-access' 'pass' "the Default SMTP Virtual Server on $ThisNode allows anonymous access, as Exchange connects" '' $lines $watch
    } else {
        Add-Fact 'connection_control' 'anonymous-access' 'fail' "the Default SMTP Virtual Server on $ThisNode does not allow anonymous access: Exchange, which connects anonymously, cannot hand over its mail" 'Access > Authentication: tick Anonymous access.' $lines $watch
    }
}

function Test-Folders($Setting) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $drop = [string]$Setting.DropDirectory
    $state = $null
    try { $state = Get-FolderState $drop } catch { Add-ReadError 'central_admin' 'drop-folder' "The Drop folder $drop" $_ $watch; return }
    if ($state -eq $null) {
        Add-Fact 'central_admin' 'drop-folder' 'fail' "the Drop folder that IIS names on $ThisNode ($drop) does not exist" 'Check DropDirectory of the Default SMTP Virtual Server; IIS cannot deliver without it.' @("DropDirectory: $drop") $watch
        return
    }
    $waiting = @()
    try { $waiting = Get-WaitingByReceiver $drop } catch { $waiting = @("the files' recipients could not be read: $($_.Exception.Message)") }
    if ($state.Count -gt 0 -and $state.OldestMinutes -ge $OldMinutes) {
        Add-Fact 'central_admin' 'drop-folder' 'warn' "$($state.Count) messages wait in the Drop folder of $ThisNode, the oldest for $($state.OldestMinutes) min: the timer job does not pick them up ($($waiting -join '; '))" 'Check that the incoming e-mail service instance runs on a server that reads this folder, that the timer account may delete files there, and the library addresses (mail for an unknown alias waits about 24 hours, then is deleted).' (@($state.Line) + $waiting) $watch
    } else {
        Add-Fact 'central_admin' 'drop-folder' 'skip' "the Drop folder of $ThisNode ($drop) holds $($state.Count) files, none waiting long; only a test message proves the pickup" 'Run the Exchange kit with -SendTest, then this kit again.' (@($state.Line) + $waiting) $watch
    }
    Test-DropAcl $drop
    $parent = Split-Path -Parent $drop
    $named = @{ 'Queue' = [string]$Setting.QueueDirectory; 'Badmail' = [string]$Setting.BadMailDirectory }
    foreach ($pair in @(@('restart', 'queue-folder', 'Queue'), @('restart', 'badmail-folder', 'Badmail'))) {
        $folder = $named[$pair[2]]
        if (-not $folder) { $folder = Join-Path $parent $pair[2] }
        $found = Get-FolderState $folder
        if ($found -eq $null) {
            Add-Fact $pair[0] $pair[1] 'skip' "the $($pair[2]) folder of $ThisNode ($folder) does not exist" "Check the $($pair[2]) directory of the Default SMTP Virtual Server." @() $watch
        } elseif ($found.Count -eq 0) {
            Add-Fact $pair[0] $pair[1] 'pass' "the $($pair[2]) folder of $ThisNode is empty" '' @($found.Line) $watch
        } elseif ($pair[2] -eq 'Queue') {
            Add-Fact $pair[0] $pair[1] 'warn' "$($found.Count) messages wait in the Queue folder of $ThisNode (the oldest $($found.OldestMinutes) min): mail for a domain this node does not take as its own" "Make $MailHost an Alias domain on $ThisNode and restart the SMTP service; queued messages move to Drop only after the restart." @($found.Line) $watch
        } else {
            $reasons = @()
            try { $reasons = @(Get-BadmailReasons $folder) } catch { $reasons = @("the .BDR files could not be read: $($_.Exception.Message)") }
            $newest = ''
            if ($reasons.Count -gt 0) { $newest = "; the newest reason: $($reasons[0])" }
            Add-Fact $pair[0] $pair[1] 'warn' "$($found.Count) files lie in the Badmail folder of $ThisNode (the oldest $($found.OldestMinutes) min)$newest" 'Each .BDR file says why the service gave up on the message in the .BAD file beside it.' (@($found.Line) + $reasons) $watch
        }
    }
}

function Test-HopCount($Setting) {
    # HopCount is the virtual server's maximum hop count. A message over it is
    # taken with a 250 and then written to Badmail with a .BDR reason file;
    # field reports find the code 0xC00402C7 in that file.
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $limit = [int]$Setting.HopCount
    $badmail = [string]$Setting.BadMailDirectory
    if (-not $badmail) { $badmail = Join-Path (Split-Path -Parent ([string]$Setting.DropDirectory)) 'Badmail' }
    $lost = 0
    $most = 0
    $lines = @("HopCount: $limit", "BadMailDirectory: $badmail")
    try {
        if (Test-Path -LiteralPath $badmail -PathType Container) {
            foreach ($reason in @(Get-ChildItem -LiteralPath $badmail -Filter '*.BDR' -Force)) {
                $text = [System.IO.File]::ReadAllText($reason.FullName)
                if ($text -notmatch '0xC00402C7') { continue }
                $lost++
                $bad = [System.IO.Path]::ChangeExtension($reason.FullName, '.BAD')
                if (Test-Path -LiteralPath $bad) {
                    $hops = 0
                    foreach ($line in [System.IO.File]::ReadAllLines($bad)) {
                        if ($line -eq '') { break }
                        if ($line -match '^Received:') { $hops++ }
                    }
                    if ($hops -gt $most) { $most = $hops }
                }
                $lines += "$($reason.Name): hop count exceeded"
            }
        }
    } catch {
        Add-ReadError 'library_test' 'hop-count' "The Badmail folder $badmail" $_ $watch
        return
    }
    if ($lost -gt 0 -and $limit -lt $most) {
        Add-Fact 'library_test' 'hop-count' 'fail' "$lost message(s) in the Badmail folder of $ThisNode passed more hosts than its maximum hop count ($limit): they were accepted with a 250 and never reached Drop" "Raise the maximum hop count on $ThisNode (Default SMTP Virtual Server > Properties > Delivery > Advanced), for example to 30, and resend the lost messages." $lines $watch
    } elseif ($lost -gt 0) {
        Add-Fact 'library_test' 'hop-count' 'warn' "$lost message(s) in the Badmail folder of $ThisNode passed more hosts than the hop count allowed then; it is $limit now, above their $most hops" 'Have the senders send those messages again; then clear the Badmail folder.' $lines $watch
    } else {
        # Headroom: how many more hosts the newest message waiting in Drop could have passed.
        $headroom = ''
        $drop = [string]$Setting.DropDirectory
        $newest = $null
        if ($drop -and (Test-Path -LiteralPath $drop -PathType Container)) {
            $newest = @(Get-ChildItem -LiteralPath $drop -Filter '*.eml' -Force | Sort-Object LastWriteTime -Descending | Select-Object -First 1)
        }
        if ($newest.Count -gt 0) {
            $hops = 0
            foreach ($line in [System.IO.File]::ReadAllLines($newest[0].FullName)) {
                if ($line -eq '') { break }
                if ($line -match '^Received:') { $hops++ }
            }
            $headroom = "; the newest message in Drop passed $hops host(s): headroom $($limit - $hops)"
            $lines += "$($newest[0].Name): $hops Received lines"
        }
        Add-Fact 'library_test' 'hop-count' 'pass' "maximum hop count $limit on $ThisNode; no message in Badmail for too many hops$headroom" '' $lines $watch
    }
}

function Test-ProtocolLog($Setting) {
    # The SMTP service's own log of the last hour: which clients sent commands
    # and which reply codes they got, Exchange's real traffic among them. IIS
    # keeps it under LogFileDirectory in a folder named for the service and its
    # number (SMTPSVC1); the W3C extended format names its files ex*.log and
    # writes its times in UTC. Lines are read by the #Fields directive in force.
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $base = [Environment]::ExpandEnvironmentVariables([string]$Setting.LogFileDirectory)
    if (-not $base) { $base = Join-Path $env:SystemRoot 'System32\LogFiles' }
    $folder = Join-Path $base 'SMTPSVC1'
    $lines = @("LogType: $($Setting.LogType)", "LogFileDirectory: $base", "protocol log folder: $folder")
    $hint = 'Default SMTP Virtual Server > Properties > General: Enable logging, W3C Extended Log File Format (with Date, Time, Client IP Address, Method and Protocol Status among its fields).'
    if ([string]$Setting.LogType -eq '0') {
        Add-Fact 'connector' 'smtp-log' 'skip' "protocol logging is off on $ThisNode, so its last hour cannot be counted" $hint $lines $watch
        return
    }
    $since = (Get-Date).ToUniversalTime().AddHours(-1)
    $files = @()
    if (Test-Path -LiteralPath $folder -PathType Container) {
        $files = @(Get-ChildItem -LiteralPath $folder -Filter 'ex*.log' -Force | Where-Object { $_.LastWriteTimeUtc -ge $since } | Sort-Object LastWriteTimeUtc)
    }
    if ($files.Count -eq 0) {
        Add-Fact 'connector' 'smtp-log' 'skip' "no W3C protocol log of $ThisNode was written in the last hour ($folder)" $hint $lines $watch
        return
    }
    $counts = @{}
    $total = 0
    $skipped = 0
    $read = 0
    foreach ($file in $files) {
        $fields = @('time', 'c-ip', 'cs-method', 'cs-uri-query', 'sc-status')
        $day = ''
        # The service keeps today's file open: share it for reading and writing.
        $stream = New-Object System.IO.FileStream($file.FullName, [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::ReadWrite)
        $reader = New-Object System.IO.StreamReader($stream)
        try {
            while ($read -lt $LogLineLimit) {
                $line = $reader.ReadLine()
                if ($line -eq $null) { break }
                $read++
                if ($line.StartsWith('#Fields:')) { $fields = @($line.Substring(8).Trim() -split '\s+'); continue }
                if ($line.StartsWith('#Date:')) { $day = ($line.Substring(6).Trim() -split '\s+')[0]; continue }
                if ($line.StartsWith('#') -or -not $line.Trim()) { continue }
                $values = @($line.Trim() -split '\s+')
                if ($values.Count -ne $fields.Count) { $skipped++; continue }
                $row = @{}
                for ($i = 0; $i -lt $fields.Count; $i++) { $row[$fields[$i]] = $values[$i] }
                $date = $day
                if ($row.ContainsKey('date')) { $date = $row['date'] }
                try { $at = [datetime]::Parse("$date $($row['time'])", $Invariant) } catch { $skipped++; continue }
                if ($at -lt $since) { continue }
                $key = "$($row['c-ip']) $($row['sc-status'])"
                $counts[$key] = 1 + [int]$counts[$key]
                $total++
            }
        } finally { $reader.Close() }
    }
    $shown = @($counts.Keys | Sort-Object | ForEach-Object { $parts = $_.Split(' '); "from $($parts[0]): reply $($parts[1]) x$($counts[$_])" })
    $lines += $shown
    if ($skipped -gt 0) { $lines += "$skipped damaged line(s) skipped" }
    if ($read -ge $LogLineLimit) { $lines += "stopped after $LogLineLimit lines" }
    $refused = @($counts.Keys | Where-Object { $parts = $_.Split(' '); ($ExchangeServers -contains $parts[0]) -and $parts[1] -match '^[45]\d\d$' })
    $summary = "the protocol log of $ThisNode holds $total command(s) of the last hour from $(@($counts.Keys | ForEach-Object { $_.Split(' ')[0] } | Sort-Object -Unique).Count) client(s)"
    if ($refused.Count -gt 0) {
        $named = @($refused | Sort-Object | ForEach-Object { $parts = $_.Split(' '); "$($parts[0]) got $($parts[1]) x$($counts[$_])" }) -join ', '
        Add-Fact 'connector' 'smtp-log' 'warn' "${summary}; an Exchange server's commands were refused: $named" 'Read those lines in the log: a 550 to RCPT names a missing alias or a closed relay, a 4xx a node that was busy or stopping.' $lines $watch
    } elseif ($total -eq 0) {
        Add-Fact 'connector' 'smtp-log' 'skip' "${summary}: nothing reached it in that hour" 'Send a test message (the Exchange kit with -SendTest), then run this kit again.' $lines $watch
    } else {
        Add-Fact 'connector' 'smtp-log' 'pass' $summary '' $lines $watch
    }
}

function Test-DropAcl([string]$Drop) {
    # Which account the SharePoint timer service runs as is not read here; the
    # rights are listed so the operator can find it.
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        # Get-Acl takes -LiteralPath only from PowerShell 3.0; the folder's own method works on 2.0.
        $acl = (Get-Item -LiteralPath $Drop -ErrorAction Stop).GetAccessControl()
        $lines = @($acl.Access | ForEach-Object { "$($_.AccessControlType) $($_.IdentityReference): $($_.FileSystemRights)" })
    } catch {
        $lines = @("the rights could not be read: $($_.Exception.Message)")
    }
    Add-Fact 'central_admin' 'drop-folder-acl' 'skip' "the rights on the Drop folder of $ThisNode are listed, not judged: confirm that the SharePoint Timer service account has Modify" 'Without delete rights the timer job imports the same message again and again.' $lines $watch
}

# ---------------------------------------------------------------------------
# The run.
# ---------------------------------------------------------------------------
if ($TimeoutSeconds -lt 1 -or $TimeoutSeconds -gt 300) { throw 'TimeoutSeconds takes 1 to 300.' }
Assert-ThisHost $ThisNode $ThisAddress
if (-not (Get-Command Get-WmiObject -ErrorAction SilentlyContinue)) {
    throw 'Get-WmiObject is missing: run this script in Windows PowerShell (powershell.exe), not PowerShell 7.'
}
$Here = Split-Path -Parent $MyInvocation.MyCommand.Definition
$OutFile = Join-Path $Here ('probe-node-wfe2.foo.local' + '-results-' + $StartedAt.ToString('yyyyMMdd-HHmmss', $Invariant) + '.json')
Write-Host "Reading the SMTP settings of $ThisNode (read-only)"

Test-Service
$Setting = $null
$watch = [System.Diagnostics.Stopwatch]::StartNew()
try {
    $Setting = Get-WmiObject -Namespace $IisNamespace -Class IIsSmtpServerSetting -Filter "Name='SmtpSvc/1'" -ErrorAction Stop
} catch {
    Add-ReadError 'fqdn' 'fqdn-setting' 'The SMTP virtual server settings' $_ $watch
}
if ($Setting -ne $null) {
    Test-VirtualServer $Setting
    Test-FqdnSetting $Setting
    Test-RelaySettings $Setting
    Test-Folders $Setting
    Test-HopCount $Setting
    Test-Anonymous $Setting
    Test-ProtocolLog $Setting
}
Test-AliasDomain
Test-ConnectionList

$SelfTarget = @{ Label = $ThisNode; Kind = 'node'; Address = $ThisAddress }
$Self = Invoke-Conversation $ThisAddress $SmtpPort $IdentifyMoves $null ''
$SelfVerdict = Get-GreetingVerdict $SelfTarget $Self
Add-Result 'restart' 'smtp-greeting' $ThisNode $SelfVerdict.Status $SelfVerdict.Summary $SelfVerdict.Hint $Self.Transcript $Self.DurationMs

Write-Results $OutFile
Write-Host "Results written to $OutFile"
Write-Host "Bring that file back and run: spmail-wizard import <file> --session <name>"

# spmail-wizard probe kit: SharePoint server
# Farm: sp01.contoso.local; Single server; SharePoint 2016; Exchange 2016
# Run on: one SharePoint server that runs the Incoming E-Mail service (a server of the farm), in the SharePoint Management Shell as a farm administrator
# Generated: 2026-11-27 16:30:00 UTC
#
# READ-ONLY. This script changes nothing: it reads the farm's settings, lists,
# job history and unified log, and writes one results file beside itself.
#
# Run it in the SharePoint Management Shell (Windows PowerShell 2.0 to 5.1):
#   .\probe-sharepoint.ps1
# Then bring the results file back and run on the wizard's machine:
#   spmail-wizard import <results file> --session <name>
#
# The plan lists no sharepoint_servers: add the server you run this on, or import refuses its results.
#
# What it checks:
#   central_admin / sp-incoming-settings: SPIncomingEmailService: Enabled, automatic or advanced, DropFolder, ServerDisplayAddress = the mail host, Directory Management Service
#   central_admin / sp-service-instance: each server's Incoming E-Mail service instance (Get-SPServiceInstance): Online
#   central_admin / sp-timer-job: the incoming e-mail timer job's last runs and failures (job history)
#   central_admin / sp-timer-account: the SharePoint Timer service account (SPTimerV4) has Modify on the drop folder, groups included
#   central_admin / sp-farm-build: the farm's build ((Get-SPFarm).BuildVersion)
#   library_test / sp-list-alias: a mail-enabled list has the test recipient's alias (EmailAlias), with its URL and attachment settings
#   library_test / sp-list-policy: that list's e-mail security policy (vti_emailusesecurity): 1 drops mail from senders without rights
#   library_test / sp-blocked-types: the web applications' blocked file types
#   library_test / sp-uls-email: E-Mail events in the unified logs of the last hours: unknown aliases named, messages not delivered
#   library_test / sp-test-delivery: the wizard's test message as an item of the test list, or a log line for its delivery

[CmdletBinding()]
param(
    [int]$Hours = 24,
    [int]$TimeoutSeconds = 5
)

# ---------------------------------------------------------------------------
# The farm, as the plan gives it. Values are data only: single-quoted, never run.
# ---------------------------------------------------------------------------
$MailHost = 'sp01.contoso.local'
$Mode = 'single'
$TargetAddress = '192.0.2.21'
$SmtpPort = 25
$Zone = 'contoso.local'
$ExchangeServers = @('192.0.2.10', '192.0.2.11')
$ConnectionControl = $false
$TestRecipient = ''
$Nodes = @(
    @{ Name = 'sp01.contoso.local'; Address = '192.0.2.21' }
)
$AliasProbe = 'spmail-wizard-probe@sp01.contoso.local'
$RelayProbe = 'spmail-wizard-probe@example.com'
$ProbeSender = 'spmail-wizard-probe@contoso.local'
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
$Farm = '{"mail_host": "sp01.contoso.local", "mode": "single", "nodes": [{"name": "sp01.contoso.local", "address": "192.0.2.21"}], "exchange_servers": ["192.0.2.10", "192.0.2.11"], "sharepoint_servers": [], "smtp_port": 25}'

function Get-ThisHostName {
    try {
        $name = [System.Net.Dns]::GetHostEntry([System.Net.Dns]::GetHostName()).HostName
    } catch {
        $name = $env:COMPUTERNAME
    }
    return ([string]$name).ToLower()
}

# The host this script reports as: its own name, which import finds among the plan's hosts.
$Origin = Get-ThisHostName

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

$SharePointServers = @()
$SharePointVersion = '2016'
$DropShare = ''
$TestAlias = ($TestRecipient -split '@')[0]
$TestFile = 'spmail-wizard-test.txt'
$TestSubject = 'spmail-wizard test message'
$InstanceType = 'Microsoft SharePoint Foundation Incoming E-Mail'
$ModifyBits = [int][System.Security.AccessControl.FileSystemRights]::Modify
$ThisServer = $Origin
foreach ($server in $SharePointServers) {
    if ($server.Split('.')[0] -ieq $env:COMPUTERNAME) { $ThisServer = $server; $Origin = $server }
}

function Add-Fact($Step, $Check, $Status, $Summary, $Hint, $Lines, $Watch, $Target) {
    if (-not $Target) { $Target = $ThisServer }
    Add-Result $Step $Check $Target $Status $Summary $Hint $Lines $Watch.ElapsedMilliseconds
}

function Add-ReadError($Step, $Check, $What, $ErrorRecord, $Watch) {
    Add-Fact $Step $Check 'error' "$What could not be read on ${ThisServer}: $($ErrorRecord.Exception.Message)" 'Run the script in the SharePoint Management Shell as a farm administrator.' @() $Watch
}

# ---------------------------------------------------------------------------
# central_admin: the farm's incoming e-mail settings, its service instances,
# its timer job and the timer account's rights on the drop folder.
# ---------------------------------------------------------------------------
function Test-Settings($Service) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $mode = 'advanced'
    if ($Service.UseAutomaticSettings) { $mode = 'automatic' }
    $lines = @(
        "Enabled: $($Service.Enabled)",
        "UseAutomaticSettings: $($Service.UseAutomaticSettings)",
        "DropFolder: $($Service.DropFolder)",
        "ServerDisplayAddress: $($Service.ServerDisplayAddress)",
        "UseDirectoryManagementService: $($Service.UseDirectoryManagementService)"
    )
    $hint = "Central Administration > Configure incoming e-mail settings: enable it, e-mail server display address $MailHost."
    if (-not $Service.Enabled) {
        Add-Fact 'central_admin' 'sp-incoming-settings' 'fail' 'incoming e-mail is turned off for the farm' $hint $lines $watch
    } elseif ([string]$Service.ServerDisplayAddress -ine $MailHost) {
        Add-Fact 'central_admin' 'sp-incoming-settings' 'fail' "the e-mail server display address is $($Service.ServerDisplayAddress), not $MailHost" $hint $lines $watch
    } elseif ($Service.UseAutomaticSettings -and @('2019', 'se') -contains $SharePointVersion) {
        Add-Fact 'central_admin' 'sp-incoming-settings' 'fail' "incoming e-mail uses automatic settings, which SharePoint $SharePointVersion does not offer: it needs advanced settings with a drop folder" 'Choose Advanced settings and give the drop folder.' $lines $watch
    } else {
        Add-Fact 'central_admin' 'sp-incoming-settings' 'pass' "incoming e-mail is on ($mode settings), display address $($Service.ServerDisplayAddress), drop folder $($Service.DropFolder)" '' $lines $watch
    }
}

function Test-Instances {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try {
        $instances = @(Get-SPServiceInstance -ErrorAction Stop | Where-Object { $_.TypeName -eq $InstanceType })
    } catch { Add-ReadError 'central_admin' 'sp-service-instance' 'The service instances' $_ $watch; return }
    foreach ($instance in $instances) {
        $name = ([string]$instance.Server.Address).ToLower()
        foreach ($server in $SharePointServers) { if ($server.Split('.')[0] -ieq $name.Split('.')[0]) { $name = $server } }
        $status = [string]$instance.Status
        if ($status -eq 'Online') {
            Add-Fact 'central_admin' 'sp-service-instance' 'pass' "the Incoming E-Mail service instance on $name is Online" '' @("Status: $status") $watch $name
        } else {
            Add-Fact 'central_admin' 'sp-service-instance' 'fail' "the Incoming E-Mail service instance on $name is $($status): the messages dropped for it there are never taken" "Central Administration > Manage services on server > ${name}: start $InstanceType." @("Status: $status") $watch $name
        }
    }
}

function Test-TimerJob {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $since = (Get-Date).AddHours(-$Hours)
    try {
        $jobs = @(Get-SPTimerJob -ErrorAction Stop | Where-Object { $_.GetType().Name -eq 'SPIncomingEmailJobDefinition' })
        $ids = @($jobs | ForEach-Object { $_.Id })
        $history = @((Get-SPFarm).TimerService.JobHistoryEntries | Where-Object { $ids -contains $_.JobDefinitionId -and $_.StartTime -gt $since })
    } catch { Add-ReadError 'central_admin' 'sp-timer-job' 'The incoming e-mail timer job' $_ $watch; return }
    $failed = @($history | Where-Object { $_.Status -eq 'Failed' })
    $lines = @($jobs | ForEach-Object { "job $($_.Name): last run $($_.LastRunTime)" })
    $lines += @($failed | Select-Object -First 20 | ForEach-Object { "failed on $($_.ServerName) at $($_.StartTime)" })
    if ($jobs.Count -eq 0) {
        Add-Fact 'central_admin' 'sp-timer-job' 'fail' 'the farm has no incoming e-mail timer job' 'Turn incoming e-mail on in Central Administration; the job comes with it.' $lines $watch
    } elseif ($failed.Count -gt 0) {
        Add-Fact 'central_admin' 'sp-timer-job' 'fail' "the incoming e-mail timer job failed $($failed.Count) time(s) in the last $Hours h" 'Look in the unified log (category E-Mail) at the times listed; a failure to delete the files points at the timer account''s rights on the drop folder.' $lines $watch
    } elseif ($history.Count -eq 0) {
        Add-Fact 'central_admin' 'sp-timer-job' 'fail' "the incoming e-mail timer job has not run in the last $Hours h" 'Check that the SharePoint Timer service runs on the servers with the Incoming E-Mail instance.' $lines $watch
    } else {
        Add-Fact 'central_admin' 'sp-timer-job' 'pass' "the incoming e-mail timer job ran $($history.Count) time(s) in the last $Hours h without failures" '' $lines $watch
    }
}

function Get-AccountSids([string]$Account) {
    # The account's own SID and, where the domain answers, its groups' SIDs
    # (a logon token built for it without a password; nothing changes).
    $sids = @()
    $sids += (New-Object System.Security.Principal.NTAccount($Account)).Translate([System.Security.Principal.SecurityIdentifier]).Value
    $groups = $false
    try {
        $user = $Account.Split('\')[-1]
        $found = ([ADSISearcher]"(sAMAccountName=$user)").FindOne()
        $upn = [string]$found.Properties['userprincipalname'][0]
        $identity = New-Object System.Security.Principal.WindowsIdentity($upn)
        $sids += @($identity.Groups | ForEach-Object { $_.Value })
        $groups = $true
    } catch { }
    return @{ Sids = $sids; Groups = $groups }
}

function Test-TimerAccount($Service) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $drop = [string]$Service.DropFolder
    if (-not $drop) {
        Add-Fact 'central_admin' 'sp-timer-account' 'skip' 'the farm names no drop folder (automatic settings): the SMTP service''s own Drop is used' 'Run the node kit on the SMTP servers: it reads their Drop folder.' @() $watch
        return
    }
    try {
        $timer = Get-WmiObject -Class Win32_Service -Filter "Name='SPTimerV4'" -ErrorAction Stop
        $account = [string]$timer.StartName
        $acl = (Get-Item -LiteralPath $drop -ErrorAction Stop).GetAccessControl()
        $who = Get-AccountSids $account
    } catch { Add-ReadError 'central_admin' 'sp-timer-account' "The timer account's rights on $drop" $_ $watch; return }
    $allow = $false
    $deny = $false
    $lines = @("timer account: $account")
    foreach ($rule in $acl.Access) {
        $sid = ''
        try { $sid = $rule.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]).Value } catch { }
        $lines += "$($rule.AccessControlType) $($rule.IdentityReference): $($rule.FileSystemRights)"
        if ($who.Sids -notcontains $sid) { continue }
        if (([int]$rule.FileSystemRights -band $ModifyBits) -ne $ModifyBits) { continue }
        if ([string]$rule.AccessControlType -eq 'Deny') { $deny = $true } else { $allow = $true }
    }
    $hint = "Give $account Modify on $drop (Security tab), on every server that runs the Incoming E-Mail service."
    if ($allow -and -not $deny) {
        Add-Fact 'central_admin' 'sp-timer-account' 'pass' "the timer account $account has Modify on the drop folder $drop" '' $lines $watch
    } elseif ($who.Groups) {
        Add-Fact 'central_admin' 'sp-timer-account' 'fail' "the timer account $account lacks Modify on the drop folder ${drop}: SharePoint stores each message but cannot delete its file, so the items are duplicated" $hint $lines $watch
    } else {
        Add-Fact 'central_admin' 'sp-timer-account' 'warn' "the timer account $account has no Modify of its own on the drop folder ${drop}, and its groups could not be read from here" $hint $lines $watch
    }
}

# ---------------------------------------------------------------------------
# library_test: the lists that take mail, blocked file types, the unified log
# and the test message.
# ---------------------------------------------------------------------------
function Get-MailLists {
    $found = @()
    foreach ($site in @(Get-SPSite -Limit All -ErrorAction Stop)) {
        foreach ($web in @($site.AllWebs)) {
            foreach ($list in @($web.Lists | Where-Object { $_.EmailAlias })) {
                $props = $list.RootFolder.Properties
                $found += @{
                    Alias = [string]$list.EmailAlias; Url = [string]($web.Url + '/' + $list.RootFolder.Url); List = $list
                    Security = [string]$props['vti_emailusesecurity']; SaveAttachments = [string]$props['vti_emailsaveattachments']
                    Folders = [string]$props['vti_emailattachmentfolders']; SaveOriginal = [string]$props['vti_emailsaveoriginal']
                }
            }
        }
    }
    return $found
}

function Get-Waiting([string]$Drop, [string]$Alias) {
    # Files in the drop folder addressed to the alias (its x-receiver lines), and the oldest one's age.
    $count = 0
    $oldest = 0
    if (-not $Drop -or -not (Test-Path -LiteralPath $Drop -PathType Container)) { return $null }
    foreach ($file in @(Get-ChildItem -LiteralPath $Drop -Filter '*.eml' -Force)) {
        $reader = New-Object System.IO.StreamReader($file.FullName)
        try {
            for ($i = 0; $i -lt 50; $i++) {
                $line = $reader.ReadLine()
                if ($line -eq $null -or $line -notmatch '^x-(sender|receiver):') { break }
                if ($line -match '^x-receiver:\s*<?([^@>\s]+)@' -and $matches[1] -ieq $Alias) {
                    $count++
                    $hours = ((Get-Date) - $file.LastWriteTime).TotalHours
                    if ($hours -gt $oldest) { $oldest = $hours }
                    break
                }
            }
        } finally { $reader.Close() }
    }
    return @{ Count = $count; Oldest = [int][Math]::Floor($oldest) }
}

function Test-Lists($Lists, [string]$Drop) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = @($Lists | ForEach-Object { "$($_.Alias): $($_.Url) (security $($_.Security), attachments $($_.SaveAttachments) in $($_.Folders), original $($_.SaveOriginal))" })
    $test = @($Lists | Where-Object { $_.Alias -ieq $TestAlias })
    if (-not $TestAlias) {
        Add-Fact 'library_test' 'sp-list-alias' 'skip' "$($Lists.Count) mail-enabled lists; the plan names no test recipient" 'Add test_recipient to the plan.' $lines $watch
        return $null
    }
    if ($test.Count -eq 0) {
        $waiting = Get-Waiting $Drop $TestAlias
        $now = ''
        if ($waiting -ne $null) {
            $now = "; $($waiting.Count) file(s) wait now"
            if ($waiting.Count -gt 0) { $now += ", the oldest $($waiting.Oldest) h old (deleted in about $([Math]::Max(0, 24 - $waiting.Oldest)) h)" }
        }
        Add-Fact 'library_test' 'sp-list-alias' 'fail' "no list has the alias ${TestAlias}: mail for $TestRecipient waits in the drop folder and SharePoint deletes it after about 24 hours without telling anyone$now" "Give the library its address again: Library settings > Incoming e-mail settings > E-mail address $TestAlias." $lines $watch
        return $null
    }
    $item = $test[0]
    Add-Fact 'library_test' 'sp-list-alias' 'pass' "$($item.Url) has the alias $($item.Alias)" '' $lines $watch
    if ($item.Security -eq '1') {
        Add-Fact 'library_test' 'sp-list-policy' 'fail' "$($item.Url) accepts e-mail only from senders with rights on it: mail from anyone else, such as the wizard's test sender, is dropped without a word" 'Library settings > Incoming e-mail settings > E-mail security policy: accept e-mail from any sender, or give the senders rights on the library.' @("vti_emailusesecurity: $($item.Security)") $watch
    } else {
        Add-Fact 'library_test' 'sp-list-policy' 'pass' "$($item.Url) accepts e-mail from any sender" '' @("vti_emailusesecurity: $($item.Security)") $watch
    }
    return $item
}

function Test-BlockedTypes {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = @()
    $blocked = @()
    foreach ($app in @(Get-SPWebApplication -ErrorAction Stop)) {
        $types = @($app.BlockedFileExtensions)
        $blocked += $types
        $lines += "$($app.Url): $($types -join ', ')"
    }
    $extension = [System.IO.Path]::GetExtension($TestFile).TrimStart('.')
    if ($blocked -contains $extension) {
        Add-Fact 'library_test' 'sp-blocked-types' 'warn' "the test message's attachment type .$extension is blocked: its attachment will not be saved" '' $lines $watch
    } else {
        Add-Fact 'library_test' 'sp-blocked-types' 'pass' "blocked file types are listed per web application; .$extension is not among them" '' $lines $watch
    }
}

function Test-UnifiedLog($TestList) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $since = (Get-Date).AddHours(-$Hours)
    try {
        $events = @(Get-SPLogEvent -StartTime $since -ErrorAction Stop | Where-Object { $_.Category -eq 'E-Mail' })
    } catch { Add-ReadError 'library_test' 'sp-uls-email' 'The unified log' $_ $watch; return }
    $unknown = @{}
    $refused = 0
    foreach ($event in $events) {
        $text = [string]$event.Message
        if ($text -match 'aliases were unknown:\s*(.+)$') {
            foreach ($name in $matches[1].Split(',')) { $key = $name.Trim().ToLower(); $unknown[$key] = 1 + [int]$unknown[$key] }
        }
        if ($text -match 'cannot deliver') { $refused++ }
    }
    $named = @($unknown.Keys | Sort-Object | ForEach-Object { "$_ ($($unknown[$_]))" }) -join ', '
    if (-not $named) { $named = 'none' }
    $summary = "E-Mail events of the last $Hours h: $($events.Count); unknown aliases: $named; messages not delivered: $refused"
    $lines = @($events | Select-Object -Last 50 | ForEach-Object { "$($_.Timestamp) $($_.EventID) $($_.Message)" })
    if ($unknown.ContainsKey($TestAlias.ToLower()) -or $refused -gt 0) {
        Add-Fact 'library_test' 'sp-uls-email' 'fail' $summary 'Each unknown alias is a list address that no longer exists; each undelivered message names its list.' $lines $watch
    } elseif ($unknown.Count -gt 0) {
        Add-Fact 'library_test' 'sp-uls-email' 'warn' $summary 'Mail for the unknown aliases waits about 24 hours in the drop folder, then is deleted.' $lines $watch
    } else {
        Add-Fact 'library_test' 'sp-uls-email' 'pass' $summary '' $lines $watch
    }
    Test-Delivery $TestList $since $events
}

function Test-Delivery($TestList, [datetime]$Since, $Events) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $found = @()
    if ($TestList -ne $null) {
        $query = New-Object Microsoft.SharePoint.SPQuery
        $query.Query = '<OrderBy><FieldRef Name="Created" Ascending="FALSE" /></OrderBy>'
        $query.RowLimit = 200
        foreach ($item in @($TestList.List.GetItems($query))) {
            if ([datetime]$item['Created'] -lt $Since) { continue }
            if ([string]$item.Name -like ($TestFile.Split('.')[0] + '*') -or [string]$item.Title -like ($TestSubject + '*')) { $found += "$($item.Name) created $($item['Created'])" }
        }
    }
    if ($found.Count -eq 1) {
        Add-Fact 'library_test' 'sp-test-delivery' 'pass' "the wizard's test message is an item of $($TestList.Url)" '' $found $watch
    } elseif ($found.Count -gt 1) {
        Add-Fact 'library_test' 'sp-test-delivery' 'warn' "the wizard's test message is stored $($found.Count) times in $($TestList.Url): the timer account cannot delete its file" "Give the timer account Modify on the drop folder." $found $watch
    } else {
        Add-Fact 'library_test' 'sp-test-delivery' 'skip' "no item from the wizard's test message in the last $Hours h" 'Run the Exchange kit with -SendTest, wait a minute, then this kit again.' @() $watch
    }
}

# ---------------------------------------------------------------------------
# The run.
# ---------------------------------------------------------------------------
if ($Hours -lt 1 -or $Hours -gt 720) { throw 'Hours takes 1 to 720.' }
if (-not (Get-Command Get-SPFarm -ErrorAction SilentlyContinue)) {
    # SharePoint 2010 and 2013 ship their cmdlets as a snap-in; later versions load them as a module.
    Add-PSSnapin Microsoft.SharePoint.PowerShell -ErrorAction SilentlyContinue
}
if (-not (Get-Command Get-SPFarm -ErrorAction SilentlyContinue)) {
    throw 'The SharePoint cmdlets are missing: run this script in the SharePoint Management Shell (SharePoint 2010 or later).'
}
$Here = Split-Path -Parent $MyInvocation.MyCommand.Definition
$OutFile = Join-Path $Here ('probe-sharepoint' + '-results-' + $StartedAt.ToString('yyyyMMdd-HHmmss', $Invariant) + '.json')
Write-Host "Reading the incoming e-mail settings of the farm from $ThisServer (read-only)"

$watch = [System.Diagnostics.Stopwatch]::StartNew()
$Service = $null
try {
    $Service = @(Get-SPServiceInstance -ErrorAction Stop | Where-Object { $_.TypeName -eq $InstanceType })[0].Service
} catch { Add-ReadError 'central_admin' 'sp-incoming-settings' 'The incoming e-mail settings' $_ $watch }
if ($Service -ne $null) {
    Test-Settings $Service
    Test-TimerAccount $Service
}
Test-Instances
Test-TimerJob
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Add-Fact 'central_admin' 'sp-farm-build' 'pass' "farm build $((Get-SPFarm).BuildVersion)" '' @() $watch
$TestList = $null
$DropFolder = ''
if ($Service -ne $null) { $DropFolder = [string]$Service.DropFolder }
try { $TestList = Test-Lists @(Get-MailLists) $DropFolder } catch { Add-ReadError 'library_test' 'sp-list-alias' 'The mail-enabled lists' $_ $watch }
try { Test-BlockedTypes } catch { Add-ReadError 'library_test' 'sp-blocked-types' 'The blocked file types' $_ $watch }
Test-UnifiedLog $TestList

Write-Results $OutFile
Write-Host "Results written to $OutFile"
Write-Host "Bring that file back and run: spmail-wizard import <file> --session <name>"

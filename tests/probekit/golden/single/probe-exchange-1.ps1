# spmail-wizard probe kit: Exchange server 192.0.2.10
# Farm: sp01.contoso.local; Single server; SharePoint 2016; Exchange 2016
# Run on: the Exchange server 192.0.2.10, in Windows PowerShell or the Exchange Management Shell
# Generated: 2026-11-27 16:30:00 UTC
#
# READ-ONLY. This script changes nothing: it reads settings, opens SMTP
# conversations that end with RSET and QUIT before DATA, and writes one
# results file beside itself.
# Only with -SendTest does it send one test message, with an attachment, to
# the plan's test recipient: that creates a real item in the library.
#
# Run it in Windows PowerShell 2.0 to 5.1 (powershell.exe; PowerShell 7 has no
# Get-WmiObject):
#   .\probe-exchange-1.ps1
#   .\probe-exchange-1.ps1 -SendTest
# In the Exchange Management Shell it also reads the Send Connector.
# Then bring the results file back and run on the wizard's machine:
#   spmail-wizard import <results file> --session <name>
#
# What it checks:
#   dns / dns-a-record: the mail host's A record as this Exchange server resolves it
#   mode / smtp-greeting: a 220 greeting from every node and the VIP
#   connector / connector-settings: the Send Connector for the mail host (Exchange Management Shell): smart host, DNS routing, enabled, Port, SourceTransportServers, IsScopedConnector, TlsAuthLevel, MaxMessageSize, its RequireTLS against the nodes' STARTTLS
#   connector / accepted-domain: the accepted domains (Get-AcceptedDomain): the mail host must not be Authoritative
#   connector / exchange-queue: the queue toward the mail host (Get-Queue): messages waiting and LastError
#   dns / transport-dns: transport's own DNS settings (Get-TransportService, Get-TransportServer before 2013): when set, the mail host asked of those servers
#   connector / exchange-tracking: with -SendTest or -MessageId: the message's events in this server's message tracking log
#   mode / smtp-starttls: whether every node and the VIP offer STARTTLS
#   relay / relay-refused: RCPT to an outside domain (an Exchange server may relay: not judged)
#   connection_control / connection-control: every node accepts this Exchange server
#   fqdn / fqdn-greeting: greeting and EHLO name of every node
#   alias / alias-accepted: RCPT to an address at the mail host, on every node and the VIP
#   restart / smtp-greeting: every node and the VIP answer
#   library_test / library-delivery: with -SendTest: one message with an attachment to the test recipient

[CmdletBinding()]
param(
    [switch]$SendTest,
    [string]$MessageId = '',
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

# The host this script reports as: the plan's name for it (an Exchange server by its address).
$Origin = '192.0.2.10'

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

function Get-FqdnVerdict($Target, $Found) {
    $instead = Get-Instead $Target $Found
    if ($instead -ne $null) { return $instead }
    $greetedAs = Get-FirstWord $Found.Greeting.Text
    $ehloAs = ''
    $ehlo = $Found.Replies['ehlo']
    if ($ehlo -ne $null -and $ehlo.Code -ge 200 -and $ehlo.Code -lt 300) { $ehloAs = Get-FirstWord $ehlo.Text }
    $wrong = @(@($greetedAs, $ehloAs) | Where-Object { $_ -ne '' -and $_ -ne $MailHost })
    $at = Get-Where $Target
    if ($wrong.Count -eq 0) {
        $seen = $greetedAs
        if ($ehloAs -ne '' -and $ehloAs -ne $greetedAs) { $seen = "$greetedAs / $ehloAs" }
        return New-Verdict 'pass' "$at greets and answers EHLO as $seen" ''
    }
    $shown = "greets as $greetedAs"
    if ($ehloAs -ne '' -and $ehloAs -ne $greetedAs) { $shown = "$shown and answers EHLO as $ehloAs" }
    $short = ($Target.Label -split '\.')[0]
    return New-Verdict 'warn' "$at $shown, not $MailHost" "On $short, set Delivery > Advanced > Fully-qualified domain name to $MailHost, then restart the SMTP service (recommended, not required)."
}

function Get-StoppedVerdict($Target, $Found) {
    # A conversation that stopped before RCPT: say where and why.
    $at = Get-Where $Target
    if ($Found.Fault -ne '') {
        return New-Verdict 'fail' "$at broke off at $($Found.Stage): $($FaultText[$Found.Fault])" $FaultHint[$Found.Fault]
    }
    $ehlo = $Found.Replies['ehlo']
    if ($ehlo -ne $null -and $ehlo.Code -ge 300) {
        return New-Verdict 'fail' "$at refused EHLO and HELO ($($ehlo.First))" ''
    }
    $mail = $Found.Replies['mail']
    if ($mail -ne $null -and $mail.Code -ge 300) {
        return New-Verdict 'fail' "$at refused the probe's sender ($($mail.First))" 'The node rejects MAIL FROM from this host; check its Access settings and event log.'
    }
    foreach ($name in @('rset', 'rset-outside')) {
        $rset = $Found.Replies[$name]
        if ($rset -ne $null -and $rset.Code -ge 500) {
            return New-Verdict 'error' "$at refused RSET ($($rset.First)), which RFC 5321 does not allow, so the probe stopped before this question" "A server that refuses to reset a transaction cannot be probed safely; check what listens on port $SmtpPort."
        }
    }
    return New-Verdict 'error' "${at}: no RCPT answer recorded" ''
}

function Get-AliasVerdict($Target, $Found) {
    $instead = Get-Instead $Target $Found
    if ($instead -ne $null) { return $instead }
    $reply = $Found.Replies['rcpt-alias']
    if ($reply -eq $null) { return Get-StoppedVerdict $Target $Found }
    $at = Get-Where $Target
    $node = 'every node'
    if ($Target.Kind -eq 'node') { $node = ($Target.Label -split '\.')[0] }
    if ($reply.Code -ge 200 -and $reply.Code -lt 300) {
        $outside = $Found.Replies['rcpt-outside']
        if ($outside -ne $null -and $outside.Code -ge 200 -and $outside.Code -lt 300) {
            if (Test-Listed $Found) {
                # An Exchange server may relay, so the node takes mail for any domain from it
                # (without the alias it would go to Queue, not Drop): this proves nothing.
                return New-Verdict 'skip' "$at accepted mail for $MailHost ($($reply.First)), but it takes mail for any domain from this Exchange server, which may relay; that does not prove the alias" "The node kit reads the Domains list of $node; run it there."
            }
            return New-Verdict 'warn' "$at accepted mail for $MailHost ($($reply.First)), but it accepts mail for any domain from here, so this does not prove the alias" "Close the open relay first (relay step), then check again; if $MailHost is then refused, add it as an Alias domain."
        }
        return New-Verdict 'pass' "$at accepted mail for $MailHost ($($reply.First))" ''
    }
    $summary = "$at refused mail for $MailHost ($($reply.First))"
    if ($reply.Code -eq 550 -and $reply.Text -like '*5.7.1*') {
        $summary = "${summary}: alias domain missing, or the service was not restarted"
    }
    return New-Verdict 'fail' $summary "Add $MailHost as an Alias domain on $node (Domains > New > Domain > Alias), then restart the SMTP service."
}

function Get-RelayVerdict($Target, $Found) {
    $instead = Get-Instead $Target $Found
    if ($instead -ne $null) { return $instead }
    $reply = $Found.Replies['rcpt-outside']
    if ($reply -eq $null) { return Get-StoppedVerdict $Target $Found }
    $at = Get-Where $Target
    if (Test-Listed $Found) {
        return New-Verdict 'skip' "this host ($($Found.Source)) is on the relay list, so relaying from here proves nothing" 'Relaying is proven closed from a host that is not an Exchange server; with connection control on, the node kits prove it by reading Access > Connection.'
    }
    if ($reply.Code -ge 500) { return New-Verdict 'pass' "$at refused to relay to $OutsideDomain ($($reply.First))" '' }
    if ($reply.Code -ge 200 -and $reply.Code -lt 300) {
        return New-Verdict 'fail' "$at accepted mail for $OutsideDomain from this host: an open relay" "Access > Relay: choose 'Only the list below', list only the Exchange servers ($($ExchangeServers -join ', ')), and clear 'Allow all computers which successfully authenticate to relay' unless it is needed."
    }
    return New-Verdict 'warn' "$at deferred mail for $OutsideDomain ($($reply.First)) instead of refusing it" 'A temporary refusal is not a relay restriction; check Access > Relay and run the kit again.'
}

function Get-ConnectionVerdict($Target, $Found) {
    if ($Found.Fault -eq 'out_of_turn') { return Get-FaultVerdict $Target $Found }
    $reason = Get-BlockedReason $Found
    $at = Get-Where $Target
    $exchange = $ExchangeServers -join ', '
    if (Test-Listed $Found) {
        # An Exchange server must be let in whatever the setting: a session accepted here is the
        # Exchange half of the proof; who else is kept out is read from the node's own list.
        if ($reason -ne '') {
            return New-Verdict 'fail' "$at turned away this Exchange server ($($Found.Source)): $reason" "Access > Connection: add $exchange to the list of computers allowed to connect."
        }
        if (-not (Test-Greeted $Found)) { return Get-FaultVerdict $Target $Found }
        $half = ' (connection control is off in the plan)'
        if ($ConnectionControl) { $half = "; who else is kept out is read from the node's own list (the probe kit's connection-list)" }
        return New-Verdict 'pass' "$at accepts a session from the Exchange server $($Found.Source), as it must$half" ''
    }
    if ($ConnectionControl) {
        if ($reason -ne '') {
            # A stopped service or a wrong address turns a host away just the same: no proof alone.
            return New-Verdict 'warn' "$at turned this host away ($reason): what connection control does, and equally what a stopped service or a wrong address in the plan does, so this alone proves nothing" "Proof is each node's own list (the node kit's connection-list) together with a session an Exchange server is let into (this kit run on an Exchange server)."
        }
        if (Test-Greeted $Found) {
            return New-Verdict 'warn' "$at accepts a session from this host ($($Found.Source)): connection control is not set, or this host is on the allowed list" "Access > Connection: choose 'Only the list below' and list only $exchange."
        }
        return New-Verdict 'warn' "$at $($FaultText[$Found.Fault]); that is not how connection control refuses, so the cause may be a firewall" $FaultHint[$Found.Fault]
    }
    if ($reason -ne '' -and $Found.Fault -ne 'refused') {
        # A refused connection with connection control off means the node is down (fault verdict below).
        return New-Verdict 'fail' "$at turned this host away ($reason) although connection control is off in the plan" "Access > Connection: choose 'All except the list below', or add this host; if the restriction is intended, set connection_control = true in the plan."
    }
    if (Test-Greeted $Found) { return New-Verdict 'pass' "$at accepts connections from this host (connection control is off in the plan)" '' }
    return Get-FaultVerdict $Target $Found
}

function Get-StartTlsVerdict($Target, $Found) {
    # Offered or not, as the EHLO reply says; the certificate is not read from here.
    $instead = Get-Instead $Target $Found
    if ($instead -ne $null) { return $instead }
    $at = Get-Where $Target
    $ehlo = $Found.Replies['ehlo']
    if ($ehlo -ne $null) {
        foreach ($line in @($ehlo.Lines)) {
            if (([string]$line).Trim().ToUpper() -eq 'STARTTLS') {
                return New-Verdict 'pass' "$at offers STARTTLS to this Exchange server (its certificate's names and dates are read by spmail-wizard check from a host that may connect)" ''
            }
        }
    }
    return New-Verdict 'pass' "$at does not offer STARTTLS: mail reaches it in plain text, and a Send Connector that requires TLS cannot deliver to it" ''
}

function Add-Verdict($Step, $Check, $Target, $Verdict, $Found) {
    Add-Result $Step $Check $Target.Label $Verdict.Status $Verdict.Summary $Verdict.Hint $Found.Transcript $Found.DurationMs
}

# ---------------------------------------------------------------------------
# dns: what this Exchange server resolves the mail host to; routing uses it.
# ---------------------------------------------------------------------------
function Test-MailHostRecord {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = New-Object System.Collections.ArrayList
    $addresses = @()
    $chain = @()
    $missing = ''
    if (Get-Command Resolve-DnsName -ErrorAction SilentlyContinue) {
        [void]$lines.Add("-- Resolve-DnsName $MailHost -Type A -DnsOnly")
        try {
            foreach ($record in @(Resolve-DnsName -Name $MailHost -Type A -DnsOnly -ErrorAction Stop)) {
                if ([string]$record.Type -eq 'A') { $addresses += [string]$record.IPAddress; [void]$lines.Add("A $($record.IPAddress)") }
                elseif ([string]$record.Type -eq 'CNAME') { $chain += [string]$record.NameHost; [void]$lines.Add("CNAME $($record.NameHost)") }
            }
        } catch {
            $missing = $_.Exception.Message
        }
    } else {
        # Windows PowerShell before 3.0, or no DnsClient module: the .NET resolver,
        # which also reads the hosts file and cannot show a CNAME.
        [void]$lines.Add("-- [System.Net.Dns]::GetHostAddresses('$MailHost') (no Resolve-DnsName here)")
        try {
            foreach ($address in [System.Net.Dns]::GetHostAddresses($MailHost)) {
                if ($address.AddressFamily -eq [System.Net.Sockets.AddressFamily]::InterNetwork) {
                    $addresses += $address.ToString(); [void]$lines.Add("A $address")
                }
            }
        } catch {
            $missing = $_.Exception.Message
        }
    }
    $target = 'dns:system'
    $where = "the resolver of this Exchange server"
    $expected = "the VIP $TargetAddress"
    if ($Mode -ne 'nlb') { $expected = "$($Nodes[0].Name) ($TargetAddress)" }
    $hint = "Create (or fix) the Host (A) record for $MailHost pointing at $TargetAddress in the DNS that this Exchange server uses, then run ipconfig /flushdns here."
    if ($addresses.Count -eq 0) {
        $why = 'no A record'
        if ($missing -ne '') { $why = $missing }
        $verdict = New-Verdict 'fail' "$where finds no address for $MailHost ($why); it should point at $expected" $hint
    } elseif ($addresses.Count -gt 1) {
        $verdict = New-Verdict 'fail' "$where answers $MailHost with $($addresses.Count) addresses ($($addresses -join ', ')) where exactly $TargetAddress was expected" "Keep one A record for $MailHost, pointing at $TargetAddress; remove the others."
    } elseif ($addresses[0] -ne $TargetAddress) {
        $verdict = New-Verdict 'fail' "$where answers $MailHost with $($addresses[0]), not $expected" $hint
    } elseif ($chain.Count -gt 0) {
        $verdict = New-Verdict 'warn' "$where answers $MailHost with $($addresses[0]) as expected, but through the alias chain $($chain -join ' -> ')" "Exchange follows the alias, but the step asks for a Host (A) record; replace the CNAME with an A record for $TargetAddress."
    } else {
        $role = 'the VIP'
        if ($Mode -ne 'nlb') { $role = "the node $($Nodes[0].Name)" }
        $verdict = New-Verdict 'pass' "$where answers $MailHost with $($addresses[0]) ($role)" ''
    }
    Add-Result 'dns' 'dns-a-record' $target $verdict.Status $verdict.Summary $verdict.Hint $lines $watch.ElapsedMilliseconds
}

# ---------------------------------------------------------------------------
# nlb: connections through the VIP, each node told apart by its own answers.
# ---------------------------------------------------------------------------
function Get-Fingerprint($Found) {
    if ($Found.Greeting -eq $null) { return '' }
    $parts = @(($Found.Greeting.Text -replace $ReadyAt, '').Trim())
    $ehlo = $Found.Replies['ehlo']
    if ($ehlo -ne $null) { $parts += @($ehlo.Lines | ForEach-Object { ([string]$_).Trim() }) }
    return ($parts -join ' | ')
}

function Test-Distribution($Direct, $Vip, $VipTarget) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $instead = Get-Instead $VipTarget $Vip
    if ($instead -ne $null) {
        Add-Verdict 'nlb' 'nlb-distribution' $VipTarget $instead $Vip
        return
    }
    $prints = @{}
    $order = New-Object System.Collections.ArrayList
    $down = @()
    foreach ($node in $Nodes) {
        $found = $Direct[$node.Name]
        if (Test-Greeted $found) {
            $fp = Get-Fingerprint $found
            if (-not $prints.ContainsKey($fp)) { $prints[$fp] = @(); [void]$order.Add($fp) }
            $prints[$fp] += $node.Name
        } else {
            $why = $FaultText[$found.Fault]
            if ($found.Fault -eq '' -and $found.Greeting -ne $null) { $why = $found.Greeting.First }
            $down += "$($node.Name) ($why)"
        }
    }
    $seen = @{}
    $failures = 0
    $rounds = 0
    $wanted = 3
    while ($rounds -lt $wanted) {
        foreach ($node in $Nodes) {
            $found = Invoke-Conversation $TargetAddress $SmtpPort $IdentifyMoves $null ''
            if (Test-Greeted $found) {
                $fp = Get-Fingerprint $found
                $seen[$fp] = 1 + [int]$seen[$fp]
            } else {
                $failures += 1
            }
        }
        $rounds += 1
        $unseen = @($order | Where-Object { -not $seen.ContainsKey($_) })
        if ($rounds -eq $wanted -and $unseen.Count -gt 0 -and $wanted -lt 8) { $wanted += 1 }
    }
    $total = $rounds * $Nodes.Count
    $lines = New-Object System.Collections.ArrayList
    [void]$lines.Add("-- $total connections through the VIP $TargetAddress")
    foreach ($fp in $order) { [void]$lines.Add("$($prints[$fp] -join ' / '): $([int]$seen[$fp]) connections; answers '$fp'") }
    $strangers = 0
    foreach ($fp in $seen.Keys) { if (-not $prints.ContainsKey($fp)) { $strangers += $seen[$fp] } }
    $problems = @()
    $hints = @()
    if ($down.Count -gt 0) {
        $problems += "not answering directly: $($down -join ', ')"
        $hints += 'Start the SMTP service on the nodes named, or take them out of the cluster (nlb drainstop).'
    }
    $never = @($order | Where-Object { -not $seen.ContainsKey($_) } | ForEach-Object { $prints[$_] -join ' / ' })
    if ($never.Count -gt 0) {
        $problems += "the VIP never reached $($never -join ', ') in $total connections"
        $hints += 'Check that every host has converged (Get-NlbClusterNode: State Converged) and that the TCP 25 port rule uses affinity None; with affinity Single every connection from one client lands on one host.'
    }
    if ($strangers -gt 0) {
        $problems += "$strangers of $total connections reached a server that answers like no node in the plan"
        $hints += 'A host in the cluster is missing from the plan, or answers differently from its direct address.'
    }
    if ($failures -gt 0) {
        $problems += "$failures of $total connections through the VIP failed"
        $hints += "Some cluster host drops sessions on the VIP; check each host's port rules and SMTP bindings."
    }
    if ($problems.Count -gt 0) {
        $verdict = New-Verdict 'fail' ($problems -join '; ') ($hints -join ' ')
    } else {
        $shared = @($order | Where-Object { @($prints[$_]).Count -gt 1 } | ForEach-Object { $prints[$_] -join ' and ' })
        $spread = @($order | ForEach-Object { "$(@($prints[$_])[0]) x$([int]$seen[$_])" }) -join ', '
        if ($shared.Count -gt 0) {
            $verdict = New-Verdict 'warn' "all $total connections through the VIP $TargetAddress were answered, but $($shared -join '; ') answer identically, so which of them took each connection could not be told" 'To see the distribution, compare the SMTP logs of the nodes.'
        } else {
            $verdict = New-Verdict 'pass' "$total connections through the VIP $TargetAddress reached every node: $spread" ''
        }
    }
    Add-Result 'nlb' 'nlb-distribution' $VipTarget.Label $verdict.Status $verdict.Summary $verdict.Hint $lines $watch.ElapsedMilliseconds
}

# ---------------------------------------------------------------------------
# connector: the Send Connector as the Exchange Management Shell shows it.
# ---------------------------------------------------------------------------
function Test-SendConnector {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $lines = New-Object System.Collections.ArrayList
    if (-not (Get-Command Get-SendConnector -ErrorAction SilentlyContinue)) {
        Add-Result 'connector' 'connector-settings' $MailHost 'skip' 'the Send Connector was not read: Get-SendConnector is not available in this shell' 'Run this script in the Exchange Management Shell to read the connector.' $lines $watch.ElapsedMilliseconds
        return
    }
    $matching = @()
    foreach ($connector in @(Get-SendConnector)) {
        $spaces = @($connector.AddressSpaces | ForEach-Object { [string]$_ })
        $smart = @($connector.SmartHosts | ForEach-Object { [string]$_ })
        [void]$lines.Add("$($connector.Name): AddressSpaces $($spaces -join ', '); SmartHosts $($smart -join ', '); DNSRoutingEnabled $($connector.DNSRoutingEnabled); Enabled $($connector.Enabled)")
        foreach ($space in $spaces) {
            if ($space -match (':' + [regex]::Escape($MailHost) + '(;|$)')) { $matching += $connector }
        }
    }
    if ($matching.Count -eq 0) {
        Add-Result 'connector' 'connector-settings' $MailHost 'fail' "no Send Connector has the address space $MailHost" "Create a Send Connector with address space $MailHost and smart host $MailHost (connector step)." $lines $watch.ElapsedMilliseconds
        return
    }
    $connector = $matching[0]
    $script:MailConnector = $connector
    $smart = @($connector.SmartHosts | ForEach-Object { [string]$_ })
    $sources = @($connector.SourceTransportServers | ForEach-Object { [string]$_ })
    [void]$lines.Add("$($connector.Name): Port $($connector.Port); RequireTLS $($connector.RequireTLS); TlsAuthLevel $($connector.TlsAuthLevel); SourceTransportServers $($sources -join ', '); MaxMessageSize $($connector.MaxMessageSize); IsScopedConnector $($connector.IsScopedConnector)")
    $problems = @()
    $doubts = @()
    if ($connector.Port -and [int]$connector.Port -ne $SmtpPort) { $problems += "it sends to port $($connector.Port), the nodes listen on $SmtpPort" }
    if ($sources.Count -gt 0 -and -not @($sources | Where-Object { $_.Split('.')[0] -ieq $env:COMPUTERNAME }).Count) { $doubts += "it is not sourced on this server ($env:COMPUTERNAME), so mail from here goes through $($sources -join ', ')" }
    if ([string]$connector.IsScopedConnector -eq 'True') { $doubts += 'it is scoped: only servers in its own site use it' }
    if (-not ($smart -contains $MailHost -or $smart -contains $TargetAddress)) { $problems += "its smart hosts are '$($smart -join ', ')', not $MailHost" }
    if ([string]$connector.DNSRoutingEnabled -ne 'False') { $problems += 'it routes by DNS (DNSRoutingEnabled is not False)' }
    if ([string]$connector.Enabled -ne 'True') { $problems += 'it is disabled' }
    # Whether its TLS settings can work against what the nodes offer, as their EHLO replies here said.
    $plain = @()
    foreach ($item in $Reached) {
        if (-not (Test-Greeted $item.Found)) { continue }
        $ehlo = $item.Found.Replies['ehlo']
        $offers = $false
        if ($ehlo -ne $null) { foreach ($line in @($ehlo.Lines)) { if (([string]$line).Trim().ToUpper() -eq 'STARTTLS') { $offers = $true } } }
        if (-not $offers) { $plain += $item.Target.Label }
    }
    [void]$lines.Add("RequireTLS $($connector.RequireTLS); IgnoreSTARTTLS $($connector.IgnoreSTARTTLS); not offering STARTTLS: $($plain -join ', ')")
    $tls = ''
    if ([string]$connector.RequireTLS -eq 'True' -and $plain.Count -gt 0) {
        $problems += "it requires TLS, and $($plain -join ', ') do not offer STARTTLS, so mail for them waits in the queue"
    } elseif ([string]$connector.RequireTLS -eq 'True') {
        $tls = '; it requires TLS, which every node answering here offers'
    } elseif ([string]$connector.IgnoreSTARTTLS -eq 'True') {
        $tls = '; it ignores STARTTLS, so mail travels in plain text'
    }
    if ($problems.Count -gt 0) {
        Add-Result 'connector' 'connector-settings' $MailHost 'fail' "the Send Connector $($connector.Name) for $MailHost is wrong: $($problems -join '; ')" "In the Exchange Management Shell, give the connector the smart host $MailHost, set DNSRoutingEnabled to False and enable it (connector step); with RequireTLS, every node must offer STARTTLS, or set RequireTLS to False." $lines $watch.ElapsedMilliseconds
        return
    }
    if ($doubts.Count -gt 0) {
        Add-Result 'connector' 'connector-settings' $MailHost 'warn' "the Send Connector $($connector.Name) routes $MailHost to the smart host $($smart -join ', '), but $($doubts -join '; ')" 'Confirm these are intended: each can keep mail from reaching the nodes.' $lines $watch.ElapsedMilliseconds
        return
    }
    Add-Result 'connector' 'connector-settings' $MailHost 'pass' "the Send Connector $($connector.Name) routes $MailHost to the smart host $($smart -join ', '), enabled$tls" '' $lines $watch.ElapsedMilliseconds
}

function Test-AcceptedDomain {
    # A mail host that Exchange holds as an Authoritative accepted domain (itself, or
    # under a parent domain with subdomains) is delivered to Exchange's own recipients
    # only: library addresses bounce as unknown recipients.
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if (-not (Get-Command Get-AcceptedDomain -ErrorAction SilentlyContinue)) { return }
    $lines = @()
    $hit = $null
    foreach ($domain in @(Get-AcceptedDomain)) {
        $name = ([string]$domain.DomainName).ToLower()
        $lines += "$($domain.Name): $name, $($domain.DomainType)"
        $covers = ($name -eq $MailHost.ToLower()) -or ($name.StartsWith('*.') -and $MailHost.ToLower().EndsWith($name.Substring(1)))
        if ($covers -and ($hit -eq $null -or $name -eq $MailHost.ToLower())) { $hit = $domain }
    }
    if ($hit -eq $null) {
        Add-Result 'connector' 'accepted-domain' $MailHost 'pass' "$MailHost is not an accepted domain of Exchange: the Send Connector routes it" '' $lines $watch.ElapsedMilliseconds
    } elseif ([string]$hit.DomainType -eq 'Authoritative') {
        Add-Result 'connector' 'accepted-domain' $MailHost 'fail' "Exchange holds $MailHost as an Authoritative accepted domain ($($hit.Name)): it delivers only to its own recipients, so mail to the libraries bounces" "Make the accepted domain $($hit.Name) InternalRelay, or remove it if nothing else needs it." $lines $watch.ElapsedMilliseconds
    } else {
        Add-Result 'connector' 'accepted-domain' $MailHost 'pass' "Exchange holds $MailHost as a $($hit.DomainType) accepted domain ($($hit.Name)): it relays the mail on by the connector" '' $lines $watch.ElapsedMilliseconds
    }
}

function Test-MailHostQueue {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if (-not (Get-Command Get-Queue -ErrorAction SilentlyContinue)) { return }
    try {
        $queues = @(Get-Queue -ErrorAction Stop | Where-Object { [string]$_.NextHopDomain -ieq $MailHost })
    } catch {
        Add-Result 'connector' 'exchange-queue' $MailHost 'error' "the queues of this Exchange server could not be read: $($_.Exception.Message)" 'Run the script in the Exchange Management Shell.' @() $watch.ElapsedMilliseconds
        return
    }
    $lines = @($queues | ForEach-Object { "$($_.Identity): $($_.Status), $($_.MessageCount) messages, LastError $($_.LastError)" })
    $stuck = @($queues | Where-Object { [int]$_.MessageCount -gt 0 -and [string]$_.LastError })
    if ($stuck.Count -gt 0) {
        Add-Result 'connector' 'exchange-queue' $MailHost 'fail' "$($stuck[0].MessageCount) message(s) wait in the queue toward $($MailHost): $($stuck[0].LastError)" 'The last error names the hop that refuses or does not answer: DNS, a node, or TLS.' $lines $watch.ElapsedMilliseconds
    } else {
        Add-Result 'connector' 'exchange-queue' $MailHost 'pass' "no message waits with an error in a queue toward $MailHost on this server" '' $lines $watch.ElapsedMilliseconds
    }
}

function Get-TransportSettings {
    # Transport's own settings of this server: Get-TransportService from Exchange 2013, Get-TransportServer before.
    if (Get-Command Get-TransportService -ErrorAction SilentlyContinue) { return Get-TransportService -Identity $env:COMPUTERNAME -ErrorAction Stop }
    if (Get-Command Get-TransportServer -ErrorAction SilentlyContinue) { return Get-TransportServer -Identity $env:COMPUTERNAME -ErrorAction Stop }
    return $null
}

function Test-TransportDns {
    # Transport resolves the smart host with its own DNS settings when they are set:
    # with InternalDNSAdapterEnabled False it asks InternalDNSServers instead of the
    # network adapter's servers; a Send Connector with UseExternalDNSServersEnabled
    # uses the external pair (ExternalDNSAdapterEnabled, ExternalDNSServers).
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    try { $transport = Get-TransportSettings } catch {
        Add-Result 'dns' 'transport-dns' $MailHost 'error' "transport's DNS settings could not be read: $($_.Exception.Message)" 'Run the script in the Exchange Management Shell.' @() $watch.ElapsedMilliseconds
        return
    }
    if ($transport -eq $null) {
        Add-Result 'dns' 'transport-dns' $MailHost 'skip' "transport's DNS settings were not read: Get-TransportService and Get-TransportServer are not available in this shell" 'Run this script in the Exchange Management Shell.' @() $watch.ElapsedMilliseconds
        return
    }
    $side = 'Internal'
    if ($script:MailConnector -ne $null -and [string]$script:MailConnector.UseExternalDNSServersEnabled -eq 'True') { $side = 'External' }
    $adapter = [string]$transport.("${side}DNSAdapterEnabled")
    $servers = @($transport.("${side}DNSServers") | ForEach-Object { [string]$_ } | Where-Object { $_ })
    $lines = New-Object System.Collections.ArrayList
    [void]$lines.Add("InternalDNSAdapterEnabled $($transport.InternalDNSAdapterEnabled); InternalDNSServers $(@($transport.InternalDNSServers) -join ', ')")
    [void]$lines.Add("ExternalDNSAdapterEnabled $($transport.ExternalDNSAdapterEnabled); ExternalDNSServers $(@($transport.ExternalDNSServers) -join ', ')")
    [void]$lines.Add("the Send Connector for $MailHost uses the $($side.ToLower()) DNS settings")
    if ($adapter -ne 'False' -or $servers.Count -eq 0) {
        Add-Result 'dns' 'transport-dns' $MailHost 'pass' "transport on this server resolves $MailHost through the network adapter's DNS servers, the resolver asked above" '' $lines $watch.ElapsedMilliseconds
        return
    }
    if (-not (Get-Command Resolve-DnsName -ErrorAction SilentlyContinue)) {
        Add-Result 'dns' 'transport-dns' $MailHost 'skip' "transport on this server asks its own DNS servers ($($servers -join ', ')), which this shell cannot ask one by one (no Resolve-DnsName)" "Ask them by hand: nslookup $MailHost $($servers[0]) must answer $TargetAddress." $lines $watch.ElapsedMilliseconds
        return
    }
    $wrong = @()
    foreach ($server in $servers) {
        $addresses = @()
        try {
            foreach ($record in @(Resolve-DnsName -Name $MailHost -Type A -DnsOnly -Server $server -ErrorAction Stop)) {
                if ([string]$record.Type -eq 'A') { $addresses += [string]$record.IPAddress }
            }
            [void]$lines.Add("-- Resolve-DnsName $MailHost -Type A -DnsOnly -Server ${server}: $($addresses -join ', ')")
        } catch {
            [void]$lines.Add("-- Resolve-DnsName $MailHost -Type A -DnsOnly -Server ${server}: $($_.Exception.Message)")
        }
        if ($addresses.Count -ne 1 -or $addresses[0] -ne $TargetAddress) {
            $shown = 'no address'
            if ($addresses.Count -gt 0) { $shown = $addresses -join ', ' }
            $wrong += "$server answers $shown"
        }
    }
    if ($wrong.Count -gt 0) {
        Add-Result 'dns' 'transport-dns' $MailHost 'fail' "transport on this server asks its own DNS servers for $MailHost, not the adapter's, and $($wrong -join '; ') where $TargetAddress was expected" "Create the Host (A) record for $MailHost pointing at $TargetAddress in the DNS that $($servers -join ', ') serve, or clear transport's own DNS list." $lines $watch.ElapsedMilliseconds
    } else {
        Add-Result 'dns' 'transport-dns' $MailHost 'pass' "transport on this server asks its own DNS servers ($($servers -join ', ')), and each answers $MailHost with $TargetAddress" '' $lines $watch.ElapsedMilliseconds
    }
}

function Test-Tracking([string]$Id, [datetime]$Since, [bool]$Direct) {
    # The message's events in this server's message tracking log, in order: the
    # last one names where Exchange's part of its journey ended.
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if (-not (Get-Command Get-MessageTrackingLog -ErrorAction SilentlyContinue)) {
        Add-Result 'connector' 'exchange-tracking' $MailHost 'skip' 'message tracking was not read: Get-MessageTrackingLog is not available in this shell' 'Run this script in the Exchange Management Shell.' @() $watch.ElapsedMilliseconds
        return
    }
    try {
        $events = @(Get-MessageTrackingLog -MessageId $Id -Start $Since -ErrorAction Stop | Sort-Object Timestamp)
    } catch {
        Add-Result 'connector' 'exchange-tracking' $MailHost 'error' "message tracking could not be read: $($_.Exception.Message)" 'The Microsoft Exchange Transport Log Search service must run for Get-MessageTrackingLog.' @() $watch.ElapsedMilliseconds
        return
    }
    $lines = @($events | Select-Object -First 40 | ForEach-Object { "$($_.Timestamp) $($_.EventId) $($_.Source) $($_.ServerHostname) $(@($_.RecipientStatus) -join ' ')" })
    if ($events.Count -eq 0) {
        if ($Direct) {
            Add-Result 'connector' 'exchange-tracking' $MailHost 'skip' "message tracking has no event for the test message ${Id}: this script handed it to $MailHost itself, not through Exchange transport" "To follow a message through Exchange, send one from a mailbox (or with spmail-wizard check --send-test) and run this script with -MessageId and its Message-ID." $lines $watch.ElapsedMilliseconds
        } else {
            Add-Result 'connector' 'exchange-tracking' $MailHost 'warn' "message tracking on this server has no event for $Id since $Since" 'The message may have passed another Exchange server: run this script there, or widen the time.' $lines $watch.ElapsedMilliseconds
        }
        return
    }
    $last = $events[$events.Count - 1]
    $failed = @($events | Where-Object { @('FAIL', 'DEFER', 'DSN', 'POISONMESSAGE', 'BADMAIL') -contains [string]$_.EventId })
    $sent = @($events | Where-Object { @('SEND', 'TRANSFER', 'DELIVER') -contains [string]$_.EventId })
    $chain = @($events | ForEach-Object { "$($_.EventId) ($($_.Source))" }) -join ' -> '
    if ($failed.Count -gt 0) {
        Add-Result 'connector' 'exchange-tracking' $MailHost 'fail' "message tracking follows ${Id} on this server: $chain; $($failed[0].EventId): $(@($failed[0].RecipientStatus) -join ' ')" 'The recipient status names the hop that refused or did not answer.' $lines $watch.ElapsedMilliseconds
    } elseif ($sent.Count -gt 0) {
        Add-Result 'connector' 'exchange-tracking' $MailHost 'pass' "message tracking follows ${Id} on this server: $chain; last $($last.EventId) $(@($last.RecipientStatus) -join ' ')" '' $lines $watch.ElapsedMilliseconds
    } else {
        Add-Result 'connector' 'exchange-tracking' $MailHost 'warn' "message tracking follows ${Id} on this server only as far as $($last.EventId): $chain" 'Run this script again in a minute; a message still queued shows in Get-Queue.' $lines $watch.ElapsedMilliseconds
    }
}

# ---------------------------------------------------------------------------
# library_test, only with -SendTest: one message with an attachment.
# ---------------------------------------------------------------------------
function New-TestMessage {
    $id = [guid]::NewGuid().ToString('N')
    $messageId = "<spmail-wizard.$id@$Zone>"
    $date = (Get-Date).ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", $Invariant)
    $boundary = "spmail-wizard-$id"
    $attachment = [Convert]::ToBase64String([System.Text.Encoding]::ASCII.GetBytes("spmail-wizard test attachment`r`nMessage-ID: $messageId`r`n"))
    $text = @(
        "From: $ProbeSender", "To: $TestRecipient", "Subject: spmail-wizard test message (from $Origin through the mail host)",
        "Date: $date", "Message-ID: $messageId", 'MIME-Version: 1.0', "Content-Type: multipart/mixed; boundary=`"$boundary`"", '',
        "--$boundary", 'Content-Type: text/plain; charset=us-ascii', '',
        "This message tests incoming e-mail for $MailHost, sent by the probe kit from $Origin.",
        'It carries a small attachment; the library should store it as a new item.', '',
        "--$boundary", 'Content-Type: text/plain; name="spmail-wizard-test.txt"', 'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="spmail-wizard-test.txt"', '', $attachment, "--$boundary--"
    ) -join "`r`n"
    return @{ Id = $messageId; Text = $text }
}

function Test-LibraryDelivery($VipTarget) {
    if (-not $SendTest) {
        Add-Result 'library_test' 'library-delivery' $MailHost 'skip' 'no test message sent (it creates a real library item)' "Run this script again with -SendTest, or send a message with an attachment to the library from Outlook." @() 0
        return
    }
    if ($TestRecipient -eq '') {
        Add-Result 'library_test' 'library-delivery' $MailHost 'skip' 'no test_recipient in the plan, so no test message was sent' "Mail-enable a library, put its address in test_recipient, export the kit again and run it with -SendTest." @() 0
        return
    }
    $message = New-TestMessage
    $script:TestMessageId = $message.Id
    $found = Invoke-Conversation $TargetAddress $SmtpPort $SendTestMoves $message.Text $TestRecipient
    [void]$found.Transcript.Add("-- Message-ID $($message.Id)")
    $route = "to $(Get-Where $VipTarget)"
    $rcpt = $found.Replies['rcpt-test']
    if ($found.Fault -eq 'out_of_turn') {
        $verdict = Get-FaultVerdict $VipTarget $found
    } elseif ($found.Fault -ne '') {
        $verdict = New-Verdict 'fail' "${route}: the message was not sent; $($FaultText[$found.Fault]) (at $($found.Stage))" 'Run the kit without -SendTest first; it shows which step fails.'
    } elseif (-not (Test-Greeted $found)) {
        $verdict = New-Verdict 'fail' "$route turned the session away ($($found.Greeting.First))" "Access > Connection on the nodes must list this Exchange server."
    } elseif ($rcpt -eq $null -or $rcpt.Code -ge 300) {
        $shown = 'no answer'
        if ($rcpt -ne $null) { $shown = $rcpt.First }
        $verdict = New-Verdict 'fail' "$route refused $TestRecipient ($shown)" "Add $MailHost as an Alias domain on every node and restart SMTP (alias step)."
    } elseif ($found.Replies['message'] -eq $null -or $found.Replies['message'].Code -ge 300) {
        $shown = 'no answer'
        if ($found.Replies['data'] -ne $null) { $shown = $found.Replies['data'].First }
        if ($found.Replies['message'] -ne $null) { $shown = $found.Replies['message'].First }
        $verdict = New-Verdict 'fail' "$route refused the message body ($shown)" "IIS SMTP limits messages to 2 MB by default; check the node's event log."
    } else {
        # Accepted is not delivered: nothing here follows the message to its pickup, so it proves nothing.
        $verdict = New-Verdict 'warn' "$route accepted the test message ($($found.Replies['message'].First)), but its arrival is not followed from here, so this does not prove delivery" 'Look for the new item in the library within a minute or two; the node kits count what waits in each Drop folder.'
    }
    Add-Verdict 'library_test' 'library-delivery' $VipTarget $verdict $found
}

# ---------------------------------------------------------------------------
# The run.
# ---------------------------------------------------------------------------
if ($TimeoutSeconds -lt 1 -or $TimeoutSeconds -gt 300) { throw 'TimeoutSeconds takes 1 to 300.' }
Assert-ThisHost '' $Origin
$Here = Split-Path -Parent $MyInvocation.MyCommand.Definition
$OutFile = Join-Path $Here ('probe-exchange-1' + '-results-' + $StartedAt.ToString('yyyyMMdd-HHmmss', $Invariant) + '.json')
Write-Host "Probing $MailHost from $Origin (read-only$(if ($SendTest) { ', with one test message' }))"

$script:MailConnector = $null
$script:TestMessageId = ''
Test-MailHostRecord

$NodeTargets = @($Nodes | ForEach-Object { @{ Label = $_.Name; Kind = 'node'; Address = $_.Address } })
$VipTarget = @{ Label = $MailHost; Kind = 'vip'; Address = $TargetAddress }
$Direct = @{}
foreach ($target in $NodeTargets) { $Direct[$target.Label] = Invoke-Conversation $target.Address $SmtpPort $ProbeMoves $null '' }
$Vip = $null
if ($Mode -eq 'nlb') { $Vip = Invoke-Conversation $TargetAddress $SmtpPort $ProbeMoves $null '' }

$Reached = @()
foreach ($target in $NodeTargets) { $Reached += @{ Target = $target; Found = $Direct[$target.Label] } }
if ($Vip -ne $null) { $Reached += @{ Target = $VipTarget; Found = $Vip } }

foreach ($item in $Reached) { Add-Verdict 'mode' 'smtp-greeting' $item.Target (Get-GreetingVerdict $item.Target $item.Found) $item.Found }
foreach ($item in $Reached) { Add-Verdict 'mode' 'smtp-starttls' $item.Target (Get-StartTlsVerdict $item.Target $item.Found) $item.Found }
if ($Mode -eq 'nlb') { Test-Distribution $Direct $Vip $VipTarget }
Test-SendConnector
Test-AcceptedDomain
Test-MailHostQueue
foreach ($target in $NodeTargets) { Add-Verdict 'relay' 'relay-refused' $target (Get-RelayVerdict $target $Direct[$target.Label]) $Direct[$target.Label] }
foreach ($target in $NodeTargets) { Add-Verdict 'connection_control' 'connection-control' $target (Get-ConnectionVerdict $target $Direct[$target.Label]) $Direct[$target.Label] }
foreach ($target in $NodeTargets) { Add-Verdict 'fqdn' 'fqdn-greeting' $target (Get-FqdnVerdict $target $Direct[$target.Label]) $Direct[$target.Label] }
foreach ($item in $Reached) { Add-Verdict 'alias' 'alias-accepted' $item.Target (Get-AliasVerdict $item.Target $item.Found) $item.Found }
foreach ($item in $Reached) { Add-Verdict 'restart' 'smtp-greeting' $item.Target (Get-GreetingVerdict $item.Target $item.Found) $item.Found }
Test-LibraryDelivery $VipTarget
Test-TransportDns
if ($MessageId) {
    Test-Tracking $MessageId ($StartedAt.ToLocalTime().AddDays(-1)) $false
} elseif ($script:TestMessageId) {
    Test-Tracking $script:TestMessageId ($StartedAt.ToLocalTime().AddMinutes(-5)) $true
}

Write-Results $OutFile
Write-Host "Results written to $OutFile"
Write-Host "Bring that file back and run: spmail-wizard import <file> --session <name>"

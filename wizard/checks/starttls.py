"""The ``smtp-starttls`` check: whether each node and the VIP offer STARTTLS, and what their certificate names.

Read only: the EHLO reply of the target's one probe conversation says whether STARTTLS is offered;
when it is, a second short session says EHLO, STARTTLS, completes the TLS handshake, reads the
certificate and says QUIT. No mail is sent over it. The certificate is not judged as trust is
(Exchange's own trust store decides that), only where a name or a date cannot work: a certificate
that does not name the mail host, or is expired or not yet valid, warns.
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime

from wizard.checks.base import Finding, Sweep, Target, finding
from wizard.checks.smtpchecks import greeting_targets as greeting_targets
from wizard.checks.smtpchecks import probe_values, usable, where
from wizard.checks.smtpprobe import Fault, Reply, SmtpClient, SmtpFault
from wizard.record import record
from wizard.results import Status

targets = greeting_targets


@record
class Certificate:
    """What a server's certificate says, as far as names and dates go."""

    names: tuple[str, ...]
    """DNS names of its subject alternative names, or its common name when it has none."""
    not_before: datetime
    not_after: datetime
    issuer: str
    self_signed: bool


def offers_starttls(ehlo: Reply | None) -> bool:
    """Whether an EHLO reply lists the STARTTLS extension."""
    return ehlo is not None and ehlo.ok and any(line.split()[:1] == ["STARTTLS"] for line in ehlo.lines[1:])


def read_certificate(der: bytes) -> Certificate:
    """Names and dates of a DER certificate.

    Raises:
        ValueError: the bytes are not a certificate.
    """
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = x509.load_der_x509_certificate(der)
    try:
        alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        names = tuple(str(name) for name in alt.value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        names = ()
    if not names:
        names = tuple(str(attr.value) for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    return Certificate(
        names=names,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        issuer=cert.issuer.rfc4514_string(),
        self_signed=cert.issuer == cert.subject,
    )


def names_host(names: tuple[str, ...], host: str) -> bool:
    """Whether one of ``names`` covers ``host`` (a wildcard covers one leftmost label)."""
    host = host.lower().rstrip(".")
    for name in (n.lower().rstrip(".") for n in names):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def cannot_work(cert: Certificate, host: str, now: datetime) -> list[str]:
    """What in a certificate cannot work for mail to ``host`` now: a missing name, a date out of range."""
    problems = []
    if not names_host(cert.names, host):
        problems.append(f"does not name {host}")
    if cert.not_after < now:
        problems.append(f"expired on {cert.not_after:%Y-%m-%d}")
    elif cert.not_before > now:
        problems.append(f"is not valid before {cert.not_before:%Y-%m-%d}")
    return problems


async def _handshake(sweep: Sweep, target: Target) -> tuple[bytes, list[str]]:
    """A second session with the target: EHLO, STARTTLS, the handshake, QUIT; the certificate read.

    Raises:
        SmtpFault: the session or the handshake failed.
    """
    plan = sweep.plan
    client = SmtpClient(target.address, plan.smtp_port, deadline=sweep.deadline)
    try:
        async with sweep.limiter:
            await client.connect()
            await client.command(f"EHLO {probe_values(plan, target.address)['helo']}")
            reply = await client.command("STARTTLS")
            if reply.code != 220:
                raise SmtpFault(Fault.CLOSED, f"offered STARTTLS but answered it {reply.first}")
            # Names and dates are read, not trusted: Exchange decides trust with its own store.
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            der = await client.start_tls(context, plan.mail_host)
            await client.command("QUIT")
            return der, client.transcript
    finally:
        client.abort()


async def run(sweep: Sweep, target: Target) -> Finding:
    """``smtp-starttls``: STARTTLS offered or not, and the certificate's names and dates when it is."""
    found, instead = await usable(sweep, target)
    if instead is not None:
        return instead
    at = where(sweep, target)
    host = sweep.plan.mail_host
    if not offers_starttls(found.ehlo):
        return finding(
            Status.PASS,
            f"{at} does not offer STARTTLS: mail reaches it in plain text, and a Send Connector that "
            "requires TLS cannot deliver to it",
            "",
            found.transcript,
        )
    try:
        der, lines = await _handshake(sweep, target)
        cert = read_certificate(der)
    except SmtpFault as fault:
        return finding(
            Status.WARN,
            f"{at} offers STARTTLS, but the TLS session did not come up: {fault}",
            "A Send Connector that requires TLS cannot deliver here; check the certificate bound to the SMTP "
            "virtual server (Access > Certificate) and its private key.",
            found.transcript,
        )
    except ValueError as exc:
        return finding(Status.WARN, f"{at} offers STARTTLS with an unreadable certificate: {exc}", "", lines)
    now = datetime.now(UTC)
    shown = ", ".join(cert.names) or "no name"
    until = cert.not_after.strftime("%Y-%m-%d")
    issuer = "self-signed" if cert.self_signed else f"issued by {cert.issuer}"
    lines = [*lines, f"-- certificate: names {shown}; valid {cert.not_before:%Y-%m-%d} to {until}; {issuer}"]
    problems = cannot_work(cert, host, now)
    if problems:
        return finding(
            Status.WARN,
            f"{at} offers STARTTLS with a certificate that {' and '.join(problems)} (names: {shown}; {issuer})",
            f"A Send Connector that checks the certificate cannot deliver here; bind a certificate for {host}, "
            "valid today, to the SMTP virtual server (Access > Certificate).",
            lines,
        )
    return finding(
        Status.PASS,
        f"{at} offers STARTTLS; its certificate names {shown}, valid until {until} ({issuer})",
        "",
        lines,
    )

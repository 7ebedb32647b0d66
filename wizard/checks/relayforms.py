"""The relay forms open-relay testers try besides the plain address, and how an address is routed.

Data and one pure function, standard library only: :mod:`wizard.checks.dialogue` turns each form into
moves of the probe, the relay check judges the replies, and the practice farm reads the same forms.
"""

from __future__ import annotations

from wizard.record import record

PROBE_LOCAL_PART = "spmail-wizard-probe"
"""Local part of every probe address; IIS accepts any local part of a domain it serves."""
OUTSIDE_DOMAIN = "example.com"
"""A domain reserved for documentation (RFC 2606): asking to relay to it sends nothing anywhere."""


@record
class RelayForm:
    """One way of asking a server to relay that open-relay testers try besides the plain address."""

    name: str
    """Stable name (``percent``); its moves are ``mail-NAME``, ``rcpt-NAME`` and ``rset-NAME``."""
    label: str
    """How a sentence names it (``percent hack``)."""
    sender: str
    """The MAIL FROM address, with placeholders."""
    recipient: str
    """The RCPT TO address, with placeholders."""


_ASK = f"{PROBE_LOCAL_PART}@{OUTSIDE_DOMAIN}"
RELAY_FORMS: tuple[RelayForm, ...] = (
    RelayForm("percent", "percent hack", "{sender}", f"{PROBE_LOCAL_PART}%{OUTSIDE_DOMAIN}@{{node_literal}}"),
    RelayForm(
        "percent-mail-host",
        "percent hack at the mail host",
        "{sender}",
        f"{PROBE_LOCAL_PART}%{OUTSIDE_DOMAIN}@{{alias_domain}}",
    ),
    RelayForm("bang", "bang path", "{sender}", f"{OUTSIDE_DOMAIN}!{PROBE_LOCAL_PART}@{{node_literal}}"),
    RelayForm("source-route", "source route", "{sender}", f"@{{node_name}}:{_ASK}"),
    RelayForm("quoted", "quoted local part", "{sender}", f'"{_ASK}"@{{node_literal}}'),
    RelayForm("own-name", "the target's own name as sender", f"{PROBE_LOCAL_PART}@{{node_name}}", _ASK),
    RelayForm(
        "address-literal",
        "the target's address literal as sender",
        f"{PROBE_LOCAL_PART}@{{node_literal}}",
        _ASK,
    ),
)
"""The forms tried after the plain address, each in its own transaction, reset before the next. The
addresses all aim at the outside domain; whether accepting one is relaying is judged by where the address
ends (:func:`final_domain`): at the mail host, an Alias domain, it is local delivery."""


def final_domain(address: str) -> str:
    """The domain a server routes ``address`` by: after any source route, after the last ``@`` outside
    quotes; ``""`` when there is none (``"a@b"``, ``b!a``)."""
    if address.startswith("@") and ":" in address:
        address = address.split(":", 1)[1]
    if address.startswith('"'):
        end = address.find('"', 1)
        rest = address[end + 1 :] if end > 0 else ""
        return rest[1:].lower() if rest.startswith("@") else ""
    return address.rpartition("@")[2].lower() if "@" in address else ""

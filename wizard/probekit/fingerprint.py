"""The farm a results file was made for: a fingerprint of the plan that import compares field by field.

Host names alone do not tell farms apart (staging and production often share
them), so the fingerprint holds what makes the farm this farm: the mail host,
the mode, every node's name and address, the Exchange servers, the SharePoint
servers and the SMTP port. It is plain data, not a hash, so that a refusal can
say what differs and a person can write it by hand.
"""

from __future__ import annotations

from typing import Any

from wizard.plan.model import Plan
from wizard.untrusted import neutral

FIELDS = ("mail_host", "mode", "nodes", "exchange_servers", "sharepoint_servers", "smtp_port")
"""The fingerprint's keys, in the order a results file writes them."""


def fingerprint(plan: Plan) -> dict[str, Any]:
    """The plan's fingerprint as a results file carries it under ``"farm"``."""
    return {
        "mail_host": plan.mail_host,
        "mode": plan.mode,
        "nodes": [{"name": node.name, "address": node.address} for node in plan.nodes],
        "exchange_servers": list(plan.exchange_servers),
        "sharepoint_servers": list(plan.sharepoint_servers),
        "smtp_port": plan.smtp_port,
    }


def _canonical(key: str, value: Any) -> Any:
    """A field as compared: lists in any order, names in any case."""
    if key == "nodes" and isinstance(value, list):
        pairs = [
            (str(node.get("name", "")).lower(), str(node.get("address", "")))
            for node in value
            if isinstance(node, dict)
        ]
        return sorted(pairs) if len(pairs) == len(value) else value
    if key in ("exchange_servers", "sharepoint_servers") and isinstance(value, list):
        return sorted(str(item).lower() for item in value)
    if key == "mail_host" and isinstance(value, str):
        return value.lower()
    return value


def _shown(value: Any) -> str:
    if isinstance(value, list):
        items = [f"{item[0]}={item[1]}" if isinstance(item, tuple) else str(item) for item in value]
        text = ", ".join(items) or "none"
    else:
        text = str(value)
    text = neutral(text)
    return text if len(text) <= 120 else text[:117] + "..."


def differences(found: Any, plan: Plan) -> list[str]:
    """What differs between a file's fingerprint and the plan's, one phrase per field; empty when it matches."""
    if not isinstance(found, dict):
        return ["the file has no farm fingerprint"]
    unknown = sorted(set(found) - set(FIELDS))
    if unknown:
        return [f"the fingerprint has the unknown key {unknown[0]!r}"]
    mine = fingerprint(plan)
    out = []
    for key in FIELDS:
        if key not in found:
            out.append(f"the fingerprint lacks {key}")
            continue
        theirs, ours = _canonical(key, found[key]), _canonical(key, mine[key])
        if theirs != ours:
            out.append(f"{key}: file {_shown(theirs)}, plan {_shown(ours)}")
    return out

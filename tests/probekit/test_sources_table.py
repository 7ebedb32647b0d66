"""Every product cmdlet and WMI class the kit's scripts run is traced to a source in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
TEMPLATES = ROOT / "wizard" / "templates" / "probe"
README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLE = README.split("**Where each fact the new checks read comes from.**", 1)[1].split("\n## ", 1)[0]
PRODUCT = re.compile(
    r"^\s*[^#'\n]*?\b((?:Get-SP|Add-PSSnapin|Get-(?:Send|Accepted|Queue|Transport|MessageTracking))[A-Za-z]*|Resolve-DnsName)\b",
    re.MULTILINE,
)
WMI_CLASS = re.compile(r"-Class (\w+)")


def _used() -> set[str]:
    found: set[str] = set()
    for template in TEMPLATES.glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        found |= set(PRODUCT.findall(code)) | set(WMI_CLASS.findall(code))
        found -= set(re.findall(r"^\s*function ([\w-]+)", text, re.MULTILINE))  # the scripts' own functions
    return found


def test_every_product_cmdlet_and_class_the_scripts_run_has_a_source_row() -> None:
    used = _used()
    assert {
        "Get-SPTimerJob",
        "Get-MessageTrackingLog",
        "Get-TransportService",
        "IIsSmtpServerSetting",
    } <= used
    missing = sorted(name for name in used if name not in TABLE)
    assert missing == [], f"no source row names {missing}"

"""Reading a results file (the ``check --json`` document the probe kit writes): every refusal is one line.

A results file comes from another host, by USB stick or mail, so it is read
as hostile: size, file type, JSON shape, every field's type, the plan it was
made for, step ids, check names, targets, duplicates and text lengths are
checked before anything reaches a session. Long texts are cut, not refused,
and the cut is reported.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from wizard.bounds import KIT, cut
from wizard.checklist.model import Checklist, Step
from wizard.errors import WizardError
from wizard.evidence import bounded
from wizard.plan import validate
from wizard.plan.model import Plan
from wizard.probekit.admission import future, refusal
from wizard.probekit.fingerprint import differences
from wizard.results import CheckResult, Status, utc_now
from wizard.untrusted import neutral

MAX_FILE_BYTES = 4 * 1024 * 1024
"""A kit run over 32 nodes writes a few hundred KiB; anything much larger is not a results file."""
MAX_RESULTS = 2000
MAX_LINE_WIDTH = KIT.line_chars
"""Characters kept per transcript line, by the kit and by ``import``."""
MAX_DIGITS = 12
"""Longest number accepted; a duration in milliseconds needs far fewer digits."""
RESULT_KEYS = {
    "step",
    "check",
    "target",
    "status",
    "summary",
    "hint",
    "duration_ms",
    "transcript",
    "observed_at",
    "origin",
}
_REQUIRED = ("step", "check", "target", "status", "summary", "observed_at", "origin")


class ResultsFileError(WizardError):
    """A results file refused; the message is one line naming the file and the reason."""


@dataclass
class ResultsFile:
    """The results a file holds, checked against a plan, and what had to be cut."""

    results: list[CheckResult]
    cut_transcripts: int = 0
    """Results whose transcript was longer than kept."""
    cut_texts: int = 0
    """Results whose summary or hint was longer than kept."""
    origins: list[str] = field(default_factory=list)
    """The hosts the results were recorded on, in the file's order."""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(path: Path) -> str:
    """A path for a one-line message: no line breaks or hidden characters, at most 120 characters."""
    text = neutral(path)
    return text if len(text) <= 120 else "..." + text[-117:]


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file of sensible size without blocking.

    Raises:
        ResultsFileError: not found, not a regular file, unreadable or too large.
    """
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ResultsFileError(f"{_shown(path)}: no such file") from None
    except OSError as exc:
        raise ResultsFileError(f"{_shown(path)}: cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ResultsFileError(
                f"{_shown(path)}: refused: {kind}; name the results file the probe kit wrote"
            )
        if info.st_size > MAX_FILE_BYTES:
            raise ResultsFileError(
                f"{_shown(path)}: refused: {info.st_size} bytes, larger than any results file "
                f"({MAX_FILE_BYTES // (1024 * 1024)} MiB at most)"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ResultsFileError(f"{_shown(path)}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_FILE_BYTES:
        raise ResultsFileError(f"{_shown(path)}: refused: larger than any results file")
    return raw


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {_short(key)} appears twice in one object")
        data[key] = value
    return data


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def parse_json(raw: bytes, path: Path) -> Any:
    """The JSON data of a results file.

    Raises:
        ResultsFileError: not UTF-8, not JSON (truncated or damaged), or JSON nobody writes.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResultsFileError(f"{_shown(path)}: refused: not a results file (not UTF-8 text)") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
            parse_int=_bounded_int,
        )
    except json.JSONDecodeError as exc:
        raise ResultsFileError(
            f"{_shown(path)}: refused: not a complete JSON document (truncated or damaged at line {exc.lineno})"
        ) from None
    except RecursionError:
        raise ResultsFileError(f"{_shown(path)}: refused: nested deeper than any results file") from None
    except ValueError as exc:
        raise ResultsFileError(f"{_shown(path)}: refused: {exc}") from None


def _steps(plan: Plan, checklist: Checklist) -> dict[str, Step]:
    """The steps of the plan's mode, by id."""
    return {step.id: step for step in checklist.for_mode(plan.mode, plan.delivery)}


class _Reader:
    """Checks one document field by field; the first problem ends the import."""

    def __init__(self, path: Path, plan: Plan, checklist: Checklist):
        self.path = path
        self.plan = plan
        self.checklist = checklist
        self.steps = _steps(plan, checklist)
        self.now = utc_now()

    def refuse(self, where: str, reason: str) -> ResultsFileError:
        return ResultsFileError(
            f"{_shown(self.path)}: refused: {where}: {reason}; the session was not changed"
        )

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key, None if required else "")
        if not isinstance(value, str):
            what = "missing" if value is None else f"must be text, not {type(value).__name__}"
            raise self.refuse(where, f"{key} {what}")
        return value

    def moment(self, value: str, where: str, key: str) -> datetime:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.refuse(where, f"{key} {_short(value)} is not an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise self.refuse(where, f"{key} {_short(value)} has no time zone")
        return moment

    def document(self, data: Any) -> list[Any]:
        if not isinstance(data, dict) or "results" not in data or "schema" not in data:
            raise ResultsFileError(
                f"{_shown(self.path)}: refused: not a results file (no schema and results); "
                "import reads the file the probe kit or `check --json` writes"
            )
        schema = data["schema"]
        if schema != 1 or isinstance(schema, bool):
            raise self.refuse("schema", f"{_short(schema)} is not a version this wizard reads (1)")
        plan = data.get("plan")
        if not isinstance(plan, dict):
            raise self.refuse("plan", "missing or not an object")
        host, mode = plan.get("mail_host"), plan.get("mode")
        if host != self.plan.mail_host or mode != self.plan.mode:
            raise ResultsFileError(
                f"{_shown(self.path)}: refused: the results are for {_short(host)} ({_short(mode)}), "
                f"this session is for {self.plan.mail_host} ({self.plan.mode}); the session was not changed"
            )
        differs = differences(data.get("farm"), self.plan)
        if differs:
            raise ResultsFileError(
                f"{_shown(self.path)}: refused: made for another farm ({'; '.join(differs)}); "
                "export the probe kit again from this session; the session was not changed"
            )
        if "started_at" in data:
            started = self.moment(self.text(data, "started_at", "started_at"), "started_at", "started_at")
            ahead = future(started, self.now, "started_at", None)
            if ahead:
                raise self.refuse("started_at", ahead)
        results = data["results"]
        if not isinstance(results, list):
            raise self.refuse("results", "must be a list")
        if not results:
            raise self.refuse("results", "the file holds no results")
        if len(results) > MAX_RESULTS:
            raise self.refuse(
                "results", f"{len(results)} results, more than any kit run writes ({MAX_RESULTS})"
            )
        return results

    def summary(self, summary: Any, results: list[Any]) -> None:
        if not isinstance(summary, dict):
            raise self.refuse("summary", "must be an object")
        counted: dict[str, int] = {status.value: 0 for status in Status}
        for item in results:
            status = item.get("status") if isinstance(item, dict) else None
            if isinstance(status, str) and status in counted:
                counted[status] += 1
        for key, value in summary.items():
            if key not in counted or value != counted[key] or isinstance(value, bool):
                raise self.refuse("summary", "does not match the results (a damaged or edited file)")

    def result(self, index: int, data: Any) -> tuple[CheckResult, bool, bool]:
        where = f"result {index + 1}"
        if not isinstance(data, dict):
            raise self.refuse(where, "must be an object")
        unknown = sorted(set(data) - RESULT_KEYS)
        if unknown:
            raise self.refuse(where, f"unknown key {_short(unknown[0])}")
        for key in _REQUIRED:
            self.text(data, key, where)
        step, check, target = data["step"], data["check"], data["target"]
        if step not in self.steps:
            raise self.refuse(where, f"step {_short(step)} is not a step of this {self.plan.mode} plan")
        try:
            status = Status(data["status"])
        except ValueError:
            raise self.refuse(
                where, f"status {_short(data['status'])} is not pass, warn, fail, skip or error"
            ) from None
        try:
            origin = validate.host_or_address(data["origin"])
        except ValueError:
            raise self.refuse(
                where, f"origin {_short(data['origin'])} is not a host name or address"
            ) from None
        hint = self.text(data, "hint", where, required=False)
        duration = data.get("duration_ms", 0)
        if not isinstance(duration, int) or isinstance(duration, bool) or not 0 <= duration < 10**9:
            raise self.refuse(where, f"duration_ms {_short(duration)} is not a number of milliseconds")
        transcript = data.get("transcript", [])
        if not isinstance(transcript, list) or not all(isinstance(line, str) for line in transcript):
            raise self.refuse(where, "transcript must be a list of text lines")
        observed_at = self.moment(data["observed_at"], where, "observed_at")
        lines = [cut(line, MAX_LINE_WIDTH) for line in transcript]
        # Then the one rule of what a session keeps (transcript, summary and hint), so that
        # what import says it cut is what the session holds, with one marker each
        # (the file is at most a few MiB, so everything fits first).
        found = CheckResult(
            step=step,
            check=check,
            target=target,
            status=status,
            summary=data["summary"],
            hint=hint,
            duration_ms=duration,
            transcript=tuple(lines),
            observed_at=observed_at,
            origin=origin,
        )
        reason = refusal(found, self.steps[step], self.checklist, self.plan, self.now)
        if reason:
            raise self.refuse(f"{where} ({_short(check)} on {_short(target)} from {_short(origin)})", reason)
        kept = bounded(found)
        return (
            kept,
            kept.transcript != tuple(transcript),
            (kept.summary, kept.hint) != (data["summary"], hint),
        )


def read_results(path: Path, plan: Plan, checklist: Checklist) -> ResultsFile:
    """Read and check a results file against the session's plan.

    Raises:
        ResultsFileError: one line naming the file and the first problem.
    """
    reader = _Reader(path, plan, checklist)
    data = parse_json(read_bytes(path), path)
    items = reader.document(data)
    found = ResultsFile(results=[])
    seen: dict[tuple[str, str, str, str | None], int] = {}
    for index, item in enumerate(items):
        result, cut_transcript, cut_text = reader.result(index, item)
        if result.key in seen:
            raise reader.refuse(
                f"result {index + 1}",
                f"repeats result {seen[result.key] + 1} ({result.step} {result.check} on {result.target} "
                f"from {result.origin})",
            )
        seen[result.key] = index
        found.results.append(result)
        found.cut_transcripts += cut_transcript
        found.cut_texts += cut_text
        if result.origin is not None and result.origin not in found.origins:
            found.origins.append(result.origin)
    if data.get("summary") is not None:
        reader.summary(data["summary"], items)
    return found


def counts(results: Iterable[CheckResult]) -> str:
    """``3 pass, 1 skip``: the statuses present, in the usual order."""
    tally = {status: 0 for status in Status}
    for result in results:
        tally[result.status] += 1
    return ", ".join(f"{n} {status.value}" for status, n in tally.items() if n) or "nothing"

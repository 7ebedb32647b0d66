"""SharePoint's incoming e-mail side of the practice farm: settings, mail-enabled lists and what happens to each file.

The timer job hands every ``.eml`` it finds in a Drop folder to
:meth:`SharePoint.process`, which does what SharePoint does with it: reads
the ``x-sender``/``x-receiver`` lines, finds the list by its alias, applies
the list's security policy and the blocked file types, stores the item, and
deletes the file, or leaves it where SharePoint would leave it. Each outcome
goes to the ULS log in the E-Mail category, as the real job reports it.
Unknown aliases leave the file waiting in Drop; SharePoint deletes it after
about 24 hours (field reports of OWSTIMER deleting such files), measured
here from the file's modification time, so a rehearsal can age files.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from wizard.farm.farmlogs import UlsLog
from wizard.record import record

UNKNOWN_ALIAS_LIFETIME = timedelta(hours=24)
"""How long SharePoint leaves a file for unknown aliases in Drop before deleting it."""
DROP_FOLDER = r"C:\inetpub\mailroot\Drop"
"""The drop folder setting: the same local path on every server, as the classic design has it."""
BUILD = "14.0.7015.1000"
"""The farm's build (a SharePoint 2010 build, as the practice plan says 2010)."""
MAX_ITEMS = 500
"""Items kept per list; a timer account without Modify imports the same file on every run."""
EVENT_UNKNOWN_ALIASES = "6871"
"""ULS E-Mail event naming unknown aliases (field reports)."""
EVENT_CANNOT_DELIVER = "6873"
"""E-Mail event "cannot deliver message": no list for the recipient, or the sender lacks permission."""
EVENT_OTHER = "0"
"""The farm's other E-Mail lines; their real ids are not confirmed, so no id is claimed for them."""


@record
class Item:
    """One item stored from a message."""

    message_id: str
    subject: str
    sender: str
    attachments: tuple[str, ...]
    stored_at: datetime


@dataclass
class MailList:
    """A mail-enabled list or library."""

    alias: str
    """The list's e-mail alias (the part before the @)."""
    url: str
    title: str
    members_only: bool = False
    """Security policy: accept mail only from senders with rights on the list (vti_emailusesecurity = 1)."""
    save_attachments: bool = True
    attachment_folders: str = "root"
    """Where attachments go: ``root``, ``subject`` or ``sender`` folders."""
    save_original: bool = False
    items: list[Item] = field(default_factory=list)

    def address(self, domain: str) -> str:
        return f"{self.alias}@{domain}"


@record
class DropFile:
    """A Drop folder file taken apart as SharePoint reads it."""

    sender: str
    receivers: tuple[str, ...]
    message: EmailMessage


def read_drop_file(raw: bytes) -> DropFile:
    """The envelope lines IIS writes at the head of each file, and the message after them."""
    sender, receivers, rest = "", [], raw
    while True:
        line, sep, tail = rest.partition(b"\r\n")
        key, colon, value = line.partition(b":")
        name = key.strip().lower()
        if not sep or not colon or name not in (b"x-sender", b"x-receiver"):
            break
        text = value.decode("ascii", "replace").strip()
        if name == b"x-sender":
            sender = text
        else:
            receivers.append(text)
        rest = tail
    message = BytesParser(policy=policy.default).parsebytes(rest)
    assert isinstance(message, EmailMessage)
    return DropFile(sender, tuple(receivers), message)


def _attachment_names(message: EmailMessage) -> list[str]:
    return [part.get_filename() or "attachment" for part in message.iter_attachments()]


@dataclass
class SharePointSetup:
    """The farm's incoming e-mail settings and lists; the timer job reads them on every run."""

    domain: str
    """The e-mail server display address."""
    servers: list[str]
    """The servers that run the Incoming E-Mail service (here: the SMTP nodes themselves)."""
    timer_account: str
    members: set[str]
    """Senders with rights on the lists (lower case)."""
    enabled: bool = True
    automatic: bool = False
    """Automatic settings mode; the farm uses advanced mode with a drop folder."""
    use_directory_management: bool = False
    drop_folder: str = DROP_FOLDER
    timer_modify: bool = True
    """Whether the timer account has Modify on the Drop folder (without it, files cannot be deleted)."""
    stopped_instances: set[str] = field(default_factory=set)
    """Servers whose Incoming E-Mail service instance is stopped (Services on Server)."""
    blocked_extensions: set[str] = field(default_factory=set)
    """Blocked file types of the web application, without the dot, lower case."""
    lists: list[MailList] = field(default_factory=list)
    build: str = BUILD


@record
class JobRun:
    """One run of the incoming e-mail job on one server."""

    server: str
    at: datetime
    failed: bool
    note: str


class SharePoint:
    """The practice SharePoint: settings, lists, the ULS log per server and the job's history."""

    def __init__(self, setup: SharePointSetup, log_folder: Path) -> None:
        self.setup = setup
        self.log_folder = log_folder
        self.history: list[JobRun] = []
        """The incoming e-mail job's runs that handled a file, newest last."""
        self._logs: dict[str, UlsLog] = {}
        self._lock = threading.Lock()

    def log(self, server: str, event_id: str, level: str, message: str) -> None:
        """Write one E-Mail event to ``server``'s ULS log."""
        if server not in self._logs:
            self._logs[server] = UlsLog(self.log_folder, server)
        self._logs[server].write(event_id, level, message)

    def find_list(self, address: str) -> MailList | None:
        """The list whose alias is the address's local part (SharePoint matches the alias)."""
        alias = address.partition("@")[0].strip("<>").lower()
        return next((item for item in self.setup.lists if item.alias.lower() == alias), None)

    def instance_running(self, server: str) -> bool:
        return server not in self.setup.stopped_instances

    def process(self, server: str, path: Path) -> bool:
        """Handle one Drop file on ``server``; returns whether the file is gone.

        Not called for servers whose service instance is stopped: the job
        does not run there, so their Drop folder only fills.
        """
        with self._lock:
            return self._process(server, path)

    def _process(self, server: str, path: Path) -> bool:
        setup = self.setup
        try:
            raw = path.read_bytes()
            modified = path.stat().st_mtime
        except OSError:
            return True  # already taken
        drop = read_drop_file(raw)
        identifier = str(drop.message.get("Message-ID", "")).strip() or "no Message-ID"
        self.log(
            server,
            EVENT_OTHER,
            "Medium",
            f"Picked up {path.name} ({identifier}) for {', '.join(drop.receivers)}",
        )
        unknown = [r for r in drop.receivers if self.find_list(r) is None]
        known = [r for r in drop.receivers if r not in unknown]
        now = datetime.now()
        if unknown:
            self.log(
                server,
                EVENT_UNKNOWN_ALIASES,
                "Medium",
                "The following aliases were unknown: " + ", ".join(r.partition("@")[0] for r in unknown),
            )
        if not known:
            waited = timedelta(seconds=max(0.0, time.time() - modified))
            if waited < UNKNOWN_ALIAS_LIFETIME:
                self.history.append(JobRun(server, now, False, f"left {path.name}: no list has its alias"))
                return False
            self.log(
                server,
                EVENT_OTHER,
                "Medium",
                f"Deleting {path.name} after {int(waited.total_seconds() // 3600)} hours: no list for {', '.join(unknown)}",
            )
            path.unlink(missing_ok=True)
            self.history.append(JobRun(server, now, False, f"deleted {path.name} after 24 hours"))
            return True
        for receiver in known:
            self._deliver(server, drop, receiver, now)
        if not setup.timer_modify:
            # The item is stored, yet the file stays: the next run imports it again (duplicates).
            self.log(
                server,
                EVENT_OTHER,
                "Unexpected",
                f"Access denied deleting {path.name} from {setup.drop_folder} after importing it "
                f"(account {setup.timer_account})",
            )
            self.history.append(JobRun(server, now, True, f"could not delete {path.name}: access denied"))
            return False
        path.unlink(missing_ok=True)
        self.history.append(JobRun(server, now, False, f"took {path.name}"))
        return True

    def _deliver(self, server: str, drop: DropFile, receiver: str, now: datetime) -> None:
        target = self.find_list(receiver)
        assert target is not None
        message = drop.message
        message_id = str(message.get("Message-ID", "")).strip()
        sender = drop.sender.lower()
        if target.members_only and sender not in self.setup.members:
            self.log(
                server,
                EVENT_CANNOT_DELIVER,
                "Medium",
                f"E-mail service cannot deliver message {message_id} to {receiver}: the sender {drop.sender} "
                f"has no permission on the list {target.url}",
            )
            return
        names = _attachment_names(message) if target.save_attachments else []
        blocked = [n for n in names if n.rpartition(".")[2].lower() in self.setup.blocked_extensions]
        for name in blocked:
            self.log(
                server,
                EVENT_OTHER,
                "Medium",
                f"Attachment {name} of message {message_id} to {receiver} was not saved: its file type is blocked",
            )
        kept = tuple(n for n in names if n not in blocked)
        if len(target.items) < MAX_ITEMS:
            target.items.append(Item(message_id, str(message.get("Subject", "")), drop.sender, kept, now))
        self.log(
            server,
            EVENT_OTHER,
            "Verbose",
            f"Delivered message {message_id} to {receiver} as an item of {target.url} "
            f"({len(kept)} attachment{'s' if len(kept) != 1 else ''} saved)",
        )

    def item_for(self, message_id: str) -> tuple[MailList, Item] | None:
        """The list and item a message was stored as, if it was."""
        for mail_list in self.setup.lists:
            for item in mail_list.items:
                if item.message_id == message_id:
                    return mail_list, item
        return None

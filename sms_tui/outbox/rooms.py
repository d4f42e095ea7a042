"""The outbox's rooms and what they share: the folders, the ids, the records' names and stamps,
the dataclasses a queued message and the account's hold are kept in, and the base every room of
the spool stands on (`SpoolBase`: where the folders are, who owns what is written). The rooms:
`intake` (what programs drop, taken on descriptors: the security boundary), `queue` (a message's
attempts, its move to sent/ or failed/, the hold), `follow` (sent messages followed to the phone).

The outbox's folders and the moves between them. Every move is one rename or one atomic write
followed by removing the old copy, in an order that a crash anywhere cannot turn into a second
send: a message is in outgoing/ (nobody has it), or in queue/ under its id (the relay has it, and
its idx is fixed by that id), or in sent/ or failed/ (done; a copy left in queue/ is dropped)."""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import re
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sms_tui import rules
from sms_tui.base.files import sync_folder
from sms_tui.compat import UTC
from sms_tui.outbox.message import MAX_BYTES, Draft
from sms_tui.smsapi_texts import Reason

FOLDERS = ("outgoing", "queue", "sent", "failed", "follow")
ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{6}")


def read_nofollow(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return os.read(fd, MAX_BYTES * 2)
    finally:
        os.close(fd)

def lstat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None

def read_record(path: Path) -> bytes:
    """A record in sent/ or failed/ (for `queue`), never through a link."""
    return read_nofollow(str(path))

def read_all(path: str) -> bytes:
    """A file of the relay's own of any length (a follow log), never through a link."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)

def new_id(now: datetime | None = None) -> str:
    """Sortable by arrival to the microsecond (the relay sends in this order), unique without a
    counter to keep: 20261207T101500123456-a1b2c3."""
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"


SMSD_DATE = "%y-%m-%d %H:%M:%S"  # smsd's datetime_format default, local time: what programs written for it parse


def stamp(now: datetime | None = None, date_format: str = "iso") -> str:
    """A record's time: ISO 8601 UTC ("iso"), else a strftime format in local time (smsd's by default)."""
    when = now or datetime.now(UTC)
    if date_format == "iso":
        return when.isoformat(timespec="seconds").replace("+00:00", "Z")
    return when.astimezone().strftime(date_format)

def record_name(name: str, message_id: str) -> str:
    """The name a record keeps in sent/ and failed/: the dropped file's (as smsd's keep_filename),
    unless `send --queue` named it (ID.sms) or the name could not be shown or kept safely."""
    if not name or ID.fullmatch(name) or name.startswith(".") or rules.escape_name(name) != name or len(name) > 200 \
            or name.endswith((".json", ".log", ".dir", ".tmp")):
        return f"{message_id}.sms"
    return name

def arrival(message_id: str) -> datetime:
    """When the message arrived, as its id says (the id starts with the time)."""
    try:
        return datetime.strptime(message_id[:21], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)

@dataclass
class State:
    """A queued message's attempts: what `queue` lists and what decides its next try. When it
    arrived is its id's to say (`arrival`), not the state's: a message never tried has no state
    file, and reading none is what the relay does for nearly every message of a backlog."""

    received: str | None = None  # kept for state files written before; never read
    attempts: int = 0
    next_try: float = 0.0  # epoch seconds; 0: due now
    last_reason: Reason | str | None = None  # data (smsapi_texts.reason_of); a sentence in a state written before
    held: bool = False  # waiting for the account (points, credentials), not for the link
    # The first attempt whose outcome is unknown (an answer lost, a timeout, a kill mid-send, a
    # record that could not be written): it may have reached SMSAPI. Tried again only with the same
    # idx, and only while SMSAPI still remembers it (IDX_MEMORY); after that it waits for a human.
    uncertain_since: float | None = None
    check: bool = False  # held for a human: "may already have been sent — check the panel"
    guarded: Reason | None = None  # held by the money guard (which limit): waits for `queue release`
    released: bool = False  # released by a human: passes the guard's limits once

@dataclass
class Hold:
    """The account refused (points, credentials): nothing is sent until `until`; `told` once the
    owner heard of it (again only after it was released and came back)."""

    reason: Reason | str = ""  # data (smsapi_texts.reason_of); a sentence in a hold written before
    code: int | None = None
    until: float = 0.0
    told: bool = False

@dataclass
class Entry:
    id: str
    draft: Draft
    state: State

class Dropped(enum.Enum):
    NOT_SENT = "not_sent"
    MAYBE_SENT = "maybe_sent"  # an attempt's answer was lost: it may have reached SMSAPI
    IN_FLIGHT = "in_flight"  # its request is still out
    SENT = "sent"  # it went while the drop waited for its request
    DONE = "done"  # it left the queue another way (failed/) while the drop waited
    UNKNOWN = "unknown"

@dataclass(frozen=True)
class Refused:
    """A dropped file that can never be sent, and why (already moved to failed/)."""

    id: str
    name: str
    reason: Reason  # the Malformed's key and parameters
    record: str = ""  # its file in failed/


class SpoolBase:
    def __init__(self, root: Path, *, group: int | None = None, owner: tuple[int, int] | None = None, date_format: str = SMSD_DATE,
                 checkhandler: str | None = None) -> None:
        self.root = root
        self.date_format = date_format  # of Sent:, Failed:, Delivered: in the records
        self.checkhandler = checkhandler  # smsd's: run on each file before it is taken
        self.group = group  # the gid whose members may drop files (the folder's setgid group)
        # What the relay writes the shop's group may read (`queue` as the shop's user); nobody else.
        # `owner`: root by hand on an outbox that belongs to the relay's own user writes as if it were that user.
        self.owner = owner or ((os.geteuid(), group) if group is not None else None)
        self._follow_fd: int | None = None
        self._attempts_fd: int | None = None
        self.intake_error: OSError | None = None  # why the last claim stopped early (a full disk)
        self.next_look: float | None = None  # when a file the last claim left for later is to be looked at again

    def stamp(self) -> str:
        return stamp(date_format=self.date_format)

    def folder(self, name: str) -> Path:
        return self.root / name

    def prepare(self) -> None:
        """The folders, each with the mode docs/outbox.md promises: the drop folder setgid and
        writable by the shop's group, the rest readable by it; without a group, the user's own.
        Only what differs is changed (the hardened service may not set a setgid bit, only keep it)."""
        shared = self.group is not None
        self.root.mkdir(mode=0o750 if shared else 0o700, parents=True, exist_ok=True)
        for name in FOLDERS:
            self.folder(name).mkdir(exist_ok=True)
        for path, mode in ((self.root, 0o750), (self.folder("outgoing"), 0o2770), (self.folder("queue"), 0o750),
                           (self.folder("sent"), 0o750), (self.folder("failed"), 0o750), (self.folder("follow"), 0o700)):
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
            wanted = mode if shared else 0o700
            if shared and info.st_gid != self.group:
                os.chown(path, -1, self.group, follow_symlinks=False)  # type: ignore[arg-type]  # checked above
            if stat.S_IMODE(info.st_mode) != wanted:
                os.chmod(path, wanted, follow_symlinks=False)

    def hand_over(self, uid: int, gid: int) -> None:
        """As root, for the relay's own user: the folders and everything the relay wrote become its
        (links are changed themselves, never followed); what the shop's programs dropped stays theirs."""
        group = self.group if self.group is not None else gid
        os.chown(self.root, uid, group, follow_symlinks=False)
        for name in FOLDERS:
            os.chown(self.folder(name), uid, group, follow_symlinks=False)
            if name == "outgoing":
                continue
            with os.scandir(self.folder(name)) as entries:
                for entry in entries:
                    with contextlib.suppress(FileNotFoundError):
                        os.chown(entry.path, uid, group, follow_symlinks=False)
        for name in ("hold.json", "queue.generation", "relay.lock", "guard.told", "guard"):
            with contextlib.suppress(FileNotFoundError):
                os.chown(self.root / name, uid, group, follow_symlinks=False)
        if (self.root / "guard").is_dir() and not (self.root / "guard").is_symlink():  # the money guard's ledger, if root counted first
            with os.scandir(self.root / "guard") as entries:
                for entry in entries:
                    with contextlib.suppress(FileNotFoundError):
                        os.chown(entry.path, uid, group, follow_symlinks=False)

    def _create(self, path: str) -> int:
        """An append-only log of the relay's own (0600), the outbox owner's whoever opens it."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        if self.owner is not None and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != self.owner:
            with contextlib.suppress(PermissionError):  # not root: it is ours already
                os.fchown(fd, *self.owner)
        return fd

    def _record_path(self, folder: str, name: str, message_id: str) -> Path:
        """Where a record goes: its name, or with the id after it when another record has that name."""
        path = self.folder(folder) / name
        return path if not os.path.lexists(path) or name == f"{message_id}.sms" else self.folder(folder) / f"{name}.{message_id}"

    def flush(self, *names: str) -> None:
        if not names and self._follow_fd is not None:  # the end of a pass: its follow log is complete
            os.close(self._follow_fd)
            self._follow_fd = None
        for name in names or FOLDERS:
            sync_folder(self.folder(name))

"""The outbox's folders and the moves between them. Every move is one rename or one atomic write
followed by removing the old copy, in an order that a crash anywhere cannot turn into a second
send: a message is in outgoing/ (nobody has it), or in queue/ under its id (the relay has it, and
its idx is fixed by that id), or in sent/ or failed/ (done; a copy left in queue/ is dropped)."""

from __future__ import annotations

import contextlib
import enum
import errno
import fcntl
import json
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sms_tui import rules
from sms_tui.base.files import atomic_write, sync_folder
from sms_tui.compat import UTC
from sms_tui.outbox.message import MAX_BYTES, RELAY_HEADERS, Draft, Malformed, compose, headers_of, parse, render
from sms_tui.smsapi_texts import Reason, keyed

FOLDERS = ("outgoing", "queue", "sent", "failed", "follow")
SETTLE = 5.0  # seconds a file written in place (not renamed in) must lie still before it is read
SHORT = 8  # bytes: a shorter file is still being written (smsd's rule), until it has lain still for STALE
STALE = 600.0  # seconds after which a file that stays that short is refused as empty
_NO_FD = -1
ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{6}")


def _settled(info: os.stat_result, now: float) -> bool:
    """Complete by its times: changed after its last write (a rename changes the inode's ctime, not
    its mtime; `send --queue` sets its mtime back) or unchanged for SETTLE seconds."""
    return info.st_ctime_ns > info.st_mtime_ns or now - max(info.st_mtime_ns, info.st_ctime_ns) / 1e9 >= SETTLE


def _being_written(fd: int) -> bool | None:
    """Whether any process has the file open for writing, as the kernel knows it: a read lease is
    refused (EAGAIN) exactly then. None where no lease may be taken (another user's file without
    CAP_LEASE, a filesystem without leases): then only its times can tell."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except BlockingIOError:
        return True
    except OSError:
        return None
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return False


def _read_nofollow(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        return os.read(fd, MAX_BYTES * 2)
    finally:
        os.close(fd)


def _group_name(gid: int) -> str:
    import grp  # noqa: PLC0415 — only for a refusal

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def read_record(path: Path) -> bytes:
    """A record in sent/ or failed/ (for `queue`), never through a link."""
    return _read_nofollow(str(path))


def _read_all(path: str) -> bytes:
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


class Spool:
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
        for name in ("hold.json", "queue.generation", "relay.lock"):
            with contextlib.suppress(FileNotFoundError):
                os.chown(self.root / name, uid, group, follow_symlinks=False)

    # -- a program drops a message -------------------------------------------------------------

    def drop(self, to: str, text: str, sender: str | None = None) -> str:
        """`send --queue`: written under a dot name (never read) and renamed when complete."""
        message_id = new_id()
        payload = compose(to, text, sender)
        tmp = self.folder("outgoing") / f".{message_id}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                # Its time a second back: the rename then leaves the inode changed after its last
                # write, which tells the relay the file is complete (no settling wait).
                back = time.time_ns() - 1_000_000_000
                os.utime(handle.fileno(), ns=(back, back))
                os.fsync(handle.fileno())
            os.rename(tmp, self.folder("outgoing") / message_id)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return message_id

    # -- the relay takes what was dropped ------------------------------------------------------

    def claim(self, now: float | None = None) -> tuple[list[str], list[Refused]]:
        """Every complete file in outgoing/ checked and taken: written into queue/ as it will be
        sent (the number normalised, where no program can change it) and then removed — or, when
        it can never be sent, set aside in failed/ with the reason. Its id is its name when
        `send --queue` named it, else made from what the file is, so a file whose claim a crash
        cut short (or a power cut undid) gets the same id again and is recognised as taken.

        Every file here is another user's and may change under the relay: it is opened once,
        `O_NOFOLLOW`, and everything after that — the checks, the read, a chown — is done on that
        descriptor; a file that vanished, was swapped or is still being written is left for the
        next look, never fatal."""
        taken: list[str] = []
        refused: list[Refused] = []
        outgoing = self.folder("outgoing")
        clock = time.time() if now is None else now
        self.intake_error = None
        self.next_look = None
        for name in self._arrivals(outgoing):
            path = outgoing / name
            try:
                info = os.lstat(path)
            except OSError:
                continue  # gone since the listing
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                self._refuse(path, self._id_for(name, info), Malformed("outbox.not_a_file"), b"", info, refused)
                continue
            if stat.S_ISLNK(info.st_mode):
                self._refuse(path, self._id_for(name, info), Malformed("outbox.symlink"), b"", info, refused)
                continue
            if stat.S_ISDIR(info.st_mode):
                self._refuse(path, self._id_for(name, info), Malformed("outbox.not_a_file"), b"", info, refused)
                continue
            changed = max(info.st_mtime_ns, info.st_ctime_ns) / 1e9
            if info.st_size < SHORT and clock - changed < STALE:
                self._look_again(changed + STALE)
                continue  # a few bytes so far: being written (smsd's rule); refused as empty only once it lies so long
            outcome = self._take(path, info, clock)
            if outcome is not None and outcome[0] is None and self.checkhandler:
                outcome = self._checked(path, outcome, clock)
            if outcome is None:
                self._look_again(changed + SETTLE)  # if no event comes first (its writer closing it)
                continue  # vanished, swapped or grew while it was read: the next look
            problem, data, opened, fd = outcome
            try:
                if problem is None and not _settled(opened, clock):
                    try:
                        parse(data)
                    except Malformed:
                        self._look_again(changed + SETTLE)
                        continue  # young, and not a whole message yet: a writer that opens the file again to append
                self._claim_one(path, name, problem, data, opened, fd, taken, refused)
            except OSError as exc:  # the queue cannot be written (a full disk): the file stays where it is, nothing lost
                self.intake_error = exc
                break
            finally:
                if fd != _NO_FD:
                    os.close(fd)
        if taken or refused:  # the claims on the disk before anything is sent (once per pass, not per file)
            self.flush("queue", "failed", "outgoing")
        return taken, refused

    def _look_again(self, when: float) -> None:
        self.next_look = when if self.next_look is None else min(self.next_look, when)

    def _checked(self, path: Path, outcome: tuple[Malformed | None, bytes, os.stat_result, int], now: float
                 ) -> tuple[Malformed | None, bytes, os.stat_result, int] | None:
        """smsd's checkhandler, as smsd runs it (`HANDLER FILE`, before the file is taken): 0 send,
        2 it changed the file (read again, on a new descriptor), anything else refused with what it
        printed as the reason."""
        from sms_tui.event_command import run_handler  # noqa: PLC0415 — only with a checkhandler

        code, said = run_handler([str(self.checkhandler), str(path)], "[outbox] checkhandler")
        if code == 0:
            return outcome
        if outcome[3] != _NO_FD:
            os.close(outcome[3])
        if code == 2:
            try:
                return self._take(path, os.lstat(path), now + SETTLE)  # the handler is done with it
            except OSError:
                return None
        return Malformed("outbox.checkhandler", code=code, reason=said or "—"), outcome[1], outcome[2], _NO_FD

    def _claim_one(self, path: Path, name: str, problem: Malformed | None, data: bytes, opened: os.stat_result, fd: int,
                   taken: list[str], refused: list[Refused]) -> None:
        message_id = name if ID.fullmatch(name) else self._id_for(name, opened)
        draft = None
        if problem is None:
            try:
                draft = parse(data)
            except Malformed as exc:
                problem = exc
        canonical = render(draft) if draft is not None else b""
        if self.known(message_id):
            if self._left_over(message_id, canonical, name):
                self._unlink_if(path, opened)  # taken already, the original's removal lost: never twice
                return
            message_id = self._id_for(name, opened, fresh=True)  # a new message under a name the queue knows
        if problem is not None or draft is None:
            self._refuse(path, message_id, problem or Malformed("outbox.not_a_file"), data, opened, refused)
            return
        if record_name(name, message_id) == name:  # its record keeps its name: a program polls sent/NAME
            draft = Draft(draft.to, draft.sender, draft.text, {**draft.headers, "Original_name": name}, draft.options)
            canonical = render(draft)
        queued = f"{self.root}/queue/{message_id}.sms"
        if canonical == data and opened.st_uid == os.geteuid():  # our own file, as `send --queue` writes it: moved
            os.rename(path, queued)
            moved = os.lstat(queued)
            if (moved.st_ino, moved.st_dev) == (opened.st_ino, opened.st_dev):
                self._own(fd, opened)
                taken.append(message_id)
                return
            os.unlink(queued)  # something else took the name between the read and the move: not ours to keep
        # Another user's file (which its writer may still hold open) is never moved: what was read and
        # checked is what is written, by the relay, where only the relay writes.
        atomic_write(Path(queued), canonical, mode=0o640, owner=self.owner, sync=False)
        self._unlink_if(path, opened)
        taken.append(message_id)

    def _left_over(self, message_id: str, canonical: bytes, name: str) -> bool:
        """A file whose claim copied it into queue/ and then died before removing it: the copy there
        is what this file makes. Anything else under a known id is a new message (a record dropped
        again by hand, a name reused)."""
        if not ID.fullmatch(name):
            return True  # a made-up id is the file itself (name, inode, size, time): the same file
        try:
            return bool(canonical) and _read_nofollow(f"{self.root}/queue/{message_id}.sms") == canonical
        except OSError:
            return False

    @staticmethod
    def _unlink_if(path: Path, opened: os.stat_result) -> None:
        """The name removed only while it is still the file that was read (a swap is the next look's)."""
        with contextlib.suppress(FileNotFoundError):
            now = os.lstat(path)
            if (now.st_ino, now.st_dev) == (opened.st_ino, opened.st_dev):
                os.unlink(path)

    def _own(self, fd: int, info: os.stat_result) -> None:
        """A claimed file of the relay's own: its group the shop's (to read in `queue`), 0640 —
        on the descriptor, never by a path someone could point elsewhere."""
        owner = self.owner or (os.geteuid(), self.group if self.group is not None else os.getegid())
        if (info.st_uid, info.st_gid) != owner and (self.owner is not None or os.geteuid() == 0):
            os.fchown(fd, *owner)
        if stat.S_IMODE(info.st_mode) != 0o640:
            os.fchmod(fd, 0o640)

    def flush(self, *names: str) -> None:
        if not names and self._follow_fd is not None:  # the end of a pass: its follow log is complete
            os.close(self._follow_fd)
            self._follow_fd = None
        for name in names or FOLDERS:
            sync_folder(self.folder(name))

    def arrivals(self) -> list[tuple[str, os.stat_result]]:
        """What waits in outgoing/ for the relay to take it, oldest first (what `queue` lists)."""
        found = []
        for name in self._arrivals(self.folder("outgoing")):
            with contextlib.suppress(OSError):
                found.append((name, os.lstat(self.folder("outgoing") / name)))
        return found

    @staticmethod
    def _arrivals(outgoing: Path) -> list[str]:
        """The files a program finished, as smsd takes them, oldest first: not a dot name (the
        documented way to write one), not `NAME.LOCK` nor a file beside one, not `LOCKED…` — all
        still being written. Names only: a backlog of 10,000 costs a list of names."""
        found: list[tuple[int, str]] = []
        locks: set[str] = set()
        with os.scandir(outgoing) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".LOCK"):
                    locks.add(name[:-5])
                    continue
                if name.startswith((".", "LOCKED")):
                    continue
                try:
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, name))
                except OSError:  # gone since the listing
                    continue
        found.sort()
        return [name for _, name in found if name not in locks]

    @staticmethod
    def _id_for(name: str, info: os.stat_result, *, fresh: bool = False) -> str:
        """From the file's name, inode, size and time: the same file, the same id (and idx)."""
        import hashlib  # noqa: PLC0415 — only for files a program named itself

        when = datetime.fromtimestamp(info.st_mtime_ns / 1e9, UTC)
        salt = f"\x1f{secrets.token_hex(8)}" if fresh else ""
        digest = hashlib.sha256(f"{name}\x1f{info.st_ino}\x1f{info.st_size}\x1f{info.st_mtime_ns}{salt}".encode("utf-8", "surrogateescape")).hexdigest()
        return f"{when:%Y%m%dT%H%M%S%f}-{digest[:6]}"

    def known(self, message_id: str) -> bool:
        root = str(self.root)
        return any(os.path.lexists(f"{root}/{folder}/{message_id}.sms") for folder in ("queue", "sent", "failed"))

    def _take(self, path: Path, info: os.stat_result, now: float) -> tuple[Malformed | None, bytes, os.stat_result, int] | None:
        """The file opened once and read on that descriptor: its bytes, or why it is not a file a
        program of the shop wrote (outside the group, several links, too large, unreadable) —
        or None when it is not the file listed any more, is still open for writing (or, where that
        cannot be asked, changed within SETTLE seconds), or changed while it was read."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except PermissionError:
            return Malformed("outbox.unreadable", mode=f"{stat.S_IMODE(info.st_mode):04o}"), b"", info, _NO_FD
        except OSError:  # vanished, or swapped for a link (ELOOP), a FIFO…: the next look sees what it is
            return None
        keep = False
        try:
            opened = os.fstat(fd)
            if (opened.st_ino, opened.st_dev) != (info.st_ino, info.st_dev) or not stat.S_ISREG(opened.st_mode) or opened.st_nlink == 0:
                return None  # swapped or removed between the look and the open
            keep = True
            if opened.st_nlink > 1:
                return Malformed("outbox.linked"), b"", opened, fd
            if opened.st_uid != os.geteuid() and self.group is not None and opened.st_gid != self.group:
                return Malformed("outbox.foreign", uid=opened.st_uid, gid=opened.st_gid, group=_group_name(opened.st_gid),
                                 want=_group_name(self.group)), b"", opened, fd
            if opened.st_size > MAX_BYTES:
                return Malformed("outbox.too_large", size=opened.st_size, limit=MAX_BYTES), b"", opened, fd
            writing = _being_written(fd)
            if writing or (writing is None and not _settled(opened, now)):
                keep = False
                return None  # its writer is not done: the next look
            data = os.read(fd, MAX_BYTES + 1)
            after = os.fstat(fd)
            if (after.st_size, after.st_mtime_ns) != (opened.st_size, opened.st_mtime_ns) or len(data) != opened.st_size:
                keep = False
                return None  # written to while it was read: the next look, once it is still
            return None, data, opened, fd
        finally:
            if not keep:
                os.close(fd)

    def _refuse(self, path: Path, message_id: str, problem: Malformed, data: bytes, info: os.stat_result, refused: list[Refused]) -> None:
        """Set aside in failed/ with the reason, as smsd does: the file's own header lines first (so
        `formail -zx To:` and a program reading the record find them), then the relay's, the text."""
        shown = rules.escape_name(path.name)
        ours = f"Original_name: {shown}\nFailed: {self.stamp()}\nFail_reason: {problem.describe()}\n".encode()
        head, blank, body = data.replace(b"\r\n", b"\n").partition(b"\n\n") if data and b"\x00" not in data else (b"", b"", b"")
        if blank and head and all(headers_of(line + b"\n\n") for line in head.split(b"\n")):
            kept = b"\n".join(line for line in head.split(b"\n") if line.split(b":")[0].strip().lower().decode("ascii", "replace")
                              not in RELAY_HEADERS)
            record = (kept + b"\n" if kept else b"") + ours + b"\n" + body
        else:  # not headers at all: the relay's, then whatever the file held (never a NUL-filled binary)
            record = ours + (b"\n" + data if data and b"\x00" not in data else b"")
        target = self._record_path("failed", record_name(path.name, message_id), message_id)
        atomic_write(target, record, mode=0o640, owner=self.owner)
        if stat.S_ISDIR(info.st_mode):
            with contextlib.suppress(FileNotFoundError):
                os.rename(path, self.folder("failed") / f"{message_id}.dir")  # kept for a look, never read
        else:
            self._unlink_if(path, info)
        refused.append(Refused(message_id, shown, keyed(problem.key, **problem.params), str(target)))

    # -- what waits ----------------------------------------------------------------------------

    def ids(self) -> Iterator[str]:
        """The queue in order of arrival; names only, so a backlog of 10,000 costs a list of names."""
        names = sorted(n[:-4] for n in os.listdir(self.folder("queue")) if n.endswith(".sms"))
        yield from names

    def entry(self, message_id: str, state: State | None = None) -> Entry | None:
        """A queued message, or None when it is gone; `state` when the caller read it already. A
        message leaves the queue in one rename (to sent/ or failed/), so it is never in two places."""
        root = str(self.root)
        try:
            data = _read_nofollow(f"{root}/queue/{message_id}.sms")
        except OSError:  # gone (dropped, sent by another hand) or not a file of the relay's
            return None
        try:
            draft = parse(data, claimed=True)  # checked and normalised when it was claimed
        except Malformed as exc:
            self.fail_draft(message_id, data, exc.describe())
            return None
        return Entry(message_id, draft, state or self.state(message_id))

    def state(self, message_id: str) -> State:
        try:
            return State(**json.loads(_read_nofollow(f"{self.root}/queue/{message_id}.json")))
        except (OSError, ValueError, TypeError):  # never tried yet (a state is written at the first failure)
            return State()

    def save_state(self, message_id: str, state: State, *, sync: bool = False) -> None:
        atomic_write(self.folder("queue") / f"{message_id}.json", json.dumps(asdict(state)).encode(), mode=0o640, owner=self.owner, sync=sync)

    def _create(self, path: str) -> int:
        """An append-only log of the relay's own (0600), the outbox owner's whoever opens it."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        if self.owner is not None and (os.fstat(fd).st_uid, os.fstat(fd).st_gid) != self.owner:
            with contextlib.suppress(PermissionError):  # not root: it is ours already
                os.fchown(fd, *self.owner)
        return fd

    # -- a send in flight ----------------------------------------------------------------------

    @contextlib.contextmanager
    def sending(self, message_id: str) -> Iterator[bool]:
        """The message's file locked while its request is out: `queue drop` cannot remove it then
        (and says so), and a message dropped before the lock was had is not sent. True when it may go."""
        try:
            fd = os.open(f"{self.root}/queue/{message_id}.sms", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            yield False
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a technician is dropping it right now
                yield False
                return
            yield os.fstat(fd).st_nlink > 0  # not removed between the open and the lock
        finally:
            os.close(fd)

    def attempting(self, ids: list[str], when: float) -> None:
        """On the disk before their requests go out: attempts of these messages may reach SMSAPI.
        A relay killed before it learnt the outcome finds this at its next start (`recover`), so
        no message is sent blindly once SMSAPI has forgotten its idx. Raises OSError (a full
        disk): then none of them is sent."""
        if self._attempts_fd is None:
            self._attempts_fd = self._create(f"{self.root}/queue/attempts.log")
        lines = "".join(f"{message_id} {when:.3f}\n" for message_id in ids).encode()
        if os.write(self._attempts_fd, lines) != len(lines):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fdatasync(self._attempts_fd)

    def recover(self) -> list[str]:
        """At the start: the attempts a killed relay left without an outcome become "uncertain since
        then" in their messages' state; the log is emptied once that is on the disk."""
        path = f"{self.root}/queue/attempts.log"
        try:
            lines = _read_nofollow(path).decode("ascii", "replace").split("\n")
        except OSError:
            return []
        first: dict[str, float] = {}
        for line in lines:
            message_id, _, logged = line.partition(" ")
            with contextlib.suppress(ValueError):
                first.setdefault(message_id, float(logged))
        marked = []
        for message_id, when in first.items():
            if not ID.fullmatch(message_id) or not os.path.lexists(f"{self.root}/queue/{message_id}.sms"):
                continue  # recorded since (sent/, failed/) or dropped
            state = self.state(message_id)
            if state.uncertain_since is None:
                state.uncertain_since = when
                self.save_state(message_id, state, sync=True)
                marked.append(message_id)
        self.attempts_done()
        return marked

    def attempts_done(self) -> None:
        """Every attempt of the pass has its outcome on the disk (a record, or a state)."""
        with contextlib.suppress(FileNotFoundError):
            if self._attempts_fd is not None:
                os.ftruncate(self._attempts_fd, 0)
                os.fdatasync(self._attempts_fd)
            else:
                os.truncate(f"{self.root}/queue/attempts.log", 0)

    # -- done ----------------------------------------------------------------------------------

    def record_of(self, entry: Entry) -> str:
        return record_name(entry.draft.headers.get("Original_name", ""), entry.id)

    def _record_path(self, folder: str, name: str, message_id: str) -> Path:
        """Where a record goes: its name, or with the id after it when another record has that name."""
        path = self.folder(folder) / name
        return path if not os.path.lexists(path) or name == f"{message_id}.sms" else self.folder(folder) / f"{name}.{message_id}"

    def _move_out(self, entry: Entry, folder: str, payload: bytes) -> str:
        """The queued file renamed into `folder` under its record's name (one rename: never in two
        places, never half a file) and its content written in place — the file the program dropped
        was synced, and replacing it would free its blocks, the costliest step of a send on a disk
        mounted with `discard`. A file removed under the relay is written whole. The record's name."""
        target = self._record_path(folder, self.record_of(entry), entry.id)
        try:
            os.rename(f"{self.root}/queue/{entry.id}.sms", target)
        except FileNotFoundError:
            atomic_write(target, payload, mode=0o640, owner=self.owner, sync=False)
        else:
            fd = os.open(target, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                os.pwrite(fd, payload, 0)
                os.ftruncate(fd, len(payload))  # the queued file was render(draft): nothing of it left over
            finally:
                os.close(fd)
        with contextlib.suppress(FileNotFoundError):  # its state, a never-tried message's that `queue retry` wrote too
            os.unlink(f"{self.root}/queue/{entry.id}.json")
        return target.name

    def mark_sent(self, entry: Entry, extra: dict[str, str], follow_id: str | None) -> str:
        """Moved to sent/ with what SMSAPI said (Sent:, Message_id:, Points:) written into the record
        at once. The same headers go into this pass's follow log, so a crash that cuts the record's
        update short is mended when the delivery is read (Status: is added then). A crash anywhere
        here costs at most a record, never a second SMS. The record's name."""
        record = self._move_out(entry, "sent", render(entry.draft, extra))
        line = json.dumps({"id": entry.id, "record": record, "message_id": follow_id or "", "headers": extra}, ensure_ascii=False)
        if self._follow_fd is None:
            self._follow_fd = self._create(f"{self.root}/follow/{new_id()}.log")
        os.write(self._follow_fd, (line + "\n").encode())
        return record

    def mark_failed(self, entry: Entry, reason: str, code: int | None = None) -> str:
        extra = {"Failed": self.stamp(), "Fail_reason": reason, **({"Error_code": str(code)} if code is not None else {})}
        return self._move_out(entry, "failed", render(entry.draft, extra))

    def fail_draft(self, message_id: str, data: bytes, reason: str) -> None:
        head = f"Failed: {self.stamp()}\nFail_reason: {reason}\n".encode()
        atomic_write(self._record_path("failed", f"{message_id}.sms", message_id), head + b"\n" + data, mode=0o640, owner=self.owner)
        self._forget(message_id)

    def _forget(self, message_id: str) -> None:
        """The queue's copy and its state gone."""
        for suffix in (".sms", ".json"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.root}/queue/{message_id}{suffix}")

    def drop_entry(self, message_id: str, *, wait: float = 30.0) -> Dropped:
        """`queue drop ID`: removed from the queue — never while its request is out (the relay holds
        its lock then: this waits up to `wait` seconds for the outcome), and "not sent" only when no
        attempt of it may have reached SMSAPI. A file not taken from outgoing/ yet is dropped by its name."""
        queued = f"{self.root}/queue/{message_id}.sms"
        try:
            fd = os.open(queued, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return self._drop_arrival(message_id)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return Dropped.IN_FLIGHT
                    time.sleep(0.05)  # the relay's send ends with its answer or its timeout
            opened, now = os.fstat(fd), _lstat(queued)
            if now is None or (now.st_ino, now.st_dev) != (opened.st_ino, opened.st_dev):
                record = headers_of(os.pread(fd, MAX_BYTES * 2, 0))  # the same file, now a record: what it says
                return Dropped.SENT if "Sent" in record else Dropped.DONE
            state = self.state(message_id)
            self._forget(message_id)
        finally:
            os.close(fd)
        self.touched()
        return Dropped.MAYBE_SENT if state.uncertain_since is not None else Dropped.NOT_SENT

    def _drop_arrival(self, name: str) -> Dropped:
        if "/" in name or name in ("", ".", ".."):
            return Dropped.UNKNOWN
        try:
            os.unlink(self.folder("outgoing") / name)  # a name in the drop folder: unlink never follows it
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            return Dropped.UNKNOWN
        return Dropped.NOT_SENT

    def resend(self, ids: list[str]) -> list[str]:
        """`queue resend ID…`: a message held for a human (an attempt's outcome unknown for longer
        than SMSAPI remembers its idx) sent after all — the human looked at the panel."""
        made = []
        for message_id in ids:
            if not os.path.lexists(f"{self.root}/queue/{message_id}.sms"):
                continue
            state = self.state(message_id)
            state.check, state.uncertain_since, state.next_try, state.held = False, None, 0.0, False
            self.save_state(message_id, state, sync=True)
            made.append(message_id)
        if made:
            self.touched()
        return made

    def retry_now(self, ids: list[str] | None = None) -> list[str]:
        """`queue retry [ID…]`: those (all without ids) due now; without ids the account's hold
        ends too, so the next pass tries the account at once (the owner, told already, is not
        told again if it still refuses)."""
        made: list[str] = []
        for message_id in ids or list(self.ids()):
            entry = self.entry(message_id)
            if entry is None:
                continue
            if entry.state.check:
                continue  # only `queue resend`, after a look at the panel
            entry.state.next_try = 0.0
            self.save_state(message_id, entry.state)
            made.append(message_id)
        if not ids and (hold := self.hold()).reason:
            hold.until = 0.0
            self.save_hold(hold)
        if made:
            self.touched()
        return made

    # -- what a running relay must look at again -----------------------------------------------

    def generation(self) -> str:
        """Changed by every hand laid on the queue from outside the relay (`queue retry`, `queue
        drop`): while it is the same, what the relay last read of the waiting messages holds."""
        try:
            return _read_nofollow(f"{self.root}/queue.generation").decode("ascii", "replace")
        except OSError:
            return ""

    def touched(self) -> None:
        atomic_write(self.root / "queue.generation", secrets.token_hex(8).encode(), mode=0o640, owner=self.owner, sync=False)

    # -- the account's hold --------------------------------------------------------------------

    def hold(self) -> Hold:
        try:
            return Hold(**json.loads(_read_nofollow(f"{self.root}/hold.json")))
        except (OSError, ValueError, TypeError):
            return Hold()

    def save_hold(self, hold: Hold) -> None:
        atomic_write(self.root / "hold.json", json.dumps(asdict(hold)).encode(), mode=0o640, owner=self.owner)

    def owner_told(self) -> None:
        """The owner heard of the hold (or there is nobody who could): not again while it lasts."""
        hold = self.hold()
        if hold.reason and not hold.told:
            hold.told = True
            self.save_hold(hold)

    def clear_hold(self) -> None:
        (self.root / "hold.json").unlink(missing_ok=True)

    # -- following the sent ones to the phone --------------------------------------------------

    def following(self, limit: int) -> list[Followed]:
        """Up to `limit` sent messages whose record is not complete yet, the oldest first."""
        found: list[Followed] = []
        for log in sorted(n for n in os.listdir(self.folder("follow")) if n.endswith(".log")):
            try:
                fd = os.open(f"{self.root}/follow/{log}", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError:
                continue
            with open(fd, encoding="utf-8", errors="replace") as lines:  # a line at a time: a pass reads `limit`, not the log
                for line in lines:
                    try:
                        item = json.loads(line)
                        found.append(Followed(str(item["id"]), str(item["message_id"]), log, dict(item.get("headers") or {}),
                                              str(item.get("record") or f"{item['id']}.sms")))
                    except (ValueError, KeyError, TypeError):
                        continue  # a line a crash cut short: that record keeps the headers it has
                    if len(found) >= limit:
                        return found
        return found

    def record_status(self, followed: list[tuple[Followed, dict[str, str]]]) -> None:
        """Completed records: the final status into sent/ (with the send's headers again, for a
        record whose update a crash cut short), and those messages out of the follow logs."""
        done_by_log: dict[str, set[str]] = {}
        for item, extra in followed:
            path = self.folder("sent") / item.record
            try:
                draft = parse(_read_nofollow(str(path)), claimed=True)
                atomic_write(path, render(draft, {**item.headers, **extra}), mode=0o640, owner=self.owner, sync=False)
            except (OSError, Malformed):
                pass  # the record is gone or unreadable: nothing more to follow
            done_by_log.setdefault(item.log, set()).add(item.local_id)
        for log, done in done_by_log.items():
            path = self.folder("follow") / log
            try:
                lines = _read_all(str(path)).decode("utf-8", "replace").split("\n")
            except OSError:
                continue
            kept = [line for line in lines if line.strip() and _line_id(line) not in done]
            if kept:
                atomic_write(path, ("\n".join(kept) + "\n").encode(), mode=0o600, owner=self.owner, sync=False)
            else:
                path.unlink(missing_ok=True)


def _line_id(line: str) -> str | None:
    try:
        return str(json.loads(line)["id"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Followed:
    local_id: str
    message_id: str  # "" when SMSAPI gave none (an "already accepted" answer): nothing to read
    log: str  # the follow log that names it; its name is the time of the pass that sent it
    headers: dict[str, str] = field(default_factory=dict)  # the send's Sent:, Message_id:…, for a record whose update a crash cut short
    record: str = ""  # its file in sent/

    @property
    def sent_at(self) -> float:
        return arrival(self.log).timestamp()

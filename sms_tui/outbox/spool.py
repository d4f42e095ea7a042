"""The outbox's folders and the moves between them. Every move is one rename or one atomic write
followed by removing the old copy, in an order that a crash anywhere cannot turn into a second
send: a message is in outgoing/ (nobody has it), or in queue/ under its id (the relay has it, and
its idx is fixed by that id), or in sent/ or failed/ (done; a copy left in queue/ is dropped)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sms_tui.compat import UTC
from sms_tui.outbox.message import MAX_BYTES, Draft, Malformed, compose, parse, render
from sms_tui.settings.files import atomic_write, sync_folder

FOLDERS = ("outgoing", "queue", "sent", "failed", "follow")
ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{6}")


def new_id(now: datetime | None = None) -> str:
    """Sortable by arrival to the microsecond (the relay sends in this order), unique without a
    counter to keep: 20261207T101500123456-a1b2c3."""
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds").replace("+00:00", "Z")


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
    last_reason: str | None = None
    held: bool = False  # waiting for the account (points, credentials), not for the link


@dataclass
class Hold:
    """The account refused (points, credentials): nothing is sent until `until`; `told` once the
    owner heard of it (again only after it was released and came back)."""

    reason: str = ""
    code: int | None = None
    until: float = 0.0
    told: bool = False


@dataclass
class Entry:
    id: str
    draft: Draft
    state: State


@dataclass(frozen=True)
class Refused:
    """A dropped file that can never be sent, and why (already moved to failed/)."""

    id: str
    name: str
    reason: str


class Spool:
    def __init__(self, root: Path, *, group: int | None = None) -> None:
        self.root = root
        self.group = group  # the gid whose members may drop files (the folder's setgid group)
        # What the relay writes the shop's group may read (`queue` as the shop's user); nobody else.
        self.owner = (os.geteuid(), group) if group is not None else None
        self._follow_fd: int | None = None

    def folder(self, name: str) -> Path:
        return self.root / name

    def prepare(self) -> None:
        """The folders, each with the mode the README promises: the drop folder setgid and
        writable by the shop's group, the rest readable by it; without a group, the user's own."""
        shared = self.group is not None
        self.root.mkdir(mode=0o750 if shared else 0o700, parents=True, exist_ok=True)
        for name in FOLDERS:
            self.folder(name).mkdir(exist_ok=True)
        for path, mode in ((self.root, 0o750), (self.folder("outgoing"), 0o2770), (self.folder("queue"), 0o750),
                           (self.folder("sent"), 0o750), (self.folder("failed"), 0o750), (self.folder("follow"), 0o700)):
            if shared:
                os.chown(path, -1, self.group)  # type: ignore[arg-type]  # checked above
                os.chmod(path, mode)
            else:
                os.chmod(path, 0o700)

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
                os.fsync(handle.fileno())
            os.rename(tmp, self.folder("outgoing") / message_id)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return message_id

    # -- the relay takes what was dropped ------------------------------------------------------

    def claim(self) -> tuple[list[str], list[Refused]]:
        """Every complete file in outgoing/ checked and taken: written into queue/ as it will be
        sent (the number normalised, where no program can change it) and then removed — or, when
        it can never be sent, set aside in failed/ with the reason. Its id is its name when
        `send --queue` named it, else made from what the file is, so a file whose claim a crash
        cut short (or a power cut undid) gets the same id again and is recognised as taken."""
        taken: list[str] = []
        refused: list[Refused] = []
        outgoing = self.folder("outgoing")
        for name in self._arrivals(outgoing):
            path = outgoing / name
            message_id = name if ID.fullmatch(name) else self._id_for(path)
            if self.known(message_id):  # taken already, the original's removal lost: never twice
                path.unlink(missing_ok=True)
                continue
            problem, data, info = self._take(path)
            draft = None
            if problem is None:
                try:
                    draft = parse(data)
                except Malformed as exc:
                    problem = exc
            if problem is not None or draft is None:
                self._refuse(path, message_id, problem or Malformed("outbox.not_a_file"), data)
                refused.append(Refused(message_id, name, (problem or Malformed("outbox.not_a_file")).describe()))
                continue
            queued = f"{self.root}/queue/{message_id}.sms"
            if (canonical := render(draft)) == data:  # as `send --queue` writes it: moved, not copied
                os.rename(path, queued)
                self._own(queued, info)
            else:
                atomic_write(Path(queued), canonical, mode=0o640, owner=self.owner, sync=False)
                path.unlink()
            taken.append(message_id)
        if taken or refused:  # the claims on the disk before anything is sent (once per pass, not per file)
            self.flush("queue", "failed", "outgoing")
        return taken, refused

    def _own(self, path: str, info: os.stat_result) -> None:
        """A claimed file is the relay's: the program that wrote it no longer changes what is sent."""
        owner = (os.geteuid(), self.group if self.group is not None else os.getegid())
        if (info.st_uid, info.st_gid) != owner and (self.owner is not None or os.geteuid() == 0):
            os.chown(path, *owner)
        if stat.S_IMODE(info.st_mode) != 0o640:
            os.chmod(path, 0o640)

    def flush(self, *names: str) -> None:
        if not names and self._follow_fd is not None:  # the end of a pass: its follow log is complete
            os.close(self._follow_fd)
            self._follow_fd = None
        for name in names or FOLDERS:
            sync_folder(self.folder(name))

    def _arrivals(self, outgoing: Path) -> list[str]:
        found = []
        with os.scandir(outgoing) as entries:
            for entry in entries:
                if entry.name.startswith("."):  # still being written (the documented way to drop)
                    continue
                try:
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
                except FileNotFoundError:
                    continue
        return [name for _, name in sorted(found)]

    def _id_for(self, path: Path) -> str:
        """From the file's name, inode, size and time: the same file, the same id (and idx)."""
        import hashlib  # noqa: PLC0415 — only for files a program named itself

        info = os.lstat(path)
        when = datetime.fromtimestamp(info.st_mtime_ns / 1e9, UTC)
        digest = hashlib.sha256(f"{path.name}\x1f{info.st_ino}\x1f{info.st_size}\x1f{info.st_mtime_ns}".encode()).hexdigest()
        return f"{when:%Y%m%dT%H%M%S%f}-{digest[:6]}"

    def known(self, message_id: str) -> bool:
        root = str(self.root)
        return any(os.path.exists(f"{root}/{folder}/{message_id}.sms") for folder in ("queue", "sent", "failed"))

    def _take(self, path: Path) -> tuple[Malformed | None, bytes, os.stat_result]:
        """The file's bytes, or why it is not a file a program of the shop wrote: a link (which
        could lead anywhere), not a regular file, someone outside the group, too large."""
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return Malformed("outbox.symlink"), b"", info
        if not stat.S_ISREG(info.st_mode):
            return Malformed("outbox.not_a_file"), b"", info
        if info.st_nlink > 1:
            return Malformed("outbox.linked"), b"", info
        if info.st_uid != os.geteuid() and self.group is not None and info.st_gid != self.group:
            return Malformed("outbox.foreign", uid=info.st_uid, gid=info.st_gid), b"", info
        if info.st_size > MAX_BYTES:
            return Malformed("outbox.too_large", size=info.st_size, limit=MAX_BYTES), b"", info
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            opened = os.fstat(fd)
            if (opened.st_ino, opened.st_dev) != (info.st_ino, info.st_dev):
                return Malformed("outbox.not_a_file"), b"", info  # swapped between the look and the open
            return None, os.read(fd, MAX_BYTES + 1), info
        finally:
            os.close(fd)

    def _refuse(self, path: Path, message_id: str, problem: Malformed, data: bytes) -> None:
        head = f"Original_name: {path.name}\nFailed: {stamp()}\nFail_reason: {problem.describe()}\n"
        body = data if data and b"\x00" not in data else b""
        atomic_write(self.folder("failed") / f"{message_id}.sms", head.encode() + (b"\n" + body if body else b""), mode=0o640, owner=self.owner)
        if stat.S_ISDIR(os.lstat(path).st_mode):
            os.rename(path, self.folder("failed") / f"{message_id}.dir")  # kept for a look, never read
        else:
            os.unlink(path)

    # -- what waits ----------------------------------------------------------------------------

    def ids(self) -> Iterator[str]:
        """The queue in order of arrival; names only, so a backlog of 10,000 costs a list of names."""
        names = sorted(n[:-4] for n in os.listdir(self.folder("queue")) if n.endswith(".sms"))
        yield from names

    def entry(self, message_id: str, state: State | None = None) -> Entry | None:
        """A queued message, or None when it is already done (a copy a crash left behind is dropped);
        `state` when the caller read it already."""
        root = str(self.root)
        if os.path.exists(f"{root}/sent/{message_id}.sms") or os.path.exists(f"{root}/failed/{message_id}.sms"):
            self._forget(message_id)
            return None
        try:
            with open(f"{root}/queue/{message_id}.sms", "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return None
        try:
            draft = parse(data, claimed=True)  # checked and normalised when it was claimed
        except Malformed as exc:
            self.fail_draft(message_id, data, exc.describe())
            return None
        return Entry(message_id, draft, state or self.state(message_id))

    def state(self, message_id: str) -> State:
        try:
            with open(f"{self.root}/queue/{message_id}.json", encoding="utf-8") as file:
                return State(**json.load(file))
        except (OSError, ValueError, TypeError):  # never tried yet (a state is written at the first failure)
            return State()

    def save_state(self, message_id: str, state: State) -> None:
        atomic_write(self.folder("queue") / f"{message_id}.json", json.dumps(asdict(state)).encode(), mode=0o640, owner=self.owner, sync=False)

    # -- done ----------------------------------------------------------------------------------

    def mark_sent(self, entry: Entry, extra: dict[str, str], follow_id: str | None) -> None:
        """Moved to sent/ (one rename: never in two places, never half a file), and what SMSAPI
        said (Sent:, Message_id:, Points:) written into that record at once — in place: the file
        the program dropped was synced, and replacing it would free its blocks, the costliest step
        of a send on a disk mounted with `discard`. The same headers go into this pass's follow
        log, so a crash that cuts the record's update short is mended when the delivery is read
        (Status: is added then). A crash anywhere here costs at most a record, never a second SMS."""
        sent = f"{self.root}/sent/{entry.id}.sms"
        os.rename(f"{self.root}/queue/{entry.id}.sms", sent)
        payload = render(entry.draft, extra)
        fd = os.open(sent, os.O_WRONLY | os.O_NOFOLLOW)
        try:
            os.pwrite(fd, payload, 0)
            os.ftruncate(fd, len(payload))  # the queued file was render(draft): shorter, nothing of it left over
        finally:
            os.close(fd)
        line = json.dumps({"id": entry.id, "message_id": follow_id or "", "headers": extra}, ensure_ascii=False)
        if self._follow_fd is None:
            self._follow_fd = os.open(f"{self.root}/follow/{new_id()}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.write(self._follow_fd, (line + "\n").encode())
        if entry.state.attempts > 0 or entry.state.held:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.root}/queue/{entry.id}.json")

    def mark_failed(self, entry: Entry, reason: str, code: int | None = None) -> None:
        extra = {"Failed": stamp(), "Fail_reason": reason, **({"Error_code": str(code)} if code is not None else {})}
        atomic_write(self.folder("failed") / f"{entry.id}.sms", render(entry.draft, extra), mode=0o640, owner=self.owner, sync=False)
        self._forget(entry.id, tried=entry.state.attempts > 0 or entry.state.held)

    def fail_draft(self, message_id: str, data: bytes, reason: str) -> None:
        head = f"Failed: {stamp()}\nFail_reason: {reason}\n".encode()
        atomic_write(self.folder("failed") / f"{message_id}.sms", head + b"\n" + data, mode=0o640, owner=self.owner)
        self._forget(message_id)

    def _forget(self, message_id: str, *, tried: bool = True) -> None:
        """The queue's copy and (when it was ever tried) its state gone."""
        for suffix in (".sms", ".json") if tried else (".sms",):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.root}/queue/{message_id}{suffix}")

    def drop_entry(self, message_id: str) -> bool:
        """`queue drop ID`: gone without a trace of a send (it never went, or will not)."""
        existed = (self.folder("queue") / f"{message_id}.sms").exists()
        self._forget(message_id)
        if existed:
            self.touched()
        return existed

    def retry_now(self, ids: list[str] | None = None) -> list[str]:
        """`queue retry [ID…]`: those (all without ids) due now; without ids the account's hold
        ends too, so the next pass tries the account at once (the owner, told already, is not
        told again if it still refuses)."""
        made: list[str] = []
        for message_id in ids or list(self.ids()):
            entry = self.entry(message_id)
            if entry is None:
                continue
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
            return (self.root / "queue.generation").read_text(encoding="ascii")
        except OSError:
            return ""

    def touched(self) -> None:
        atomic_write(self.root / "queue.generation", secrets.token_hex(8).encode(), mode=0o640, owner=self.owner, sync=False)

    # -- the account's hold --------------------------------------------------------------------

    def hold(self) -> Hold:
        try:
            return Hold(**json.loads((self.root / "hold.json").read_text(encoding="utf-8")))
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
                with open(f"{self.root}/follow/{log}", encoding="utf-8") as file:
                    lines = file.read().split("\n")
            except OSError:
                continue
            for line in lines:
                try:
                    item = json.loads(line)
                    found.append(Followed(str(item["id"]), str(item["message_id"]), log, dict(item.get("headers") or {})))
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
            path = self.folder("sent") / f"{item.local_id}.sms"
            try:
                draft = parse(path.read_bytes(), claimed=True)
                atomic_write(path, render(draft, {**item.headers, **extra}), mode=0o640, owner=self.owner, sync=False)
            except (OSError, Malformed):
                pass  # the record is gone or unreadable: nothing more to follow
            done_by_log.setdefault(item.log, set()).add(item.local_id)
        for log, done in done_by_log.items():
            path = self.folder("follow") / log
            try:
                lines = path.read_text(encoding="utf-8").split("\n")
            except OSError:
                continue
            kept = [line for line in lines if line.strip() and _line_id(line) not in done]
            if kept:
                atomic_write(path, ("\n".join(kept) + "\n").encode(), mode=0o600, sync=False)
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

    @property
    def sent_at(self) -> float:
        return arrival(self.log).timestamp()

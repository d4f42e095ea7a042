"""The outbox's folders and the moves between them. Every move is one rename or one atomic write
followed by removing the old copy, in an order that a crash anywhere cannot turn into a second
send: a message is in outgoing/ (nobody has it), or in queue/ under its id (the relay has it, and
its idx is fixed by that id), or in sent/ or failed/ (done; a copy left in queue/ is dropped)."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sms_tui.compat import UTC
from sms_tui.outbox.message import MAX_BYTES, Draft, Malformed, compose, parse, render
from sms_tui.settings.files import atomic_write

FOLDERS = ("outgoing", "queue", "sent", "failed", "follow")
ID = re.compile(r"\d{8}T\d{12}-[0-9a-f]{6}")


def new_id(now: datetime | None = None) -> str:
    """Sortable by arrival to the microsecond (the relay sends in this order), unique without a
    counter to keep: 20261207T101500123456-a1b2c3."""
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class State:
    """A queued message's attempts: what `queue` lists and what decides its next try."""

    received: str
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
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660)
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
        """Every complete file in outgoing/ checked and moved: into queue/ (its ids, in order of
        arrival) or, when it can never be sent, into failed/ with the reason."""
        taken: list[str] = []
        refused: list[Refused] = []
        outgoing = self.folder("outgoing")
        for name in self._arrivals(outgoing):
            message_id = name if ID.fullmatch(name) and not self.known(name) else self._fresh_id()
            problem, data = self._take(outgoing / name)
            if problem is None:
                try:
                    parse(data)
                except Malformed as exc:
                    problem = exc
            if problem is not None:
                self._refuse(outgoing / name, message_id, problem, data)
                refused.append(Refused(message_id, name, problem.describe()))
                continue
            os.rename(outgoing / name, self.folder("queue") / f"{message_id}.sms")
            self.save_state(message_id, State(received=stamp()))
            taken.append(message_id)
        return taken, refused

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

    def _fresh_id(self) -> str:
        while True:
            candidate = new_id()
            if not self.known(candidate):
                return candidate

    def known(self, message_id: str) -> bool:
        return any((self.folder(f) / f"{message_id}.sms").exists() for f in ("queue", "sent", "failed"))

    def _take(self, path: Path) -> tuple[Malformed | None, bytes]:
        """The file's bytes, or why it is not a file a program of the shop wrote: a link (which
        could lead anywhere), not a regular file, someone outside the group, too large."""
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            return Malformed("outbox.symlink"), b""
        if not stat.S_ISREG(info.st_mode):
            return Malformed("outbox.not_a_file"), b""
        if info.st_nlink > 1:
            return Malformed("outbox.linked"), b""
        if info.st_uid != os.geteuid() and self.group is not None and info.st_gid != self.group:
            return Malformed("outbox.foreign", uid=info.st_uid, gid=info.st_gid), b""
        if info.st_size > MAX_BYTES:
            return Malformed("outbox.too_large", size=info.st_size, limit=MAX_BYTES), b""
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            if (os.fstat(fd).st_ino, os.fstat(fd).st_dev) != (info.st_ino, info.st_dev):
                return Malformed("outbox.not_a_file"), b""  # swapped between the look and the open
            return None, os.read(fd, MAX_BYTES + 1)
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

    def entry(self, message_id: str) -> Entry | None:
        """A queued message, or None when it is already done (a copy a crash left behind is dropped)."""
        path = self.folder("queue") / f"{message_id}.sms"
        if any((self.folder(f) / f"{message_id}.sms").exists() for f in ("sent", "failed")):
            self._forget(message_id)
            return None
        try:
            draft = parse(path.read_bytes())
        except FileNotFoundError:
            return None
        except Malformed as exc:  # changed in place after it was claimed: never sent as it is now
            self.fail_draft(message_id, path.read_bytes(), exc.describe())
            return None
        return Entry(message_id, draft, self.state(message_id))

    def state(self, message_id: str) -> State:
        try:
            data = json.loads((self.folder("queue") / f"{message_id}.json").read_text(encoding="utf-8"))
            return State(**data)
        except (OSError, ValueError, TypeError):  # a crash between the claim and its state: a fresh start
            return State(received=stamp())

    def save_state(self, message_id: str, state: State) -> None:
        atomic_write(self.folder("queue") / f"{message_id}.json", json.dumps(asdict(state)).encode(), mode=0o640, owner=self.owner)

    # -- done ----------------------------------------------------------------------------------

    def mark_sent(self, entry: Entry, extra: dict[str, str], follow_id: str | None) -> None:
        """sent/ first, then the queue's copy removed: a crash between leaves both, and the copy
        in queue/ is dropped, not sent, the next time (`entry`)."""
        atomic_write(self.folder("sent") / f"{entry.id}.sms", render(entry.draft, extra), mode=0o640, owner=self.owner)
        if follow_id:
            atomic_write(self.folder("follow") / entry.id, follow_id.encode(), mode=0o600)
        self._forget(entry.id)

    def mark_failed(self, entry: Entry, reason: str, code: int | None = None) -> None:
        extra = {"Failed": stamp(), "Fail_reason": reason, **({"Error_code": str(code)} if code is not None else {})}
        atomic_write(self.folder("failed") / f"{entry.id}.sms", render(entry.draft, extra), mode=0o640, owner=self.owner)
        self._forget(entry.id)

    def fail_draft(self, message_id: str, data: bytes, reason: str) -> None:
        head = f"Failed: {stamp()}\nFail_reason: {reason}\n".encode()
        atomic_write(self.folder("failed") / f"{message_id}.sms", head + b"\n" + data, mode=0o640, owner=self.owner)
        self._forget(message_id)

    def _forget(self, message_id: str) -> None:
        for suffix in (".sms", ".json"):
            (self.folder("queue") / f"{message_id}{suffix}").unlink(missing_ok=True)

    def drop_entry(self, message_id: str) -> bool:
        """`queue drop ID`: gone without a trace of a send (it never went, or will not)."""
        existed = (self.folder("queue") / f"{message_id}.sms").exists()
        self._forget(message_id)
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
        return made

    # -- the account's hold --------------------------------------------------------------------

    def hold(self) -> Hold:
        try:
            return Hold(**json.loads((self.root / "hold.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return Hold()

    def save_hold(self, hold: Hold) -> None:
        atomic_write(self.root / "hold.json", json.dumps(asdict(hold)).encode(), mode=0o640, owner=self.owner)

    def clear_hold(self) -> None:
        (self.root / "hold.json").unlink(missing_ok=True)

    # -- following the sent ones to the phone --------------------------------------------------

    def following(self) -> list[tuple[str, str]]:
        """(id, SMSAPI's message id) of every sent message whose delivery is not yet known."""
        found = []
        for name in sorted(os.listdir(self.folder("follow"))):
            try:
                found.append((name, (self.folder("follow") / name).read_text(encoding="utf-8").strip()))
            except OSError:
                continue
        return found

    def record_status(self, message_id: str, extra: dict[str, str], *, final: bool) -> None:
        path = self.folder("sent") / f"{message_id}.sms"
        try:
            draft = parse(path.read_bytes())
        except (OSError, Malformed):
            draft = None
        if draft is not None:
            atomic_write(path, render(draft, extra), mode=0o640, owner=self.owner)
        if final or draft is None:
            (self.folder("follow") / message_id).unlink(missing_ok=True)


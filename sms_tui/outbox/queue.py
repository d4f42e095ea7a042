"""The queue: a taken message's attempts (the attempts log synced before a request goes out) and
its move to sent/ or failed/. What stops the whole queue is in `holds` (the account's hold, the
guard's notice); what a technician does to it by hand is in `hands` (retry, resend, release, drop)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict

from sms_tui.base.files import atomic_write
from sms_tui.outbox.holds import Holds
from sms_tui.outbox.message import Malformed, parse, render
from sms_tui.outbox.rooms import (
    ID,
    Entry,
    State,
    new_id,
    read_nofollow,
    record_name,
)


class Queue(Holds):
    def ids(self) -> Iterator[str]:
        """The queue in order of arrival; names only, so a backlog of 10,000 costs a list of names."""
        names = sorted(n[:-4] for n in os.listdir(self.folder("queue")) if n.endswith(".sms"))
        yield from names

    def entry(self, message_id: str, state: State | None = None) -> Entry | None:
        """A queued message, or None when it is gone; `state` when the caller read it already. A
        message leaves the queue in one rename (to sent/ or failed/), so it is never in two places."""
        root = str(self.root)
        try:
            data = read_nofollow(f"{root}/queue/{message_id}.sms")
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
            return State(**json.loads(read_nofollow(f"{self.root}/queue/{message_id}.json")))
        except (OSError, ValueError, TypeError):  # never tried yet (a state is written at the first failure)
            return State()

    def save_state(self, message_id: str, state: State, *, sync: bool = False) -> None:
        atomic_write(self.folder("queue") / f"{message_id}.json", json.dumps(asdict(state)).encode(), mode=0o640, owner=self.owner, sync=sync)

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
            lines = read_nofollow(path).decode("ascii", "replace").split("\n")
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

    def record_of(self, entry: Entry) -> str:
        return record_name(entry.draft.headers.get("Original_name", ""), entry.id)

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

    def generation(self) -> str:
        """Changed by every hand laid on the queue from outside the relay (`queue retry`, `queue
        drop`): while it is the same, what the relay last read of the waiting messages holds."""
        try:
            return read_nofollow(f"{self.root}/queue.generation").decode("ascii", "replace")
        except OSError:
            return ""

    def touched(self) -> None:
        atomic_write(self.root / "queue.generation", secrets.token_hex(8).encode(), mode=0o640, owner=self.owner, sync=False)

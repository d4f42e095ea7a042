"""What a technician's hands do to the queue (`sms-tui queue retry|resend|release|drop`): each
changes a message's state, never sends it — the relay does, woken by `touched()`."""

from __future__ import annotations

import fcntl
import os
import time

from sms_tui.outbox.message import MAX_BYTES, headers_of
from sms_tui.outbox.queue import Queue
from sms_tui.outbox.rooms import Dropped, lstat_or_none


class Hands(Queue):
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
            opened, now = os.fstat(fd), lstat_or_none(queued)
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

    def release(self, ids: list[str] | None = None) -> list[str]:
        """`queue release [ID…]`: messages the guard held (all without ids) sent — once: each passes
        the guard's limits this one time, its idx still makes a second SMS impossible."""
        made: list[str] = []
        for message_id in ids or list(self.ids()):
            if not os.path.lexists(f"{self.root}/queue/{message_id}.sms"):
                continue
            state = self.state(message_id)
            if state.guarded is None:
                continue
            state.guarded, state.released, state.next_try = None, True, 0.0
            self.save_state(message_id, state)  # all-or-nothing each; on the disk below, once for all
            made.append(message_id)
        if made:
            self.flush("queue")  # a mark a power cut took leaves its message held: the safe side, released again
            self.touched()
        return made


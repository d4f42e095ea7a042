"""The intake: what programs drop into outgoing/ (`arrivals` lists it and checks each file on its
descriptor), taken into queue/ — or refused into failed/ with why. A file being written, swapped or
vanishing is left for the next look, never fatal."""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

from sms_tui import rules
from sms_tui.base.files import atomic_write
from sms_tui.outbox.arrivals import NO_FD, SETTLE, SHORT, STALE, Arrivals, settled
from sms_tui.outbox.message import RELAY_HEADERS, Draft, Malformed, headers_of, parse, render
from sms_tui.outbox.rooms import (
    ID,
    Refused,
    read_nofollow,
    record_name,
)
from sms_tui.smsapi_texts import keyed


class Intake(Arrivals):
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
            if not stat.S_ISREG(info.st_mode):
                kind = Malformed("outbox.symlink") if stat.S_ISLNK(info.st_mode) else Malformed("outbox.not_a_file")
                self._refuse(path, self._id_for(name, info), kind, b"", info, refused)
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
            try:
                self._claim_read(path, name, outcome, clock, taken, refused)
            except OSError as exc:  # the queue cannot be written (a full disk): the file stays where it is, nothing lost
                self.intake_error = exc
                break
        if taken or refused:  # the claims on the disk before anything is sent (once per pass, not per file)
            self.flush("queue", "failed", "outgoing")
        return taken, refused

    def _claim_read(self, path: Path, name: str, outcome: tuple[Malformed | None, bytes, os.stat_result, int], clock: float,
                    taken: list[str], refused: list[Refused]) -> None:
        """A file read on its descriptor claimed (or refused) — unless it is young and not a whole
        message yet, a writer that opens it again to append. The descriptor is closed here."""
        problem, data, opened, fd = outcome
        try:
            draft = None
            if problem is None:
                try:
                    draft = parse(data)
                except Malformed as exc:
                    if not settled(opened, clock):
                        self._look_again(max(opened.st_mtime_ns, opened.st_ctime_ns) / 1e9 + SETTLE)
                        return
                    problem = exc
            self._claim_one(path, name, problem, draft, data, opened, fd, taken, refused)
        finally:
            if fd != NO_FD:
                os.close(fd)

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
        if outcome[3] != NO_FD:
            os.close(outcome[3])
        if code == 2:
            try:
                return self._take(path, os.lstat(path), now + SETTLE)  # the handler is done with it
            except OSError:
                return None
        return Malformed("outbox.checkhandler", code=code, reason=said or "—"), outcome[1], outcome[2], NO_FD

    def _claim_one(self, path: Path, name: str, problem: Malformed | None, draft: Draft | None, data: bytes, opened: os.stat_result,
                   fd: int, taken: list[str], refused: list[Refused]) -> None:
        message_id = name if ID.fullmatch(name) else self._id_for(name, opened)
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
            return bool(canonical) and read_nofollow(f"{self.root}/queue/{message_id}.sms") == canonical
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

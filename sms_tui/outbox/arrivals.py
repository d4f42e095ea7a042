"""What lies in outgoing/ and whether a file there is ready to take — and `drop`, how `send --queue`
puts a message there as any program should: the listing (as smsd takes
files, oldest first, dot names and locks left alone), the id a dropped file gets, and the check
made on the file's own descriptor — opened once without following links, read on it, refused when
it is not a file the shop's programs wrote, left alone while it is still being written."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import stat
import time
from datetime import datetime
from pathlib import Path

from sms_tui.compat import UTC
from sms_tui.outbox.message import MAX_BYTES, Malformed, compose
from sms_tui.outbox.rooms import (
    SpoolBase,
    new_id,
)

SETTLE = 5.0  # seconds a file written in place (not renamed in) must lie still before it is read
SHORT = 8  # bytes: a shorter file is still being written (smsd's rule), until it has lain still for STALE
STALE = 600.0  # seconds after which a file that stays that short is refused as empty
NO_FD = -1  # a check that opened nothing


def settled(info: os.stat_result, now: float) -> bool:
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

def _group_name(gid: int) -> str:
    import grp  # noqa: PLC0415 — only for a refusal

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


class Arrivals(SpoolBase):
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
            return Malformed("outbox.unreadable", mode=f"{stat.S_IMODE(info.st_mode):04o}"), b"", info, NO_FD
        except OSError:  # vanished, or swapped for a link (ELOOP), a FIFO…: the next look sees what it is
            return None
        keep = False
        try:
            opened = os.fstat(fd)
            if (opened.st_ino, opened.st_dev) != (info.st_ino, info.st_dev) or not stat.S_ISREG(opened.st_mode) or opened.st_nlink == 0:
                return None  # swapped or removed between the look and the open
            keep = True
            if (refused := self._refusal(opened)) is not None:
                return refused, b"", opened, fd
            writing = _being_written(fd)
            if writing or (writing is None and not settled(opened, now)):
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

    def _refusal(self, opened: os.stat_result) -> Malformed | None:
        """Why an opened file is not one a program of the shop wrote: linked elsewhere, outside the group, too large."""
        if opened.st_nlink > 1:
            return Malformed("outbox.linked")
        if opened.st_uid != os.geteuid() and self.group is not None and opened.st_gid != self.group:
            return Malformed("outbox.foreign", uid=opened.st_uid, gid=opened.st_gid, group=_group_name(opened.st_gid),
                             want=_group_name(self.group))
        if opened.st_size > MAX_BYTES:
            return Malformed("outbox.too_large", size=opened.st_size, limit=MAX_BYTES)
        return None

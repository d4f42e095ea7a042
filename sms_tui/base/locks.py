"""One writer at a time, by flock on a `.lock` file beside what is guarded."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sms_tui.base.errors import Busy


@contextlib.contextmanager
def locked(path: Path, *, owner: tuple[int, int] | None = None, key: str = "config.locked",
           error: type[Busy] = Busy) -> Iterator[None]:
    """flock dies with its process, so a stale lock frees itself. `owner`: whose the lock file is
    (root locking a folder of another user's leaves it that user's). Held elsewhere: `error(key)`
    (a `Busy`) with the holder's PID and since when."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        if owner is not None and (info := os.fstat(fd)) and (info.st_uid, info.st_gid) != owner:
            os.fchown(fd, *owner)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            pid = holder[0] if holder else "?"
            since = time.strftime("%H:%M:%S", time.localtime(float(holder[1]))) if len(holder) > 1 else "?"
            raise error(key, pid=pid, since=since) from None
        stamp = f"{os.getpid()} {time.time():.0f}\n".encode()
        with contextlib.suppress(OSError):  # the PID only names the holder: a full disk must not stop the work
            os.pwrite(fd, stamp, 0)  # then cut: a second writer reading at any moment sees a PID, never "?"
            os.ftruncate(fd, len(stamp))
        yield
    finally:
        os.close(fd)

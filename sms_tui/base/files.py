"""Writing a file so that a crash leaves the old one or the new one, whole, and creating the
folders it goes in private: the settings, the draft, the watch's state and its units all use it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def private_folder(folder: Path) -> None:
    """Create `folder` and any missing parent as 0700 (`mkdir(parents=True)` would leave the
    parents 0755 by the umask: `~/.local/state/sms-tui/` readable by every user)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):
            part.mkdir(mode=0o700)


def atomic_write(path: Path, payload: bytes, *, mode: int = 0o600, owner: tuple[int, int] | None = None, sync: bool = True) -> None:
    """`mode` (0600 unless a reader is named) and `owner` set on the temp file, fsynced, then renamed
    over `path` and the folder fsynced: never half a file, never a moment with the wrong reader.
    `sync=False` keeps the rename's all-or-nothing but leaves the flush to the caller (the relay
    syncs its folders once per pass: a record lost to a power cut is re-made from SMSAPI's idx)."""
    import tempfile  # noqa: PLC0415 — tempfile adds 5 ms to sms_tui.base.files (python -X importtime); `show` and `check` only read

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        if owner is not None:
            os.fchown(fd, *owner)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync:
        sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """The folder's entries (a rename, an unlink) on the disk."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)

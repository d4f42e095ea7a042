"""The single file's first code, before shiv unpacks the libraries: shiv unpacks into ~/.shiv and
runs code from there, so that folder is used only when it is this user's own and nobody else may
write to it or to the HOME above it (root running with another user's HOME must not run that
user's planted code). Else — a service user (www-data, nobody) often has no writable HOME — a
folder of this user's own in the temporary folder: `sms-tui-pyz-UID`, or, when someone else took
that name, one `sms-tui-pyz-UID-XXXXXXXX` of its own found again by listing, so a squatted name
never costs a new 26 MB folder per run."""

from __future__ import annotations

import os
import stat
import tempfile


def _private(path: str) -> bool:
    """A real folder (not a link) of this user's own that nobody else may write to."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _home_cache() -> bool:
    home = os.path.expanduser("~")
    try:
        home_info = os.lstat(home)
    except OSError:
        return False
    if home_info.st_uid not in (os.getuid(), 0) or home_info.st_mode & 0o022:
        return False  # someone else's HOME (or one others may write to): they could swap ~/.shiv under us
    folder = os.path.join(home, ".shiv")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not _private(folder) or not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:  # what shiv unpacked before (and runs again) was unpacked by this user, and only it may change it
        entries = [os.lstat(os.path.join(folder, name)) for name in os.listdir(folder)]
    except OSError:
        return False
    return all(entry.st_uid == os.getuid() and not stat.S_ISLNK(entry.st_mode) and not entry.st_mode & 0o022 for entry in entries)


def _own_folder(path: str) -> bool:
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    info = os.lstat(path)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _temp_root() -> str:
    base = tempfile.gettempdir()
    name = f"sms-tui-pyz-{os.getuid()}"
    if _own_folder(os.path.join(base, name)):
        return os.path.join(base, name)
    try:  # the name was taken by someone else: a folder of our own made earlier, found again
        for entry in sorted(os.listdir(base)):
            path = os.path.join(base, entry)
            if entry.startswith(name + "-") and _private(path) and not os.lstat(path).st_mode & 0o077:
                return path
    except OSError:
        pass
    return tempfile.mkdtemp(prefix=name + "-")


def choose_root() -> None:
    if os.environ.get("SHIV_ROOT") or _home_cache():
        return
    os.environ["SHIV_ROOT"] = _temp_root()


def main() -> None:
    choose_root()
    import _bootstrap  # type: ignore[import-not-found]  # noqa: PLC0415 — shiv's runtime, at the archive's root: only after SHIV_ROOT is chosen

    _bootstrap.bootstrap()


if __name__ == "__main__":
    main()

"""The single file's first code, before shiv unpacks the libraries: shiv unpacks into ~/.shiv, and a
shop's service user (www-data, nobody) often has no writable HOME — shiv would stop with a
PermissionError traceback. Then the cache goes to a folder of this user's own in the temporary
folder, refused if anyone else made it or could write to it (code is run from there)."""

from __future__ import annotations

import os
import stat
import tempfile


def _writable_home_cache() -> bool:
    folder = os.path.expanduser("~/.shiv")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK)


def _own_folder(path: str) -> bool:
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    info = os.lstat(path)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def choose_root() -> None:
    if os.environ.get("SHIV_ROOT") or _writable_home_cache():
        return
    shared = os.path.join(tempfile.gettempdir(), f"sms-tui-pyz-{os.getuid()}")
    os.environ["SHIV_ROOT"] = shared if _own_folder(shared) else tempfile.mkdtemp(prefix="sms-tui-pyz-")


def main() -> None:
    choose_root()
    import _bootstrap  # type: ignore[import-not-found]  # noqa: PLC0415 — shiv's runtime, at the archive's root: only after SHIV_ROOT is chosen

    _bootstrap.bootstrap()


if __name__ == "__main__":
    main()

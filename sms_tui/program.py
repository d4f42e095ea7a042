"""How this sms-tui is started again: by a timer, a service, or a technician copying a printed
command. Installed, that is this interpreter's `-m sms_tui` (a timer must not depend on PATH or an
activated venv) and `sms-tui` on the command line; run from the single file (`sms-tui-…-pyXY.pyz`,
docs/install.md, under any name: copied to /usr/local/bin/sms-tui it is the same
archive), it is that file — `python3 -m sms_tui` cannot run there, and a watch written so would be
silently dead."""

from __future__ import annotations

import os
import shlex
import sys
import zipfile
from functools import cache


@cache
def archive() -> str | None:
    """The single file this process runs from (absolute), or None when sms-tui is installed: known by
    what it is — a zip archive with a __main__.py that Python ran — not by its name."""
    started = sys.argv[0] if sys.argv else ""
    if not started or not os.path.isfile(started) or not zipfile.is_zipfile(started):
        return None
    try:
        with zipfile.ZipFile(started) as archive_file:
            if "__main__.py" not in archive_file.namelist():
                return None
    except (OSError, zipfile.BadZipFile):
        return None
    return os.path.abspath(started)


def argv() -> list[str]:
    """The start of a command line that runs this same sms-tui."""
    found = archive()
    return [sys.executable, found] if found else [sys.executable, "-m", "sms_tui"]


def name() -> str:
    """What a printed command starts with: `sms-tui`, or the single file's path."""
    found = archive()
    return shlex.quote(found) if found else "sms-tui"

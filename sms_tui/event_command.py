"""Running a program the settings name, with one JSON object on its standard input: the watch's
`notify_command` and the outbox's `on_event`. An argument list run without a shell, so nothing in
a notice is ever parsed as a command; a program that hangs is stopped."""

from __future__ import annotations

import json
import logging
import subprocess
from typing import Any

from sms_tui.i18n import os_reason, t

COMMAND_TIMEOUT = 60.0  # seconds: a mail command that hangs must not hold the next run's lock
log = logging.getLogger("sms_tui.events")


def run_command(argv: list[str], payload: dict[str, Any]) -> tuple[str, str]:
    """("sent", "") when the program took it; else ("failed", why, in the technician's words)."""
    try:
        done = subprocess.run(argv, input=json.dumps(payload, ensure_ascii=False).encode("utf-8"), capture_output=True,
                              timeout=COMMAND_TIMEOUT, check=False)
    except FileNotFoundError:
        return "failed", t("watch.command_missing", command=argv[0])
    except subprocess.TimeoutExpired:
        return "failed", t("watch.command_timeout", seconds=int(COMMAND_TIMEOUT))
    except OSError as exc:
        return "failed", os_reason(exc)
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1][:200]
        log.warning("event command %s exited %s: %s", argv[0], done.returncode, last)
        return "failed", t("watch.command_failed", code=done.returncode, reason=last or "-")
    return "sent", ""


def run_handler(argv: list[str]) -> tuple[int, str]:
    """An smsd-style handler (checkhandler): its exit code and the last line it printed, nothing on stdin."""
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
    except FileNotFoundError:
        return 127, t("watch.command_missing", command=argv[0])
    except subprocess.TimeoutExpired:
        return 124, t("watch.command_timeout", seconds=int(COMMAND_TIMEOUT))
    except OSError as exc:
        return 126, os_reason(exc)
    said = (done.stdout or done.stderr).decode("utf-8", "replace").strip().splitlines()
    return done.returncode, (said[-1][:200] if said else "")

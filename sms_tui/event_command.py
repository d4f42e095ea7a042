"""Running a program the settings name, with one JSON object on its standard input: the watch's
`notify_command` and the outbox's `on_event`. An argument list run without a shell, so nothing in
a notice is ever parsed as a command; a program that hangs is stopped."""

from __future__ import annotations

import json
import logging
import subprocess
from typing import Any, Literal, NamedTuple

from sms_tui.i18n import os_reason, t

COMMAND_TIMEOUT = 60.0  # seconds: a mail command that hangs must not hold the next run's lock
log = logging.getLogger("sms_tui.events")


class Ran(NamedTuple):
    """What became of handing the payload over: "sent", or "failed" with why in the technician's words."""

    outcome: Literal["sent", "failed"]
    detail: str = ""


def run_command(argv: list[str], payload: dict[str, Any], setting: str) -> Ran:
    """`setting`: where the program is named (`[alerts] notify_command`, `[outbox] on_event`…), so a
    missing one is told where to fix it."""
    try:
        done = subprocess.run(argv, input=json.dumps(payload, ensure_ascii=False).encode("utf-8"), capture_output=True,
                              timeout=COMMAND_TIMEOUT, check=False)
    except FileNotFoundError:
        return Ran("failed", t("command.missing", command=argv[0], setting=setting))
    except subprocess.TimeoutExpired:
        return Ran("failed", t("command.timeout", seconds=int(COMMAND_TIMEOUT)))
    except OSError as exc:
        return Ran("failed", os_reason(exc))
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1][:200]
        log.warning("event command %s exited %s: %s", argv[0], done.returncode, last)
        return Ran("failed", t("command.failed", code=done.returncode, reason=last or "-"))
    return Ran("sent")


def run_handler(argv: list[str], setting: str) -> tuple[int, str]:
    """An smsd-style handler (checkhandler): its exit code and the last line it printed, nothing on stdin."""
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
    except FileNotFoundError:
        return 127, t("command.missing", command=argv[0], setting=setting)
    except subprocess.TimeoutExpired:
        return 124, t("command.timeout", seconds=int(COMMAND_TIMEOUT))
    except OSError as exc:
        return 126, os_reason(exc)
    said = (done.stdout or done.stderr).decode("utf-8", "replace").strip().splitlines()
    return done.returncode, (said[-1][:200] if said else "")

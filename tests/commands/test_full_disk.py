"""A full disk under the state and log folders (a common shop-server state): the watch still tells
the owner on every channel, says only that its state could not be saved, and no "Logging error"
traceback reaches the technician. On a real 48 KiB tmpfs when this runs as root (CI does); else
the writes fail at the OS call in the watch's own process."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.samples import answers_file

OWNER = "48600100200"
RECORDER = """import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(json.loads(sys.stdin.read())) + "\\n")
"""


def _configure(sandbox: Sandbox, tmp_path: Path) -> tuple[Path, Path]:
    recorder, log = tmp_path / "record.py", tmp_path / "notices.jsonl"
    recorder.write_text(RECORDER)
    command = json.dumps([sys.executable, str(recorder), str(log)])
    answers = answers_file(tmp_path, '[account]\nusername = "demo"\npassword = "demo"\n[sender]\nmode = "eco"\n'
                                     f'[test]\nto = "500 000 000"\n[alerts]\nlow_balance = 60\nnotify_to = "600 100 200"\n'
                                     f'notify_command = {command}\n')
    config = tmp_path / "smsapi.toml"
    assert main(["apply", answers, "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    return config, log


@contextlib.contextmanager
def _full_tmpfs(where: Path) -> Iterator[Path | None]:
    """A 48 KiB tmpfs, filled up; None where mounting is not allowed (not root, no CAP_SYS_ADMIN)."""
    where.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(where)],
                                           capture_output=True, check=False).returncode != 0:
        yield None
        return
    try:
        (where / "state" / "sms-tui" / "log").mkdir(parents=True)
        fd = os.open(where / "fill", os.O_WRONLY | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * 1024):
                pass
        os.close(fd)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


FAIL_WRITES = """
import errno, os, runpy, sys
real_pwrite, real_open = os.pwrite, os.open
def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
os.pwrite = no_space
import tempfile
tempfile.mkstemp = no_space
import logging.handlers
logging.handlers.RotatingFileHandler.shouldRollover = lambda self, record: no_space()
sys.argv = ["sms-tui", *sys.argv[1:]]
runpy.run_module("sms_tui", run_name="__main__")
"""


def test_the_watch_tells_the_owner_with_the_disk_full(sandbox: Sandbox, tmp_path: Path) -> None:
    config, log = _configure(sandbox, tmp_path)
    with _full_tmpfs(tmp_path / "full") as full:
        state_home = (full or tmp_path / "full") / "state"
        env = {**os.environ, "XDG_STATE_HOME": str(state_home), "SMS_TUI_LOG": str(state_home / "sms-tui" / "log" / "sms-tui.log"),
               "LANG": "pl_PL.UTF-8"}
        env.pop("SMS_TUI_CONFIG", None)
        prefix = [sys.executable, "-m", "sms_tui"] if full else [sys.executable, "-c", FAIL_WRITES]
        runs = [subprocess.run([*prefix, "watch", "--api-url", sandbox.url, "--config", str(config)], capture_output=True,
                               text=True, timeout=120, env=env, check=False) for _ in range(2)]
    for done in runs:
        assert done.returncode == ExitCode.LOW_BALANCE, done.stderr
        assert "Traceback" not in done.stderr and "Logging error" not in done.stderr, done.stderr
    first = runs[0]
    assert "nie mogę zapisać stanu obserwacji" in first.stderr and "poszły mimo to" in first.stderr
    notices = [m for m in sandbox.outbox if m.to == OWNER]
    assert len(notices) == 1 and "ponizej progu 60" in notices[0].message  # the second run: the same idx, not a second SMS
    received = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["event"] for r in received][:1] == ["balance.low"]


def test_a_log_that_cannot_be_written_is_one_plain_line(tmp_path: Path) -> None:
    """The log's own failure: one sentence naming the file, then the run goes on without it."""
    from sms_tui import logs

    path = tmp_path / "sms-tui.log"
    heard: list[str] = []
    assert logs.setup(path=path, on_failure=heard.append) == path
    import logging

    handler = next(h for h in logging.getLogger("sms_tui").handlers if getattr(h, "baseFilename", None) == str(path))

    def full(record: logging.LogRecord) -> bool:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    handler.shouldRollover = full  # type: ignore[method-assign]
    logging.getLogger("sms_tui").warning("first")
    logging.getLogger("sms_tui").warning("second")
    assert len(heard) == 1 and str(path) in heard[0] and "SMS_TUI_LOG" in heard[0]
    assert logs.log_path() is None and handler not in logging.getLogger("sms_tui").handlers

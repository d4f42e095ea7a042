"""The wizard crashed on purpose, on a real pty: the technician sees one short sentence with the
log's path — no traceback, no local variables, no secret — and the log holds no secret either."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.ptyprog import PtyProgram

CANARY = "c0ffee00c0ffee00c0ffee00c0ff3e29"  # an MD5-shaped API password, as the panel gives it
# The wizard's own code, with one Wizard method broken: the crash comes from inside a worker with
# the secret in the exception and in the local variables, the worst case for a traceback.
LAUNCH = """
import sys
import sms_tui.wizard as w
async def broken(self):
    secret = self.setup.password_md5.get_secret_value()
    raise RuntimeError("broken while holding " + secret)
w.Wizard.verify = broken
from sms_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""

pytestmark = pytest.mark.slow


def test_a_crash_shows_no_traceback_and_no_secret(tmp_path: Path, isolated_home: Path) -> None:
    log = tmp_path / "sms-tui.log"
    prog = PtyProgram([sys.executable, "-c", LAUNCH, "--config", str(tmp_path / "s.toml"), "--demo"],
                      {"SMS_TUI_LOG": str(log), "HOME": str(isolated_home)})
    try:
        prog.read_until(b"Krok 1 z 6")
        prog.send(b"m")
        prog.read_until(b"Krok 3 z 6")
        prog.settle()
        prog.send(b"demo\t" + CANARY.encode() + b"\x0e")  # username, the secret typed, Ctrl+N: the check
        deadline = time.monotonic() + 20
        while prog.proc.poll() is None and time.monotonic() < deadline:
            prog.settle(quiet=0.2, limit=1.0)
    finally:
        prog.close()
    screen = prog.output.decode("utf-8", "replace")
    assert prog.proc.returncode not in (None, 0)
    assert "Nieoczekiwany błąd" in screen and str(log) in screen.replace("\r\n", "").replace("\n", "")
    assert "Traceback" not in screen and "broken while holding" not in screen and CANARY not in screen
    text = log.read_text()
    assert "unexpected error in the wizard" in text and "broken while holding" in text and CANARY not in text

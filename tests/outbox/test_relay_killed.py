"""The relay as a real process, SIGKILLed at random moments while the sandbox drops its answers
after accepting the message: whatever was cut, each message reaches the sandbox exactly once
(its idx comes from its id, and SMSAPI's "already accepted" counts as sent)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox.spool import Spool
from sms_tui.sandbox import Sandbox
from sms_tui.sandbox.state import Fault
from tests.samples import ECO_MD5, answers_file

pytestmark = pytest.mark.slow


def _empty(spool: Spool) -> bool:
    return not list(spool.ids()) and not [n for n in os.listdir(spool.folder("outgoing")) if not n.startswith(".")]


def test_killed_relays_still_send_each_message_once(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, ECO_MD5), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 1000.0
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    texts = [f"Paczka {n} wysłana" for n in range(40)]
    for text in texts:
        spool.drop("500100200", text)
    sandbox.state.inject(Fault("drop_after", "/sms.do", times=25))  # accepted, and the answer lost
    seed = random.randrange(1 << 30)
    pick = random.Random(seed)
    argv = [sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)]
    kills = 0
    for _ in range(60):
        relay = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + pick.uniform(0.3, 1.5)
        while time.monotonic() < deadline and relay.poll() is None:
            time.sleep(0.01)
        relay.send_signal(signal.SIGKILL)
        relay.wait(timeout=30)
        kills += 1
        capsys.readouterr()
        main(["queue", "retry", "--config", str(config)])  # the pauses after a failure, passed
        if _empty(spool):
            break
    main(["relay", "--once", "--api-url", sandbox.url, "--config", str(config)])
    assert _empty(spool), f"seed {seed}: still waiting after {kills} kills"
    delivered = sorted(m.message for m in sandbox.outbox)
    assert delivered == sorted(texts), f"seed {seed}"
    assert len(os.listdir(spool.folder("sent"))) >= len(texts)  # one record each (a temp file a kill left may be beside them)

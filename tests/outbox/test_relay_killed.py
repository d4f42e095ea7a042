"""The relay as a real process, SIGKILLed at moments a fixed seed picks — after the sandbox accepted
or recorded the next 1-4 messages, a condition, not a time — while the sandbox drops its answers after
accepting: whatever was cut, each message reaches the sandbox exactly once (its idx comes from its
id, and SMSAPI's "already accepted" counts as sent). Fixed seeds: a failure names one to replay."""

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
from tests.samples import ECO_MD5, NO_LIMITS, answers_file

pytestmark = pytest.mark.slow


def _nothing_due(spool: Spool) -> bool:
    """Every message still queued waits for its pause after a lost answer: the relay has nothing to do until then."""
    now, queued = time.time(), list(spool.ids())
    return bool(queued) and all(spool.state(message_id).next_try > now for message_id in queued)


def _progress(spool: Spool, sandbox: Sandbox) -> int:
    """Messages the sandbox accepted, plus records the relay wrote: each send or record moves it on."""
    return len(sandbox.outbox) + len(os.listdir(spool.folder("sent")))


def _empty(spool: Spool) -> bool:
    return not list(spool.ids()) and not [n for n in os.listdir(spool.folder("outgoing")) if not n.startswith(".")]


@pytest.mark.parametrize("seed", [1, 2])
def test_killed_relays_still_send_each_message_once(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str],
                                                    seed: int) -> None:
    config = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, ECO_MD5 + NO_LIMITS), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 1000.0
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    texts = [f"Paczka {n} wysłana" for n in range(24)]
    for text in texts:
        spool.drop("500100200", text)
    sandbox.state.inject(Fault("drop_after", "/sms.do", times=15))  # accepted, and the answer lost
    pick = random.Random(seed)
    argv = [sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)]
    kills = 0
    for _ in range(60):
        wanted = _progress(spool, sandbox) + pick.randint(1, 4)
        relay = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60  # a bound, never the condition: a stuck relay fails the test below
        while _progress(spool, sandbox) < wanted and relay.poll() is None and time.monotonic() < deadline:
            if _nothing_due(spool) or _empty(spool):  # what it took waits for its pause, or all is done: cut it now
                break
            time.sleep(0.005)
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

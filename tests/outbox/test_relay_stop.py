"""`systemctl stop` on a running relay: SIGTERM lets the sends in flight finish and be recorded,
starts nothing more, says so in the journal, and the next start sends the rest — each once. A
second signal stops at once. Real processes, the real sandbox holding each send a while."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
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


@pytest.fixture
def config(tmp_path: Path, sandbox: Sandbox) -> Path:
    path = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, ECO_MD5 + NO_LIMITS), "--api-url", sandbox.url, "--config", str(path)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 1000.0
    with sandbox.state.lock:
        sandbox.state.requests.clear()  # the set-up's own calls: only the relay's are counted
    return path


def _sends(sandbox: Sandbox) -> int:
    with sandbox.state.lock:
        return sum(1 for _, path in sandbox.state.requests if path == "/sms.do")


def _wait_for(condition: object, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.02)


def _queued(texts: list[str]) -> Spool:
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    for text in texts:
        spool.drop("500100200", text)
    return spool


def _relay(sandbox: Sandbox, config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigterm_finishes_the_sends_in_flight_and_starts_no_more(config: Path, sandbox: Sandbox) -> None:
    texts = [f"Odbiór {n}" for n in range(10)]
    spool = _queued(texts)
    sandbox.state.inject(Fault("delay", "/sms.do", seconds=60, times=100))  # every send held in flight until let go
    relay = _relay(sandbox, config)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(relay.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    _wait_for(lambda: _sends(sandbox) >= 4, "four sends in flight (concurrency 4)")
    relay.send_signal(signal.SIGTERM)
    _wait_for(lambda: any("Zatrzymuję relay (SIGTERM)" in line for line in lines), "the relay to say it is stopping")
    sandbox.let_go()  # the four in flight are answered now, after the signal
    out, _ = relay.communicate(timeout=60)
    reader.join(timeout=10)
    err = "".join(lines)
    assert relay.returncode == 128 + signal.SIGTERM, err
    assert "Relay zatrzymany (SIGTERM)" in out and "Przerwano" not in out + err
    accepted = sorted(m.message for m in sandbox.outbox)
    assert len(accepted) == _sends(sandbox) == 4  # the four in flight finished; none was started after the signal
    recorded = sorted(os.listdir(spool.folder("sent")))
    assert len(recorded) == 4 and all("Message_id: " in (spool.folder("sent") / name).read_text() for name in recorded)
    assert len(list(spool.ids())) == 6 and "czeka 6" in out
    with sandbox.state.lock:
        sandbox.state.faults.clear()  # the next start is answered at once
    assert main(["relay", "--once", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    assert sorted(m.message for m in sandbox.outbox) == sorted(texts)  # the rest at the next start, each once


def test_a_second_signal_stops_at_once(config: Path, sandbox: Sandbox) -> None:
    texts = [f"Zwrot {n}" for n in range(6)]
    _queued(texts)
    sandbox.state.inject(Fault("stall", "/sms.do", seconds=30, times=4))  # four sends whose answers would hang 30 s
    relay = _relay(sandbox, config)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(relay.stderr.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    _wait_for(lambda: _sends(sandbox) >= 4, "four sends in flight")
    relay.send_signal(signal.SIGTERM)
    _wait_for(lambda: any("Zatrzymuję relay (SIGTERM)" in line for line in lines), "the relay to say it is stopping")
    relay.send_signal(signal.SIGTERM)
    relay.wait(timeout=15)  # well before the sandbox's 30 s
    reader.join(timeout=10)
    said = "".join(lines)
    assert relay.returncode == 128 + signal.SIGTERM and "Traceback" not in said
    assert "Relay zatrzymany od razu (SIGTERM)" in said and f"--config {config} relay --once" in said
    assert main(["relay", "--once", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    assert sorted(m.message for m in sandbox.outbox) == sorted(texts)

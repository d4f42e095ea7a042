"""Ctrl+C, SIGTERM and SIGHUP while SMSAPI delays its answer to a send, on a real process: the SMS
may already be out, so the run names its idx and the exact command that retries it safely — in
plain output and in `--json` — and that command does not send a second SMS."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.samples import answers_file

pytestmark = pytest.mark.slow

ECO = '[account]\nusername = "demo"\npassword = "demo"\n[sender]\nmode = "eco"\n[test]\nto = "500 000 000"\n'


def _configured(sandbox: Sandbox, tmp_path: Path) -> Path:
    config = tmp_path / "smsapi.toml"
    done = _cli(tmp_path, "apply", answers_file(tmp_path, ECO), "--api-url", sandbox.url, "--config", str(config))
    assert done.returncode == 0, done.stderr
    return config


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SMS_TUI_LOG": str(tmp_path / "sms-tui.log"), "LANG": "pl_PL.UTF-8"}


def _cli(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sms_tui", *argv], capture_output=True, text=True, timeout=60,
                          env=_env(tmp_path), check=False)


def _until(condition: object, what: str, timeout: float = 30.0) -> None:
    """Wait for a condition (not for a time): the deadline only ends a run that hangs."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


def _sms_requests(sandbox: Sandbox) -> int:
    with sandbox.state.lock:
        return sum(1 for method, path in sandbox.state.requests if path == "/sms.do")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, ExitCode.INTERRUPTED), (signal.SIGTERM, ExitCode.TERMINATED),
                                              (signal.SIGHUP, ExitCode.HANGUP)])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_signal_during_the_send_names_the_safe_retry(sandbox: Sandbox, tmp_path: Path, signum: int, code: ExitCode,
                                                       as_json: bool) -> None:
    config = _configured(sandbox, tmp_path)
    sent_before, asked_before = len(sandbox.outbox), _sms_requests(sandbox)
    sandbox.inject("delay", "/sms.do", seconds=60)  # held in flight until let go below (60 s only bounds a hang)
    argv = [sys.executable, "-m", "sms_tui", "send", "--to", "500000001", "--message", "Zamówienie 17 gotowe",
            "--api-url", sandbox.url, "--config", str(config), *(["--json"] if as_json else [])]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    _until(lambda: _sms_requests(sandbox) > asked_before, "the send never reached the sandbox")
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == code, (out, err)
    assert "Traceback" not in out + err
    if as_json:
        payload = json.loads(out)
        assert payload["exit_code"] == code and payload["interrupted"] == signal.Signals(signum).name
        idx, retry = payload["idx"], payload["retry_command"]
    else:
        line = err.strip().splitlines()[-1]
        assert "idx" in line and "--idx" in line, err
        retry = line[line.index("sms-tui --config"):]
        idx = shlex.split(retry)[-1]
    assert f"--config {config}" in retry  # the same settings, not the user's default file
    assert idx in (tmp_path / "sms-tui.log").read_text()  # the log has it even when the terminal went with the link
    sandbox.let_go()
    _until(lambda: len(sandbox.outbox) == sent_before + 1, "the delayed SMS never arrived")  # it did go out

    words = shlex.split(retry)
    again = _cli(tmp_path, *words[1:], "--api-url", sandbox.url)
    assert again.returncode == ExitCode.OK, again.stderr
    assert len(sandbox.outbox) == sent_before + 1  # the retry printed is not a second paid SMS
    assert sandbox.outbox[-1].message == "Zamówienie 17 gotowe"


def test_a_signal_while_following_keeps_what_was_accepted(sandbox: Sandbox, tmp_path: Path) -> None:
    """Stopped while waiting for the delivery report: the SMS is accepted and its id is reported;
    nothing is in flight, so no retry is offered."""
    config = _configured(sandbox, tmp_path)
    asked_before = _sms_requests(sandbox)
    proc = subprocess.Popen([sys.executable, "-m", "sms_tui", "send", "--to", "500000001", "--message", "x", "--wait", "600",
                             "--json", "--api-url", sandbox.url, "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(tmp_path))
    _until(lambda: _sms_requests(sandbox) >= asked_before + 2, "the delivery was never read")  # the send, then a status read
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    payload = json.loads(out)
    assert payload["exit_code"] == ExitCode.TERMINATED and proc.returncode == ExitCode.TERMINATED
    assert payload["message_id"] and payload["to"] == "48500000001" and "retry_command" not in payload


def test_the_sandbox_says_nothing_when_a_client_goes_away(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 15: after the SIGTERM test the sandbox printed a BrokenPipeError traceback. The
    request is handled (the SMS is in the outbox); only its answer has nobody to read it."""
    import socket

    sandbox.inject("delay", "/sms.do", seconds=0.5)
    host, port = sandbox.url.split("//")[1].rstrip("/").split(":")
    body = "to=48500000009&message=x&from=ECO&format=json"
    request = (f"POST /sms.do HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer demo-token\r\n"
               f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n{body}")
    import threading

    before = threading.active_count()
    with socket.create_connection((host, int(port))) as client:
        client.sendall(request.encode())
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # reset, not a polite close
    _until(lambda: any(m.to == "48500000009" for m in sandbox.outbox), "the request was never handled")
    _until(lambda: threading.active_count() <= before, "the request's thread never ended")  # its answer was tried and failed
    assert "Traceback" not in capsys.readouterr().err

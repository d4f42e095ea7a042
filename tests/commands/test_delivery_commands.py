"""`sms-tui status`, `send --wait` and `apply --wait` against the sandbox: exit 0 delivered,
7 not delivered, 8 not confirmed; the delivery recorded in `[verified]`."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_tui import delivery
from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox, SandboxState
from sms_tui.sandbox.tracking import Delays
from tests.conftest import DEMO_MD5
from tests.sandbox_time import SandboxTime

ANSWERS = f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n'


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """Messages reach their final status before the first read (1 s after acceptance), and the
    commands follow it on the sandbox's clock: the same looks at the same moments, none waited for."""
    with Sandbox(state=SandboxState(delays=Delays(queue=0.05, sent=0.1))) as server:
        monkeypatch.setattr(delivery, "Timing", lambda: SandboxTime(server).timing)
        yield server


def _run(sandbox: Sandbox, config: Path, *argv: str) -> int:
    return main([*argv, "--api-url", sandbox.url, "--config", str(config)])


def _configured(tmp_path: Path, sandbox: Sandbox) -> Path:
    config = tmp_path / "smsapi.toml"
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS)
    assert _run(sandbox, config, "apply", str(answers)) == ExitCode.OK
    return config


@pytest.mark.parametrize(("number", "code", "status"), [("500000000", ExitCode.OK, "DELIVERED"),
                                                        ("500000405", ExitCode.NOT_DELIVERED, "UNDELIVERED"),
                                                        ("500000402", ExitCode.NOT_DELIVERED, "EXPIRED")])
def test_send_wait(tmp_path: Path, quick: Sandbox, capsys: pytest.CaptureFixture[str], number: str, code: ExitCode, status: str) -> None:
    config = _configured(tmp_path, quick)
    capsys.readouterr()
    assert _run(quick, config, "send", "--to", number, "--message", "Test", "--wait", "--json") == code
    payload = json.loads(capsys.readouterr().out)  # exactly one object, the progress lines stay out of it
    assert payload["exit_code"] == code and payload["delivery"]["status"] == status
    assert [h["status"] for h in payload["delivery"]["history"]] == ["QUEUE", status]
    assert (payload["delivery"]["delivered_at"] is not None) is (status == "DELIVERED")


def test_send_wait_plain_text_names_the_cause(tmp_path: Path, quick: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, quick)
    capsys.readouterr()
    assert _run(quick, config, "send", "--to", "500000402", "--message", "Test", "--wait", "30") == ExitCode.NOT_DELIVERED
    out = capsys.readouterr()
    assert "→ w kolejce" in out.out and "EXPIRED" in out.err and "telefon był wyłączony" in out.err


def test_send_wait_ends_unconfirmed(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """The sandbox's default delays (1 s queued, 2 s sent) outlast a 1-second wait."""
    config = _configured(tmp_path, sandbox)
    capsys.readouterr()
    assert _run(sandbox, config, "send", "--to", "500000000", "--message", "Test", "--wait", "1", "--json") == ExitCode.NOT_CONFIRMED
    payload = json.loads(capsys.readouterr().out)
    assert payload["delivery"]["outcome"] == "waiting" and payload["message_id"] in payload["steps"][-1]["message"]


def test_send_without_wait_is_unchanged(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox)
    capsys.readouterr()
    assert _run(sandbox, config, "send", "--to", "500000405", "--message", "Test", "--json") == ExitCode.OK
    assert "delivery" not in json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon", "100000"])
def test_bad_wait_is_a_usage_error(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], value: str) -> None:
    config = _configured(tmp_path, sandbox)
    sent = len(sandbox.outbox)
    capsys.readouterr()
    assert _run(sandbox, config, "send", "--to", "500000000", "--message", "Test", "--wait", value, "--json") == ExitCode.USAGE
    assert json.loads(capsys.readouterr().out)["exit_code"] == 2 and len(sandbox.outbox) == sent  # nothing sent


def test_status_exit_codes(tmp_path: Path, quick: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, quick)
    ids = {}
    for number in ("500000000", "500000405"):
        capsys.readouterr()
        assert _run(quick, config, "send", "--to", number, "--message", "Test", "--json") == ExitCode.OK
        ids[number] = json.loads(capsys.readouterr().out)["message_id"]
    quick.state.advance(1.0)
    assert _run(quick, config, "status", ids["500000000"]) == ExitCode.OK
    assert _run(quick, config, "status", ids["500000000"], ids["500000405"]) == ExitCode.NOT_DELIVERED
    assert _run(quick, config, "status", "123456") == ExitCode.NOT_DELIVERED  # NOT_FOUND is final, and not delivered
    capsys.readouterr()
    assert _run(quick, config, "status", ids["500000000"], "--json") == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["outcome"] == "delivered" and payload["messages"][0]["status"] == "DELIVERED"
    assert payload["messages"][0]["delivered_at"] is None  # one read knows "delivered by now", not when


def test_status_of_a_message_on_its_way(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox)
    capsys.readouterr()
    assert _run(sandbox, config, "send", "--to", "500000000", "--message", "Test", "--json") == ExitCode.OK
    message_id = json.loads(capsys.readouterr().out)["message_id"]
    assert _run(sandbox, config, "status", message_id) == ExitCode.NOT_CONFIRMED
    assert "w drodze" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["1|2", "", "id with spaces", "x" * 65])
def test_status_refuses_what_is_not_an_id(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    config = _configured(tmp_path, sandbox)
    requests = len(sandbox.state.requests)
    assert _run(sandbox, config, "status", bad) == ExitCode.USAGE
    assert len(sandbox.state.requests) == requests


def test_status_with_refused_credentials(tmp_path: Path, sandbox: Sandbox) -> None:
    config = _configured(tmp_path, sandbox)
    config.write_text(config.read_text().replace(DEMO_MD5, "0" * 32))
    assert _run(sandbox, config, "status", "7074294081650020450") == ExitCode.CREDENTIALS


def test_apply_wait_records_the_delivery(tmp_path: Path, quick: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS)
    assert _run(quick, config, "apply", str(answers), "--wait", "--json") == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    verified = tomllib.loads(config.read_text())["verified"]
    assert verified["status"] == "DELIVERED" and verified["delivered_at"] is not None
    assert payload["delivery"]["id"] == verified["message_id"] and config.stat().st_mode & 0o777 == 0o600


def test_apply_wait_not_delivered_keeps_the_settings(tmp_path: Path, quick: Sandbox) -> None:
    """The accepted test allowed saving (the vendor's rule); exit 7 says the phone never got it."""
    config = tmp_path / "smsapi.toml"
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS.replace("500000000", "500000405"))
    assert _run(quick, config, "apply", str(answers), "--wait", "60") == ExitCode.NOT_DELIVERED
    verified = tomllib.loads(config.read_text())["verified"]
    assert verified["status"] == "UNDELIVERED" and "delivered_at" not in verified


def test_apply_dry_run_wait_sends_and_follows_nothing(tmp_path: Path, quick: Sandbox) -> None:
    config = tmp_path / "smsapi.toml"
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS)
    assert _run(quick, config, "apply", str(answers), "--dry-run", "--wait") == ExitCode.OK
    assert not config.exists() and quick.outbox == []


def test_apply_wait_rerun_follows_the_kept_test(tmp_path: Path, quick: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """A re-run sends nothing (the same idx) and reads the test `[verified]` names: exit 7, not "cannot follow" (8)."""
    config = tmp_path / "smsapi.toml"
    answers = tmp_path / "answers.toml"
    answers.write_text(ANSWERS.replace("500000000", "500000405"))
    for _ in range(2):
        assert _run(quick, config, "apply", str(answers), "--wait", "20") == ExitCode.NOT_DELIVERED
    assert len(quick.outbox) == 1 and "nie można śledzić" not in capsys.readouterr().err


def test_a_wait_is_said_as_it_was_asked(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox)
    capsys.readouterr()
    assert _run(sandbox, config, "send", "--to", "500000000", "--message", "Test", "--wait", "1.5") == ExitCode.NOT_CONFIRMED
    assert "w 1.5 s" in capsys.readouterr().err

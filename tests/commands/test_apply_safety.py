"""`apply` checks the settings path before it spends a test SMS, and a re-run keeps the record of
the send that verified the settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from sms_tui.base.locks import locked
from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.samples import PRO_TOKEN, answers_file


@pytest.mark.parametrize("dry_run", [False, True])
def test_unwritable_folder_is_found_before_the_test_sms(dry_run: bool, tmp_path: Path, sandbox: Sandbox) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # a file where the settings folder should be: no folder can be made
    target = blocker / "smsapi.toml"
    code = main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(target), "--api-url", sandbox.url, *(["--dry-run"] if dry_run else [])])
    assert code == ExitCode.USAGE
    assert sandbox.outbox == [] and not any(path == "/sms.do" for _, path in sandbox.state.requests)


def test_a_held_lock_is_found_before_the_test_sms(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "conf" / "smsapi.toml"
    target.parent.mkdir()
    import multiprocessing

    ready, release = multiprocessing.Event(), multiprocessing.Event()

    def hold() -> None:
        with locked(target):
            ready.set()
            release.wait(10)

    holder = multiprocessing.get_context("fork").Process(target=hold)
    holder.start()
    try:
        assert ready.wait(5)
        code = main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(target), "--api-url", sandbox.url])
    finally:
        release.set()
        holder.join(5)
    assert code == ExitCode.USAGE and sandbox.outbox == []
    assert str(holder.pid) in capsys.readouterr().err


def test_rerun_keeps_the_verified_send(tmp_path: Path, sandbox: Sandbox) -> None:
    target = tmp_path / "smsapi.toml"
    answers = answers_file(tmp_path, PRO_TOKEN)
    assert main(["apply", answers, "--config", str(target), "--api-url", sandbox.url]) == ExitCode.OK
    first = tomllib.loads(target.read_text())["verified"]
    assert main(["apply", answers, "--config", str(target), "--api-url", sandbox.url]) == ExitCode.OK
    second = tomllib.loads(target.read_text())["verified"]
    assert len(sandbox.outbox) == 1
    assert first["message_id"] and (second["message_id"], second["points"], second["at"]) == (first["message_id"], first["points"], first["at"])


@pytest.mark.parametrize("as_json", [False, True])
def test_send_after_a_dropped_connection_names_the_idx_and_the_retry_is_delivered_once(
        as_json: bool, tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    target = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(target), "--api-url", sandbox.url]) == ExitCode.OK
    sandbox.state.reset()
    sandbox.inject("drop_after", "/sms.do", times=3)
    capsys.readouterr()
    args = ["send", "--to", "500000000", "--message", "Zamowienie 123 gotowe", "--config", str(target), *(["--json"] if as_json else [])]
    assert main(args) == ExitCode.UNREACHABLE
    out = capsys.readouterr()
    if as_json:
        payload = json.loads(out.out)
        idx = payload["idx"]
    else:
        idx = out.err.split("--idx ")[1].split()[0]
    assert idx.startswith("smstui-") and len(sandbox.outbox) == 1
    assert main([*args, "--idx", idx]) == ExitCode.OK
    assert len(sandbox.outbox) == 1


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
def test_a_message_that_is_not_utf8_is_a_usage_error(encoding: str, tmp_path: Path, sandbox: Sandbox,
                                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import json
    import os

    target = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(target), "--api-url", sandbox.url]) == ExitCode.OK
    capsys.readouterr()
    raw = "Zamówienie nr 17 gotowe. Dziękujemy!".encode(encoding)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    assert main(["send", "--to", "500000000", "--stdin", "--json", "--config", str(target)]) == ExitCode.USAGE
    assert "iconv" in json.loads(capsys.readouterr().out)["problems"][0]
    argv_text = os.fsdecode(raw)  # what Python makes of such bytes in argv
    assert main(["send", "--to", "500000000", "--message", argv_text, "--config", str(target)]) == ExitCode.USAGE
    assert len(sandbox.outbox) == 1  # only apply's test


def test_doctor_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.run(f"{sys.executable} -m sms_tui doctor --api-url http://127.0.0.1:9/ --config {tmp_path}/none.toml | head -c 1",
                          shell=True, capture_output=True, text=True, env=env, timeout=60)
    assert "Nieoczekiwany" not in proc.stderr and "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


@pytest.mark.parametrize("command", [["check"], ["doctor", "--json"], ["apply", "ANSWERS", "--json"]])
def test_a_ca_bundle_that_is_not_pem_is_a_usage_error(command: list[str], tmp_path: Path, sandbox: Sandbox,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    der = tmp_path / "proxy.cer"
    der.write_bytes(b"0\x82\x03\x1e0\x82\x02\x06\xa0\x03\x02\x01\x02")  # the start of a DER certificate
    target = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(target), "--api-url", sandbox.url]) == ExitCode.OK
    capsys.readouterr()
    args = [answers_file(tmp_path, PRO_TOKEN) if a == "ANSWERS" else a for a in command]
    assert main([*args, "--config", str(target), "--api-url", sandbox.url.replace("http:", "https:"), "--ca-bundle", str(der)]) == ExitCode.USAGE
    out = capsys.readouterr()
    assert "openssl x509 -inform der" in out.out + out.err
    if "--json" in command:
        json_out = __import__("json").loads(out.out)
        assert json_out["exit_code"] == 2


def test_apply_strips_a_sender_name_like_the_wizard(tmp_path: Path, sandbox: Sandbox) -> None:
    text = PRO_TOKEN.replace('name = "DemoSerwis"', 'name = " DemoSerwis "')
    assert main(["apply", answers_file(tmp_path, text), "--config", str(tmp_path / "s.toml"), "--api-url", sandbox.url]) == ExitCode.OK
    assert sandbox.outbox[0].sender == "DemoSerwis"


@pytest.mark.parametrize("message", ["   ", "x" * 1000])
def test_apply_refuses_the_messages_send_refuses(message: str, tmp_path: Path, sandbox: Sandbox) -> None:
    text = PRO_TOKEN.replace('message = "Serwis: test bramki"', f'message = "{message}"')
    assert main(["apply", answers_file(tmp_path, text), "--config", str(tmp_path / "s.toml"), "--api-url", sandbox.url]) == ExitCode.USAGE
    assert sandbox.state.requests == []


@pytest.mark.parametrize("args", [["apply", "--json"], ["send", "--json", "--to", "500000000"], ["check", "--json", "--lang", "xx"],
                                  ["check", "--json", "--ca-bundle", "/nie/ma/takiego.pem"], ["check", "--json", "--api-url", "file:///etc/passwd"]])
def test_json_is_one_object_even_before_the_command_runs(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(args) == ExitCode.USAGE
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["exit_code"] == 2


def test_an_unexpected_error_still_gives_one_json_object(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from sms_tui.commands import show

    def boom(*_: object) -> int:
        raise RuntimeError("na próbę")

    monkeypatch.setattr(show, "run", boom)
    assert main(["show", "--json"]) == ExitCode.FAILURE
    payload = json.loads(capsys.readouterr().out)
    assert payload["exit_code"] == 1 and "log" in payload["error"]["message"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "not a url", "ftp://proxy/", "http://host:99999/"])
def test_an_api_url_that_is_no_http_address_is_a_usage_error(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = PRO_TOKEN.replace('[account]\n', f'[account]\napi_url = "{url}"\n')
    assert main(["apply", answers_file(tmp_path, text), "--config", str(tmp_path / "s.toml")]) == ExitCode.USAGE
    assert "account.api_url" in capsys.readouterr().err
    assert main(["check", "--api-url", url, "--config", str(tmp_path / "s.toml")]) == ExitCode.USAGE


def test_a_bad_fault_request_is_a_400_not_a_dropped_connection(sandbox: Sandbox) -> None:
    import httpx

    for body in (b"not json", b'{"kind": "meteor"}', b'{"kind": "delay", "secs": 1}'):
        response = httpx.post(sandbox.url + "__sandbox/faults", content=body)
        assert response.status_code == 400 and "delay" in response.json()["kinds"]
    assert sandbox.state.faults == []


def test_tightened_permissions_are_a_warning_not_ok(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    target = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(target), "--api-url", sandbox.url]) == ExitCode.OK
    target.chmod(0o644)
    capsys.readouterr()
    assert main(["show", "--config", str(target)]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "uwaga:" in err and "0644" in err and "0o644" not in err
    target.chmod(0o644)
    assert main(["show", "--json", "--config", str(target)]) == ExitCode.OK
    [warning] = [s for s in json.loads(capsys.readouterr().out)["steps"] if s.get("warning")]
    assert warning["step"] == "settings"


@pytest.mark.parametrize("text", ["a = " + "[" * 5000 + "]" * 5000, "x = " + "9" * 5000])
def test_answers_tomllib_cannot_take_are_an_answers_error(text: str, tmp_path: Path) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(text)
    assert main(["apply", str(path), "--config", str(tmp_path / "s.toml")]) == ExitCode.USAGE


def test_a_secret_from_the_environment_is_named_when_there_are_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SMSAPI_TOKEN", "demo-token")
    text = PRO_TOKEN.replace('token = "demo-token"', 'password_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\nusername = "demo"')
    assert main(["apply", answers_file(tmp_path, text), "--config", str(tmp_path / "s.toml")]) == ExitCode.USAGE
    assert "SMSAPI_TOKEN" in capsys.readouterr().err


def test_apply_says_when_the_balance_is_already_under_the_threshold(tmp_path: Path, sandbox: Sandbox,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = PRO_TOKEN + "[alerts]\nlow_balance = 50\n"
    assert main(["apply", answers_file(tmp_path, text), "--config", str(tmp_path / "s.toml"), "--api-url", sandbox.url]) == ExitCode.OK
    assert "uwaga:" in capsys.readouterr().err

"""Support-style diagnoses against the sandbox, headless (apply, check, doctor); the wizard's are in
tests/screens/test_wizard_diagnose.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox

COM_ONLY = '[account]\nusername = "komercja"\npassword = "komercja"\n[test]\nto = "500000000"\n'
NO_SCOPE = '[account]\ntoken = "demo-token-bez-sms"\n[test]\nto = "500000000"\n'
UNACTIVATED = '[account]\ntoken = "nowy-token"\n[test]\nto = "600123456"\n'
IP_FILTERED = '[account]\ntoken = "filtr-token"\n[test]\nto = "500000000"\n'


def _apply(tmp_path: Path, sandbox: Sandbox, answers: str, *extra: str) -> int:
    path = tmp_path / "answers.toml"
    path.write_text(answers)
    return main(["apply", str(path), "--config", str(tmp_path / "s.toml"), "--api-url", sandbox.url + "{platform}/", *extra])


@pytest.mark.parametrize(("lang", "text"), [("pl", "To konto należy do smsapi.com"), ("en", "This account belongs to smsapi.com")])
def test_wrong_platform(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], lang: str, text: str) -> None:
    assert _apply(tmp_path, sandbox, COM_ONLY, "--lang", lang) == ExitCode.CREDENTIALS
    assert text in capsys.readouterr().err


def test_wrong_platform_json_and_right_platform_works(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert _apply(tmp_path, sandbox, COM_ONLY, "--json") == ExitCode.CREDENTIALS
    payload = json.loads(capsys.readouterr().out)
    assert payload["error"]["diagnosis"] == {"check": "platform", "platform": "com"}
    fixed = COM_ONLY.replace("[account]\n", '[account]\nplatform = "com"\n')
    assert _apply(tmp_path, sandbox, fixed) == ExitCode.OK


def test_wrong_on_both_platforms_lists_causes(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    answers = COM_ONLY.replace('password = "komercja"', 'password = "zle"')
    assert _apply(tmp_path, sandbox, answers) == ExitCode.CREDENTIALS
    err = capsys.readouterr().err
    assert "smsapi.pl i smsapi.com" in err and "Hasło do API (MD5)" in err and "client_api/password" in err


@pytest.mark.parametrize(("lang", "text"), [("pl", "brakuje uprawnień: Sendernames, SMS"), ("en", "lacks permissions: Sendernames, SMS")])
def test_token_scope_is_named_not_wrong_password(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str],
                                                 lang: str, text: str) -> None:
    assert _apply(tmp_path, sandbox, NO_SCOPE, "--lang", lang) == ExitCode.CREDENTIALS
    err = capsys.readouterr().err
    assert text in err and "oauth/manage" in err
    assert "hasło" not in err.lower().split("uprawnie")[0]


@pytest.mark.parametrize(("lang", "text"), [("pl", "numer podany przy rejestracji"), ("en", "number used at registration")])
def test_unactivated_account(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], lang: str, text: str) -> None:
    assert _apply(tmp_path, sandbox, UNACTIVATED, "--lang", lang) == ExitCode.REFUSED
    assert text in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "text"), [("pl", "widzi ten serwer jako 127.0.0.1"), ("en", "sees this server as 127.0.0.1")])
def test_ip_filter_shows_the_address(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], lang: str, text: str) -> None:
    assert _apply(tmp_path, sandbox, IP_FILTERED, "--lang", lang) == ExitCode.CREDENTIALS
    assert text in capsys.readouterr().err


def test_check_diagnoses_too(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "s.toml"
    config.write_text(f'[account]\nplatform = "pl"\nauth = "md5"\nusername = "komercja"\n'
                      f'password_md5 = "{__import__("hashlib").md5(b"komercja").hexdigest()}"\napi_url = "{sandbox.url}{{platform}}/"\n')
    assert main(["check", "--config", str(config)]) == ExitCode.CREDENTIALS
    assert "należy do smsapi.com" in capsys.readouterr().err


def test_doctor_all_ok(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    answers = '[account]\ntoken = "demo-token"\n[sender]\nmode = "pro"\nname = "DemoSerwis"\n[test]\nto = "500000000"\n'
    assert _apply(tmp_path, sandbox, answers) == ExitCode.OK
    capsys.readouterr()
    assert main(["doctor", "--config", str(tmp_path / "s.toml"), "--json"]) == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    checks = {s["step"]: s["status"] for s in payload["steps"]}
    assert checks == {"settings": "ok", "proxy": "ok", "dns": "ok", "tls": "warn", "clock": "ok", "credentials": "ok",
                      "permissions": "ok", "sender": "ok", "balance": "ok", "outbox": "ok", "guard": "ok"}


def test_doctor_low_balance_and_missing_scope(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    answers = '[account]\ntoken = "demo-token"\n[test]\nto = "500000000"\n[alerts]\nlow_balance = 50\n'
    assert _apply(tmp_path, sandbox, answers) == ExitCode.OK
    capsys.readouterr()
    assert main(["doctor", "--config", str(tmp_path / "s.toml")]) == ExitCode.LOW_BALANCE
    assert "mniej niż próg 50" in capsys.readouterr().out
    config = tmp_path / "s.toml"
    config.write_text(config.read_text().replace('token = "demo-token"', 'token = "demo-token-bez-sms"'))
    assert main(["doctor", "--config", str(config), "--lang", "en"]) == ExitCode.CREDENTIALS
    assert "lacks permissions: Sendernames, SMS" in capsys.readouterr().out


def test_doctor_without_settings_and_unreachable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor", "--config", str(tmp_path / "none.toml"), "--api-url", "http://127.0.0.1:9/"])
    out = capsys.readouterr().out
    assert code == ExitCode.USAGE and "Brak zapisanych ustawień" in out and "odrzucił połączenie" in out


def test_doctor_ip_filter_and_activation(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "s.toml"
    config.write_text(f'[account]\nauth = "token"\ntoken = "filtr-token"\napi_url = "{sandbox.url}{{platform}}/"\n')
    assert main(["doctor", "--config", str(config), "--lang", "en"]) == ExitCode.CREDENTIALS
    assert "sees this server as 127.0.0.1" in capsys.readouterr().out


def test_doctor_files_a_refused_connection_under_connection_not_tls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Field test #32: plain HTTP to a closed port was reported as a TLS failure."""
    import json

    main(["doctor", "--config", str(tmp_path / "none.toml"), "--api-url", "http://127.0.0.1:9/", "--json"])
    steps = {s["step"]: s for s in json.loads(capsys.readouterr().out)["steps"]}
    assert steps["connection"]["status"] == "fail" and "tls" not in steps

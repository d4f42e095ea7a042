"""`sms-tui sender list | add | use`, `check`'s requested name and `apply`'s `[sender] request`,
against the sandbox in both auth modes (MD5 → legacy sender.do, token → REST sendernames)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from sms_tui.base.locks import locked
from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5

ACCOUNTS = {
    "md5": f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n',
    "token": '[account]\ntoken = "demo-token"\n',
}


@pytest.fixture(params=["md5", "token"])
def auth(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _run(sandbox: Sandbox, config: Path, *argv: str) -> int:
    return main([*argv, "--api-url", sandbox.url, "--config", str(config)])


def _configured(tmp_path: Path, sandbox: Sandbox, auth: str, extra: str = "") -> Path:
    config = tmp_path / "smsapi.toml"
    answers = tmp_path / "answers.toml"
    answers.write_text(ACCOUNTS[auth] + '[sender]\nmode = "eco"\n' + extra + '[test]\nto = "500000000"\n')
    assert _run(sandbox, config, "apply", str(answers)) == ExitCode.OK
    return config


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_request_wait_approve_switch(tmp_path: Path, sandbox: Sandbox, auth: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, auth)
    capsys.readouterr()
    assert _run(sandbox, config, "sender", "add", "AutoSerwis", "--accept-statement", "--json") == ExitCode.OK
    added = _json(capsys)
    assert added["requested"] == "AutoSerwis" and added["sender"]["state"] == "waiting"  # type: ignore[index]
    saved = tomllib.loads(config.read_text())["sender"]
    assert saved["mode"] == "eco" and saved["requested"] == "AutoSerwis" and "requested_at" in saved

    sent = len(sandbox.outbox)
    assert _run(sandbox, config, "sender", "use", "AutoSerwis") == ExitCode.REFUSED  # waiting: nothing changes
    assert tomllib.loads(config.read_text())["sender"]["mode"] == "eco" and len(sandbox.outbox) == sent
    capsys.readouterr()
    assert _run(sandbox, config, "check", "--json") == ExitCode.OK
    assert _json(capsys)["requested"]["state"] == "waiting"  # type: ignore[index]

    assert sandbox.state.decide("AutoSerwis", "ACTIVE") == 1
    assert _run(sandbox, config, "check", "--json") == ExitCode.OK
    ready = _json(capsys)["requested"]
    assert ready == {"name": "AutoSerwis", "status": "ACTIVE", "state": "usable",  # the command names these settings
                     "switch_command": f'sms-tui --config {config} sender use "AutoSerwis"'}

    assert _run(sandbox, config, "sender", "use", "AutoSerwis") == ExitCode.OK
    saved = tomllib.loads(config.read_text())["sender"]
    assert saved == {"mode": "pro", "name": "AutoSerwis"}  # the request cleared in the same save
    assert sandbox.state.accounts["demo"].default_sender == "AutoSerwis"
    assert len(sandbox.outbox) == sent  # checked with test=1: nothing delivered, nothing charged
    capsys.readouterr()
    assert _run(sandbox, config, "sender", "list", "--json") == ExitCode.OK
    listed = {s["sender"]: s for s in _json(capsys)["senders"]}  # type: ignore[attr-defined]
    assert listed["AutoSerwis"]["default"] and listed["NowySklep"]["state"] == "waiting"


def test_use_with_a_real_test(tmp_path: Path, sandbox: Sandbox, auth: str) -> None:
    config = _configured(tmp_path, sandbox, auth)
    assert _run(sandbox, config, "sender", "use", "DemoSerwis", "--test-to", "600 123 456") == ExitCode.OK
    assert [(m.to, m.sender) for m in sandbox.outbox[-1:]] == [("48600123456", "DemoSerwis")]


def test_without_the_statement_nothing_is_requested(tmp_path: Path, sandbox: Sandbox, auth: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, auth)
    capsys.readouterr()
    assert _run(sandbox, config, "sender", "add", "AutoSerwis") == ExitCode.USAGE
    out = capsys.readouterr()
    assert "Oświadczenie" in out.out or "oświadcz" in out.out.lower()
    assert "--accept-statement" in out.err
    assert "AutoSerwis" not in sandbox.state.accounts["demo"].senders and "requested" not in config.read_text()


@pytest.mark.parametrize(("name", "words"), [("Kraśnik", "Krasnik"), ("Bardzo Długa Nazwa", "11"), ("", "Wpisz")])
def test_an_invalid_name_is_refused_with_the_reason(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str],
                                                    name: str, words: str) -> None:
    config = _configured(tmp_path, sandbox, "md5")
    requests = len(sandbox.state.requests)
    assert _run(sandbox, config, "sender", "add", name, "--accept-statement") == ExitCode.USAGE
    assert words in capsys.readouterr().err and len(sandbox.state.requests) == requests


def test_a_name_on_the_account_reports_its_status(tmp_path: Path, sandbox: Sandbox, auth: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, auth)
    capsys.readouterr()
    assert _run(sandbox, config, "sender", "add", "NowySklep", "--json") == ExitCode.OK  # no statement needed: nothing is asked
    payload = _json(capsys)
    assert payload["sender"]["state"] == "waiting" and payload["requested"] == "NowySklep"  # type: ignore[index]
    assert _run(sandbox, config, "sender", "add", "Odrzucona", "--json") == ExitCode.REFUSED  # a script must not read it as success
    assert _json(capsys)["sender"]["state"] == "refused"  # type: ignore[index]
    assert _run(sandbox, config, "sender", "use", "Odrzucona") == ExitCode.REFUSED
    assert "inną nazwę" in capsys.readouterr().err


def test_a_token_without_the_sendernames_scope(tmp_path: Path, sandbox: Sandbox) -> None:
    config = tmp_path / "smsapi.toml"
    config.write_text('schema = 1\n[account]\nauth = "token"\ntoken = "demo-token-bez-sms"\n')
    assert _run(sandbox, config, "sender", "add", "AutoSerwis", "--accept-statement") == ExitCode.CREDENTIALS


def test_apply_requests_the_name_and_saves_eco_meanwhile(tmp_path: Path, sandbox: Sandbox, auth: str) -> None:
    config = _configured(tmp_path, sandbox, auth, 'request = "AutoSerwis"\naccept_statement = true\n')
    saved = tomllib.loads(config.read_text())["sender"]
    assert saved["mode"] == "eco" and saved["requested"] == "AutoSerwis"
    assert sandbox.state.accounts["demo"].senders["AutoSerwis"] == "INACTIVE"
    assert sandbox.outbox[-1].sender == "ECO"


def test_apply_refuses_a_request_without_the_statement(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(ACCOUNTS["md5"] + '[sender]\nrequest = "Kraśnik"\n[test]\nto = "500000000"\n')
    assert _run(sandbox, tmp_path / "s.toml", "apply", str(answers)) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "sender.request" in err and "Krasnik" in err and "sender.accept_statement" in err
    assert sandbox.outbox == []


@pytest.mark.parametrize("test_to", [None, "500000088"])
def test_sender_use_changes_nothing_at_smsapi_when_the_settings_cannot_be_saved(tmp_path: Path, sandbox: Sandbox, test_to: str | None,
                                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Checked before the default is made and before a real test SMS goes out (here: another
    process holds the settings' lock; a read-only folder is refused the same way)."""

    config = _configured(tmp_path, sandbox, "md5")
    sandbox.state.decide("NowySklep", "ACTIVE")
    sent, before = len(sandbox.outbox), config.read_bytes()
    with locked(config):
        code = _run(sandbox, config, "sender", "use", "NowySklep", *(["--test-to", test_to] if test_to else []))
    assert code == ExitCode.USAGE and "inny proces" in capsys.readouterr().err
    assert len(sandbox.outbox) == sent and config.read_bytes() == before
    assert _run(sandbox, config, "sender", "list", "--json") == ExitCode.OK
    names = {s["sender"]: s for s in _json(capsys)["senders"]}  # type: ignore[union-attr]
    assert names["DemoSerwis"]["default"] and not names["NowySklep"]["default"]  # SMSAPI's default unchanged


def test_sender_use_retried_sends_its_real_test_once(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, "md5")
    sandbox.state.decide("NowySklep", "ACTIVE")
    sent = len(sandbox.outbox)
    for _ in range(2):
        assert _run(sandbox, config, "sender", "use", "NowySklep", "--test-to", "500000088") == ExitCode.OK
    assert len(sandbox.outbox) == sent + 1 and "nie wysyłam drugi raz" in capsys.readouterr().out


def test_sender_use_of_a_name_not_on_the_account_says_how_to_request_it(tmp_path: Path, sandbox: Sandbox,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, "md5")
    capsys.readouterr()
    assert _run(sandbox, config, "sender", "use", "Nieistnieje") == ExitCode.REFUSED
    err = capsys.readouterr().err
    assert err.count("nie ma na koncie") == 1 and f"--config {config} sender add \"Nieistnieje\"" in err


def test_a_second_request_says_the_first_is_no_longer_followed(tmp_path: Path, sandbox: Sandbox,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, "md5")
    assert _run(sandbox, config, "sender", "add", "Pierwsza", "--accept-statement") == ExitCode.OK
    capsys.readouterr()
    assert _run(sandbox, config, "sender", "add", "Druga", "--accept-statement", "--json") == ExitCode.OK
    payload = _json(capsys)
    assert any(s.get("warning") and "Pierwsza" in s["message"] for s in payload["steps"])  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["X\\u001b[2J\\u001b]0;pwned\\u0007Y", "Kraśnik", "A" * 40, "\\u202eevil"])
def test_a_hand_edited_requested_name_never_reaches_the_terminal(tmp_path: Path, sandbox: Sandbox, value: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = _configured(tmp_path, sandbox, "md5")
    config.write_text(config.read_text().replace('mode = "eco"', f'mode = "eco"\nrequested = "{value}"'))
    capsys.readouterr()
    for command in (["sender", "list"], ["check"], ["watch"]):
        assert _run(sandbox, config, *command) == ExitCode.USAGE
        out, err = capsys.readouterr()
        assert "\x1b" not in out + err and "\u202e" not in out + err and "requested" in err

"""`apply` as a fleet runs it every night: the same answers change nothing and text nobody — not
even after SMSAPI's check_idx window (24 h) has passed on the sandbox's clock; a real difference
is a change (`changed`, a masked `diff`), and only a change of account, secret, sender or number
costs a new test SMS. `--dry-run` says what would change; `apply -` reads the answers from stdin."""

from __future__ import annotations

import io
import json
import os
import tomllib
from pathlib import Path
from typing import Any

import httpx
import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from sms_tui.settings.diff import settings_diff
from tests.conftest import DEMO_MD5
from tests.samples import ECO_MD5, answers_file, saved_settings

DAY = 24 * 3600


def _apply(sandbox: Sandbox, config: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["apply", *argv, "--json", "--api-url", sandbox.url, "--config", str(config)])
    return code, json.loads(capsys.readouterr().out)


def _stamp(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns


def _advance(sandbox: Sandbox, seconds: float) -> None:
    httpx.post(f"{sandbox.url}__sandbox/clock", json={"advance": seconds}, timeout=10).raise_for_status()


def test_the_same_answers_every_night_send_one_sms_ever(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config, answers = tmp_path / "shop" / "smsapi.toml", answers_file(tmp_path, ECO_MD5)
    code, first = _apply(sandbox, config, capsys, answers)
    assert code == ExitCode.OK and first["changed"] is True and len(sandbox.outbox) == 1
    assert first["diff"]["account.username"] == {"before": None, "after": "demo"}
    stamp, message_id = _stamp(config), tomllib.loads(config.read_text())["verified"]["message_id"]
    for night in range(3):  # the second within the window, then each a day later
        code, again = _apply(sandbox, config, capsys, answers)
        assert (code, again["changed"], again["diff"]) == (ExitCode.OK, False, {}), night
        assert len(sandbox.outbox) == 1 and _stamp(config) == stamp
        test = next(s for s in again["steps"] if s["step"] == "test_send")
        assert test["already_verified"] is True and test["message_id"] == message_id
        _advance(sandbox, DAY + 60)
    code, rehearsed = _apply(sandbox, config, capsys, answers, "--dry-run")
    assert (rehearsed["would_change"], rehearsed["would_send"], rehearsed["diff"]) == (False, False, {})


def test_retest_sends_a_new_test(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config, answers = tmp_path / "smsapi.toml", answers_file(tmp_path, ECO_MD5)
    _apply(sandbox, config, capsys, answers)
    code, within = _apply(sandbox, config, capsys, answers, "--retest")  # within the window: SMSAPI refuses the repeat
    assert code == ExitCode.OK and within["changed"] is False and len(sandbox.outbox) == 1
    _advance(sandbox, DAY + 60)
    code, after = _apply(sandbox, config, capsys, answers, "--retest")
    assert code == ExitCode.OK and after["changed"] is True and len(sandbox.outbox) == 2
    assert set(after["diff"]) >= {"verified.message_id", "verified.at"}


def test_a_setting_that_is_not_the_test_changes_without_an_sms(tmp_path: Path, sandbox: Sandbox,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    _apply(sandbox, config, capsys, answers_file(tmp_path, ECO_MD5))
    stamp = _stamp(config)
    changed = answers_file(tmp_path, ECO_MD5 + "[alerts]\nlow_balance = 5\n", "changed.toml")
    code, rehearsed = _apply(sandbox, config, capsys, changed, "--dry-run")
    assert code == ExitCode.OK and rehearsed["would_change"] is True and rehearsed["would_send"] is False
    assert rehearsed["diff"] == {"alerts.low_balance": {"before": 0.0, "after": 5.0}} and _stamp(config) == stamp
    code, applied = _apply(sandbox, config, capsys, changed)
    assert (applied["changed"], applied["diff"]) == (True, rehearsed["diff"]) and len(sandbox.outbox) == 1
    assert tomllib.loads(config.read_text())["alerts"]["low_balance"] == 5


def test_another_number_or_sender_needs_the_real_test(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    _apply(sandbox, config, capsys, answers_file(tmp_path, ECO_MD5))
    other_number = answers_file(tmp_path, ECO_MD5.replace("+48 500-000-000", "600 100 200"), "number.toml")
    code, rehearsed = _apply(sandbox, config, capsys, other_number, "--dry-run")
    assert rehearsed["would_send"] is True and rehearsed["diff"]["verified.to"]["before"] == "48500000000"
    code, applied = _apply(sandbox, config, capsys, other_number)
    assert code == ExitCode.OK and applied["changed"] is True and len(sandbox.outbox) == 2
    pro = answers_file(tmp_path, ECO_MD5.replace("600 100 200", "+48 500-000-000").replace('mode = "eco"', 'mode = "pro"\nname = "DemoSerwis"'), "pro.toml")
    code, applied = _apply(sandbox, config, capsys, pro)
    assert code == ExitCode.OK and len(sandbox.outbox) == 3 and sandbox.outbox[-1].sender == "DemoSerwis"
    assert applied["diff"]["sender.mode"] == {"before": "eco", "after": "pro"}


def test_answers_from_stdin_toml_or_json(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "smsapi.toml"
    monkeypatch.setattr("sys.stdin", io.StringIO(ECO_MD5))
    code, first = _apply(sandbox, config, capsys, "-")
    assert code == ExitCode.OK and first["changed"] is True
    as_json = {"account": {"username": "demo"}, "sender": {"mode": "eco"}, "test": {"to": "+48 500-000-000"}}
    monkeypatch.setenv("SMSAPI_PASSWORD_MD5", DEMO_MD5.upper())
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(as_json)))
    code, again = _apply(sandbox, config, capsys, "-")
    assert (code, again["changed"]) == (ExitCode.OK, False) and len(sandbox.outbox) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO('{"account": {"username": "demo",}'))
    code, refused = _apply(sandbox, config, capsys, "-")
    assert code == ExitCode.USAGE and "standardowego wejścia" in refused["problems"][0] and "JSON" in refused["problems"][0]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({**as_json, "colour": "red"})))
    code, refused = _apply(sandbox, config, capsys, "-")
    assert code == ExitCode.USAGE and any("colour" in p for p in refused["problems"])


def test_a_changed_secret_is_said_even_when_it_masks_alike() -> None:
    before = saved_settings("0" * 30 + "29")
    after = before.model_copy(update={"account": saved_settings("1" * 30 + "29").account})
    assert settings_diff(before, after) == {"account.password_md5": {"before": "••••••••29", "after": "••••••••29 (changed)"}}
    assert settings_diff(before, before.model_copy(deep=True)) == {}
    assert all(DEMO_MD5 not in str(v) for v in settings_diff(None, saved_settings()).values())


def test_sender_use_says_whether_it_changed_anything(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    _apply(sandbox, config, capsys, answers_file(tmp_path, ECO_MD5))
    argv = ["sender", "use", "DemoSerwis", "--json", "--api-url", sandbox.url, "--config", str(config)]
    assert main(argv) == ExitCode.OK
    first = json.loads(capsys.readouterr().out)
    assert first["changed"] is True and first["diff"]["sender.mode"] == {"before": "eco", "after": "pro"}
    stamp = _stamp(config)
    assert main(argv) == ExitCode.OK
    again = json.loads(capsys.readouterr().out)
    assert (again["changed"], again["diff"], _stamp(config)) == (False, {}, stamp)


def test_already_accepted_converges(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 37: the settings removed and applied again (or two shops on one account testing the
    same phone) meet SMSAPI's "already accepted"; the record kept then makes every later run
    unchanged — the same inode and mtime, no restart of the shop's software, no SMS."""
    config, answers = tmp_path / "smsapi.toml", answers_file(tmp_path, ECO_MD5)
    _apply(sandbox, config, capsys, answers)
    config.unlink()  # /etc/sms-tui removed by hand
    code, again = _apply(sandbox, config, capsys, answers)
    assert code == ExitCode.OK and any(s.get("already_accepted") for s in again["steps"]) and len(sandbox.outbox) == 1
    stamp = _stamp(config)
    for _ in range(2):
        code, later = _apply(sandbox, config, capsys, answers)
        assert (code, later["changed"], later["diff"]) == (ExitCode.OK, False, {})
        assert _stamp(config) == stamp and len(sandbox.outbox) == 1


def test_the_saved_api_url_is_used_and_a_dry_run_invents_no_message_id(tmp_path: Path, sandbox: Sandbox,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    config, answers = tmp_path / "smsapi.toml", answers_file(tmp_path, ECO_MD5)
    _apply(sandbox, config, capsys, answers)  # --api-url: the sandbox, saved as api_url
    capsys.readouterr()
    code = main(["apply", answers, "--json", "--config", str(config)])  # no --api-url: the saved one, not SMSAPI itself
    done = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK and done["changed"] is False, done
    moved = answers_file(tmp_path, ECO_MD5.replace("+48 500-000-000", "500 000 001"), "moved.toml")
    code, rehearsed = _apply(sandbox, config, capsys, moved, "--dry-run")
    assert code == ExitCode.OK and rehearsed["would_send"] is True
    assert "verified.message_id" not in rehearsed["diff"]  # the free probe's id is no SMS anyone will find


def test_numbers_given_as_numbers_are_that_text(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An INI inventory (or a JSON template) hands digits over as numbers: they are the same text
    (finding 37: the error said both "must be quoted text" and "required key missing")."""
    answers = json.dumps({"account": {"username": "demo", "password_md5": DEMO_MD5}, "sender": {"mode": "eco"},
                          "test": {"to": 500000000}, "alerts": {"notify_to": 600100200}})
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    capsys.readouterr()
    code = main(["apply", "-", "--json", "--api-url", sandbox.url, "--config", str(tmp_path / "smsapi.toml")])
    done = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK, done
    saved = tomllib.loads((tmp_path / "smsapi.toml").read_text())
    assert saved["verified"]["to"] == "48500000000" and saved["alerts"]["notify_to"] == "48600100200"

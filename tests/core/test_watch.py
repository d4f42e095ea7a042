"""`sms-tui watch` against the sandbox: a notice on a change, once; the state file; the command."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from sms_tui import i18n
from sms_tui.base.locks import locked
from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.rules import measure
from sms_tui.sandbox import Sandbox
from sms_tui.watch import monitor as watch

OWNER = "48600100200"
RECORDER = """
import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(json.loads(sys.stdin.read())) + "\\n")
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
"""


def _configure(sandbox: Sandbox, tmp_path: Path, alerts: str, *, sender: str = 'mode = "eco"') -> Path:
    answers = tmp_path / "answers.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword = "demo"\n[sender]\n{sender}\n'
                       f'[test]\nto = "500 000 000"\n[alerts]\n{alerts}\n')
    config = tmp_path / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    return config


def _watch(sandbox: Sandbox, config: Path, *extra: str, url: str | None = None) -> int:
    return main(["watch", "--api-url", url or sandbox.url, "--config", str(config), *extra])


def _notices(sandbox: Sandbox) -> list[str]:
    return [m.message for m in sandbox.outbox if m.to == OWNER]


def _recorder(tmp_path: Path, exit_code: int = 0) -> tuple[str, Path]:
    script, log = tmp_path / "record.py", tmp_path / "notices.jsonl"
    script.write_text(RECORDER)
    return json.dumps([sys.executable, str(script), str(log), str(exit_code)]), log


def _received(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_low_balance_told_once_then_ok_again(sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configure(sandbox, tmp_path, 'low_balance = 50\nnotify_to = "600 100 200"')
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    [low] = _notices(sandbox)
    assert "ponizej progu 50" in low and "Doladuj" in low  # no Polish letters: one 160-character SMS
    assert "powiadomienie (SMS do 48600100200)" in capsys.readouterr().out

    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert len(_notices(sandbox)) == 1
    assert "bez zmian" in capsys.readouterr().out

    sandbox.state.accounts["demo"].points = 500.0
    assert _watch(sandbox, config) == ExitCode.OK
    assert len(_notices(sandbox)) == 2 and "znow powyzej progu" in _notices(sandbox)[1]
    assert _watch(sandbox, config) == ExitCode.OK
    assert len(_notices(sandbox)) == 2


def test_state_file_is_private_and_a_lost_state_sends_no_second_sms(sandbox: Sandbox, tmp_path: Path) -> None:
    config = _configure(sandbox, tmp_path, f'low_balance = 50\nnotify_to = "{OWNER}"')
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    path = watch.state_path(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "demo" not in path.read_text().replace("sms-tui", "")  # no secret, no password: only states and times
    path.unlink()  # as if the run had died after SMSAPI accepted the notice, before saving the state
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert len(_notices(sandbox)) == 1  # the same idx: SMSAPI answered "already accepted"
    assert watch.load(path).channel("sms").told["balance"] == "low"


def test_flapping_balance_is_quiet_for_a_day(sandbox: Sandbox, tmp_path: Path) -> None:
    config = _configure(sandbox, tmp_path, f'low_balance = 50\nnotify_to = "{OWNER}"')
    account = sandbox.state.accounts["demo"]
    for points in (10.0, 500.0, 10.0):
        account.points = points
        _watch(sandbox, config)
    assert len(_notices(sandbox)) == 2  # low, ok again; the second low waits out the 24 h
    path = watch.state_path(config)
    state = watch.load(path)
    state.channel("sms").sent = {key: at - watch.QUIET - 1 for key, at in state.channel("sms").sent.items()}
    watch.save(state, path, config)
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert len(_notices(sandbox)) == 3


def test_refused_credentials_reach_the_command_not_the_gateway(sandbox: Sandbox, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    command, log = _recorder(tmp_path)
    config = _configure(sandbox, tmp_path, f'notify_to = "{OWNER}"\nnotify_command = {command}')
    assert _watch(sandbox, config) == ExitCode.OK
    assert _received(log) == [] and _notices(sandbox) == []  # all fine on the first run: nothing to say

    sandbox.state.accounts["demo"].password = "zmienione-w-panelu"
    assert _watch(sandbox, config) == ExitCode.CREDENTIALS
    [got] = _received(log)
    assert got["event"] == "credentials.refused" and got["account"] == "demo" and got["source"] == "sms-tui"
    assert "odrzuca dane logowania" in str(got["text"])
    assert "fe01ce2a" not in json.dumps(got)  # never a secret
    assert _notices(sandbox) == []  # the gateway refuses us: no SMS can say so
    err = capsys.readouterr().err
    assert "nie może pójść przez SMSAPI" in err and "Ustaw też [alerts] notify_command" not in err  # it is set, and just told

    assert _watch(sandbox, config) == ExitCode.CREDENTIALS
    assert len(_received(log)) == 1

    sandbox.state.accounts["demo"].password = "demo"
    assert _watch(sandbox, config) == ExitCode.OK
    assert [n["event"] for n in _received(log)] == ["credentials.refused", "credentials.ok"]
    assert _notices(sandbox) == []  # the SMS channel was never told it broke


def test_unreachable_and_reachable_again(sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command, log = _recorder(tmp_path)
    config = _configure(sandbox, tmp_path, f'notify_command = {command}')
    dead = Sandbox().start()
    dead_url = dead.url
    dead.stop()
    capsys.readouterr()
    assert _watch(sandbox, config, "--json", url=dead_url) == ExitCode.UNREACHABLE
    out = capsys.readouterr().out
    payload = json.loads(out)
    # the gateway out of reach; the money guard's ledger is local, so still watched
    assert payload["conditions"] == {"gateway": "unreachable", "spend": "ok"} and payload["notices"][0]["channels"] == {"command": "sent"}
    assert "Traceback" not in out
    assert _watch(sandbox, config) == ExitCode.OK
    assert [n["event"] for n in _received(log)] == ["gateway.unreachable", "gateway.reachable"]


def test_a_failing_command_is_retried(sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    command, log = _recorder(tmp_path, exit_code=3)
    config = _configure(sandbox, tmp_path, f'low_balance = 50\nnotify_command = {command}')
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert "zakończył się kodem 3" in capsys.readouterr().err
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert len(_received(log)) == 2  # not told yet: tried again


def test_a_missing_command_says_so(sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configure(sandbox, tmp_path, 'low_balance = 50\nnotify_command = "/nie/ma/takiego --x"')
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert "nie ma programu /nie/ma/takiego — podaj pełną ścieżkę w [alerts] notify_command" in capsys.readouterr().err


def test_approved_name_is_good_news(sandbox: Sandbox, tmp_path: Path) -> None:
    config = _configure(sandbox, tmp_path, f'notify_to = "{OWNER}"',
                        sender='mode = "eco"\nrequest = "AutoSerwis"\naccept_statement = true')
    assert _watch(sandbox, config) == ExitCode.OK
    assert _notices(sandbox) == []  # waiting is not news
    assert sandbox.state.decide("AutoSerwis", "ACTIVE", "demo")
    assert _watch(sandbox, config) == ExitCode.OK
    [approved] = _notices(sandbox)
    assert 'zatwierdzilo nazwe nadawcy "AutoSerwis"' in approved and 'sms-tui sender use "AutoSerwis"' in approved


def test_nobody_to_tell_still_checks(sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _configure(sandbox, tmp_path, "low_balance = 50")
    assert _watch(sandbox, config) == ExitCode.LOW_BALANCE
    assert i18n.t("watch.nobody") in capsys.readouterr().err


def test_notices_in_the_settings_language(sandbox: Sandbox, tmp_path: Path) -> None:
    config = _configure(sandbox, tmp_path, f'low_balance = 50\nnotify_to = "{OWNER}"\nlanguage = "en"')
    assert _watch(sandbox, config, "--lang", "pl") == ExitCode.LOW_BALANCE
    assert "below the threshold of 50" in _notices(sandbox)[0]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("event", sorted({f"{c}.{s}" for c, s in [
    ("balance", "low"), ("balance", "ok"), ("credentials", "refused"), ("credentials", "ok"), ("gateway", "unreachable"),
    ("gateway", "reachable"), ("sender", "problem"), ("sender", "ok"), ("requested", "usable"), ("requested", "refused")]}))
@pytest.mark.parametrize("prog", ["sms-tui", "sms-tui --config /srv/sklepy/krasnik-warsztat-kowalski/ustawienia/smsapi.toml"])
def test_every_notice_is_one_sms(lang: str, event: str, prog: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the settings named in its command while that fits, else without (the command notice has it)."""
    monkeypatch.setattr(i18n, "_program", prog)
    condition, state = event.split(".")
    data = {"host": "serwer-sklep-krasnik-01", "account": "warsztat.kowalski", "points": 12345.67, "threshold": 10000,
            "sender": "AutoKrasnik", "name": "AutoKrasnik"}
    notice = watch.notice(condition, "x", state, lang, data)
    text = watch.sms_text(notice)
    length = measure(text)
    assert "{" not in text and length.parts == 1 and length.encoding == "gsm7", (text, length)
    if "{prog}" in i18n.catalogue(lang)[f"watch.{event}"]:
        assert prog in notice.text  # the command channel gets the whole command


@pytest.mark.parametrize("fault", ["drop_before", "http500", "garbage", "truncate", "empty"])
def test_whatever_the_network_does_no_traceback(sandbox: Sandbox, tmp_path: Path, fault: str) -> None:
    """As a timer runs it: a separate process, faults injected in the sandbox (every attempt)."""
    import os
    import subprocess

    command, log = _recorder(tmp_path)
    config = _configure(sandbox, tmp_path, f'low_balance = 50\nnotify_to = "{OWNER}"\nnotify_command = {command}')
    sandbox.inject(fault, times=50)
    done = subprocess.run([sys.executable, "-m", "sms_tui", "watch", "--json", "--api-url", sandbox.url, "--config", str(config)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "SMS_TUI_LOG": str(tmp_path / "log")})
    assert "Traceback" not in done.stdout + done.stderr
    payload = json.loads(done.stdout)
    assert done.returncode == payload["exit_code"] and done.returncode in (ExitCode.UNREACHABLE, ExitCode.REFUSED, ExitCode.CREDENTIALS)
    assert [n["event"] for n in _received(log)] in (["gateway.unreachable"], ["credentials.refused"])
    assert _notices(sandbox) == []


def test_a_sender_name_gone_bad_is_told_with_eco(sandbox: Sandbox, tmp_path: Path) -> None:
    """The saved PRO name cannot carry the notice about itself: the notice goes out as ECO."""
    config = _configure(sandbox, tmp_path, f'notify_to = "{OWNER}"', sender='mode = "pro"\nname = "DemoSerwis"')
    assert _watch(sandbox, config) == ExitCode.OK
    sandbox.state.accounts["demo"].senders["DemoSerwis"] = "INACTIVE"
    assert _watch(sandbox, config) == ExitCode.REFUSED
    [notice] = [m for m in sandbox.outbox if m.to == OWNER]
    assert notice.sender == "ECO" and "DemoSerwis nie dziala" in notice.message
    sandbox.state.accounts["demo"].senders["DemoSerwis"] = "ACTIVE"
    assert _watch(sandbox, config) == ExitCode.OK
    assert [m.sender for m in sandbox.outbox if m.to == OWNER] == ["ECO", "DemoSerwis"]


def test_a_second_watch_while_one_runs_says_the_first_tells(sandbox: Sandbox, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 13b: not "another process is saving the settings, try again" — nothing needs repeating."""
    from sms_tui.watch import monitor

    config = _configure(sandbox, tmp_path, 'low_balance = 50\nnotify_to = "600 100 200"')
    state = monitor.state_path(config)
    state.parent.mkdir(parents=True, exist_ok=True)
    capsys.readouterr()
    with locked(state):
        assert _watch(sandbox, config, "--json") == ExitCode.LOW_BALANCE
    payload = json.loads(capsys.readouterr().out)
    [warning] = [step for step in payload["steps"] if step.get("warning") and step["step"] == "watch"]
    assert warning["message"] == i18n.t("watch.busy", pid=str(os.getpid()), since=warning["message"].split("od ")[1].split(")")[0])
    assert _notices(sandbox) == []  # the run holding the state tells; this one does not


def test_a_spend_spike_is_told_once_and_its_end_too(sandbox: Sandbox, tmp_path: Path) -> None:
    """The money guard's view: the last hour near its limit (or anything held today) is news for the
    owner once; back below, once more."""
    command, log = _recorder(tmp_path)
    config = _configure(sandbox, tmp_path, f"notify_command = {command}")
    config.write_text(config.read_text() + "\n[guard]\nper_hour = 5\n")
    assert _watch(sandbox, config) == ExitCode.OK and _received(log) == []  # calm: nothing to say
    for n in range(4):  # 4 of 5 in the hour: 80 %
        assert main(["send", "--to", f"50030040{n}", "--message", f"Zamówienie {n}", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    assert _watch(sandbox, config) == ExitCode.OK
    [spike] = _received(log)
    assert spike["event"] == "spend.spike" and "wysłano 4 SMS" in str(spike["text"]) and "sms-tui spend" in str(spike["text"])
    assert _watch(sandbox, config) == ExitCode.OK and len(_received(log)) == 1  # told once
    config.write_text(config.read_text().replace("per_hour = 5", "per_hour = 100"))  # the technician raised it: calm again
    assert _watch(sandbox, config) == ExitCode.OK
    assert [n["event"] for n in _received(log)] == ["spend.spike", "spend.ok"]

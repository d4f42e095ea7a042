"""The headless commands in-process and as subprocesses, against the sandbox over real sockets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.samples import ECO_MD5, PRO_TOKEN, answers_file


def _run(sandbox: Sandbox, config: Path, *argv: str) -> int:
    return main([*argv, "--api-url", sandbox.url, "--config", str(config)])


def test_apply_eco_md5(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers_file(tmp_path, ECO_MD5)) == ExitCode.OK
    text = config.read_text()
    assert 'mode = "eco"' in text and DEMO_MD5 in text and 'to = "48500000000"' in text
    assert [(m.to, m.sender) for m in sandbox.outbox] == [("48500000000", "ECO")]
    out = capsys.readouterr().out
    assert "ustawienia zapisane" in out and "\x1b[" not in out and DEMO_MD5 not in out


def test_apply_pro_token_json(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers_file(tmp_path, PRO_TOKEN), "--json", "--lang", "en") == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] and payload["settings"]["sender"] == {"mode": "pro", "name": "DemoSerwis"}
    assert "demo-token" not in json.dumps(payload)
    assert sandbox.outbox[0].message == "Serwis: test bramki"


def test_apply_secret_from_environment(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSAPI_PASSWORD", "demo")
    answers = answers_file(tmp_path, '[account]\nusername = "demo"\n[test]\nto = "500000000"\n')
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers) == ExitCode.OK
    assert DEMO_MD5 in config.read_text() and "password =" not in config.read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ECO_MD5.replace(DEMO_MD5.upper(), DEMO_MD5[:31]), ["account.password_md5: Hasło MD5 ma długość 31"]),
        (PRO_TOKEN.replace("DemoSerwis", "Kraśnik"), ["sender.name: Nazwa nadawcy nie może zawierać polskich liter", "Krasnik"]),
        (PRO_TOKEN.replace("600 123 456", "22 123 45 67"), ["test.to: To numer stacjonarny"]),
        ('[account]\nusername = "demo"\n[test]\nto = "500000000"\n', ["account: brak hasła"]),
        (ECO_MD5.replace("[sender]", "[sender]\ncolour = 1").replace("username", "usrname"),
         ["sender.colour: nieznany klucz", "account.usrname: nieznany klucz"]),
        ("[account\n", ["nie jest poprawnym TOML"]),
    ],
)
def test_apply_bad_answers(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], text: str, expected: list[str]) -> None:
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers_file(tmp_path, text)) == ExitCode.USAGE
    err = capsys.readouterr().err
    for fragment in expected:
        assert fragment in err
    assert not config.exists() and sandbox.outbox == []


def test_apply_unreadable_answers(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(sandbox, tmp_path / "c.toml", "apply", str(tmp_path / "missing.toml")) == ExitCode.USAGE
    assert "Nie można odczytać pliku odpowiedzi" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("replace", "code", "fragment"),
    [
        (("demo-token", "zly-token"), ExitCode.CREDENTIALS, "Token odrzucony"),
        (("demo-token", "filtr-token"), ExitCode.CREDENTIALS, "SMSAPI widzi ten serwer jako 127.0.0.1"),
        (("DemoSerwis", "NowySklep"), ExitCode.REFUSED, "czeka na zatwierdzenie"),
        (("DemoSerwis", "Odrzucona"), ExitCode.REFUSED, "odrzuciło nazwę"),
        (("demo-token", "pusty-token"), ExitCode.REFUSED, "Doładuj konto"),
        (("demo-token", "nowy-token"), ExitCode.REFUSED, "nie jest w pełni aktywowane"),
    ],
)
def test_apply_refusals(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], replace: tuple[str, str],
                        code: ExitCode, fragment: str) -> None:
    text = PRO_TOKEN.replace(*replace)
    if replace[1] in ("pusty-token", "nowy-token"):
        text = text.replace('mode = "pro"\nname = "DemoSerwis"', 'mode = "eco"')
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers_file(tmp_path, text)) == code
    assert fragment in capsys.readouterr().err
    assert not config.exists() and sandbox.outbox == []


def test_apply_unreachable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, PRO_TOKEN), "--api-url", f"http://127.0.0.1:{port}/", "--config", str(config)]) == ExitCode.UNREACHABLE
    assert "odrzucił połączenie" in capsys.readouterr().err


def test_dry_run_changes_nothing(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    config.write_text("# the old settings\n")
    assert _run(sandbox, config, "apply", answers_file(tmp_path, PRO_TOKEN), "--dry-run", "--json") == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["dry_run"] and payload["settings"]["account"]["auth"] == "token"
    assert config.read_text() == "# the old settings\n" and sandbox.outbox == []


def test_apply_twice_sends_once(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "smsapi.toml"
    answers = answers_file(tmp_path, PRO_TOKEN)
    assert _run(sandbox, config, "apply", answers) == ExitCode.OK
    assert _run(sandbox, config, "apply", answers) == ExitCode.OK
    assert "nie wysyłam nowego" in capsys.readouterr().out  # the saved test vouches: not even an idx is spent
    config.unlink()  # saved nowhere (a crash after the send): SMSAPI's check_idx refuses the repeat
    assert _run(sandbox, config, "apply", answers) == ExitCode.OK
    assert "nie wysyłam drugi raz" in capsys.readouterr().out
    assert len(sandbox.outbox) == 1


@pytest.fixture
def configured(tmp_path: Path, sandbox: Sandbox) -> Path:
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers_file(tmp_path, PRO_TOKEN)) == ExitCode.OK
    return config


def test_check(configured: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert _run(sandbox, configured, "check", "--json") == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["points"] == pytest.approx(9.84) and payload["sender"] == "DemoSerwis"


def test_check_low_balance(configured: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    configured.write_text(configured.read_text().replace("low_balance = 0.0", "low_balance = 50"))
    assert _run(sandbox, configured, "check") == ExitCode.LOW_BALANCE
    assert "mniej niż próg 50" in capsys.readouterr().err


def test_check_without_settings(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(sandbox, tmp_path / "none.toml", "check") == ExitCode.USAGE
    assert "Brak zapisanych ustawień" in capsys.readouterr().err


def test_send_twice_same_idx(configured: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("send", "--to", "500 000 000", "--message", "Auto gotowe", "--idx", "zlecenie-17")
    assert _run(sandbox, configured, *args) == ExitCode.OK
    assert _run(sandbox, configured, *args) == ExitCode.OK
    assert "już przyjęta" in capsys.readouterr().out
    assert [m.message for m in sandbox.outbox].count("Auto gotowe") == 1


def test_send_refused_number(configured: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(sandbox, configured, "send", "--to", "22 123 45 67", "--message", "x") == ExitCode.USAGE
    assert "stacjonarny" in capsys.readouterr().err


def test_show_masks_secrets(configured: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert _run(sandbox, configured, "show") == ExitCode.OK
    assert _run(sandbox, configured, "show", "--json") == ExitCode.OK
    out = capsys.readouterr().out
    assert "demo-token" not in out and "DemoSerwis" in out and "••••" in out


def test_no_terminal_hint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == ExitCode.USAGE  # pytest's stdin is not a terminal
    assert "sms-tui apply" in capsys.readouterr().err


def test_usage_error_is_2() -> None:
    assert main(["send", "--to"]) == ExitCode.USAGE


def _cli(*argv: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sms_tui", *argv], capture_output=True, text=True, input=stdin,
                          env={**os.environ, **(env or {})}, timeout=60)


@pytest.mark.slow
def test_subprocess_apply_send_show(tmp_path: Path, sandbox: Sandbox) -> None:
    config = str(tmp_path / "smsapi.toml")
    answers = answers_file(tmp_path, ECO_MD5.replace(f'password_md5 = "{DEMO_MD5.upper()}"', ""))
    done = _cli("apply", answers, "--api-url", sandbox.url, "--config", config, env={"SMSAPI_PASSWORD_MD5": DEMO_MD5})
    assert done.returncode == 0, done.stderr
    done = _cli("--config", config, "send", "--stdin", "--to", "500000000", "--api-url", sandbox.url, stdin="Z wejścia\n")
    assert done.returncode == 0, done.stderr
    assert sandbox.outbox[-1].message == "Z wejścia"
    done = _cli("show", "--config", config, "--lang", "en")
    assert done.returncode == 0 and "Mode: ECO" in done.stdout and DEMO_MD5 not in done.stdout
    assert _cli("check", "--config", config, "--api-url", "http://127.0.0.1:9/").returncode == ExitCode.UNREACHABLE


def test_subprocess_version() -> None:
    done = _cli("--version")
    assert done.returncode == 0 and done.stdout.startswith("sms-tui ")


def test_sandbox_command_prints_url_and_serves(tmp_path: Path) -> None:
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sms_tui", "sandbox", "--port", str(port), "--lang", "en"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first
        assert "demo-token" in proc.stdout.readline()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/profile", headers={"Authorization": "Bearer demo-token"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["points"] == 10.0
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_unreadable_ca_bundle_is_a_usage_error_saying_what_to_give(tmp_path: Path, sandbox: Sandbox,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(sandbox, tmp_path / "smsapi.toml", "check", "--ca-bundle", str(tmp_path / "proxy-ca.pem"))
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "proxy-ca.pem: nie ma takiego pliku" in err and "PEM" in err and "Traceback" not in err


def test_every_answers_problem_is_listed_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown key or a wrong value does not hide the problems of the values that could be read."""
    answers = answers_file(tmp_path, '[account]\nusername = "demo"\npassword = "x"\npassword_md5 = "abc"\nfoo = 1\n'
                                     '[sender]\nmode = "eco"\nname = "X"\nrequest = "Kraśnik"\naccept_statement = "yes"\n'
                                     '[test]\nto = "123"\n[alerts]\nwatch = "weekly"\nnotify_to = "123"\n')
    assert main(["apply", answers, "--json", "--config", str(tmp_path / "s.toml")]) == ExitCode.USAGE
    keys = {problem.split(":", 1)[0] for problem in json.loads(capsys.readouterr().out)["problems"]}
    assert keys == {"account.foo", "account", "sender.name", "sender.request", "sender.accept_statement", "test.to",
                    "alerts.watch", "alerts.notify_to"}


def test_check_with_a_token_says_no_question_marks(configured: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """A token's /profile has points only: the line says the points, as the wizard does, not "? SMS PRO"."""
    capsys.readouterr()
    assert _run(sandbox, configured, "check") == ExitCode.OK
    out = capsys.readouterr().out
    assert "?" not in out and "9.84 pkt" in out


def test_the_sandbox_refuses_a_negative_approval_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--approve-after", "-5"]) == ExitCode.USAGE
    assert "--approve-after -5" in capsys.readouterr().out


def test_a_threshold_is_written_one_way(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 15: "próg 50 pkt" in the check line as in the notice, never "50.0"."""
    config = tmp_path / "smsapi.toml"
    assert _run(sandbox, config, "apply", answers_file(tmp_path, PRO_TOKEN)) == ExitCode.OK
    config.write_text(config.read_text().replace("low_balance = 0.0", "low_balance = 50.0"))
    capsys.readouterr()
    assert _run(sandbox, config, "check") == ExitCode.LOW_BALANCE
    err = capsys.readouterr().err
    assert "próg 50 pkt" in err and "50.0" not in err


def test_plain_show_names_the_api_address_readers_alerts_and_outbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A sandbox URL left in production must be seen without --json (finding 37)."""
    config = tmp_path / "smsapi.toml"
    config.write_text(f'schema = 1\n[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\napi_url = "http://127.0.0.1:9/"\n'
                      '[alerts]\nnotify_to = "48600100200"\n[outbox]\ndir = "/var/spool/sklep"\n')
    config.chmod(0o600)
    capsys.readouterr()
    assert main(["show", "--config", str(config)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9/" in out and "48600100200" in out and "/var/spool/sklep" in out and DEMO_MD5 not in out

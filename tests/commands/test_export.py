"""`sms-tui export`: the hand-off in the formats shop software reads. The secret never goes to a
terminal; a file gets the settings file's owner and mode, atomically."""

from __future__ import annotations

import io
import json
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.commands import export
from sms_tui.commands.common import Context
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from sms_tui.settings import handoff
from tests.conftest import DEMO_MD5
from tests.samples import answers_file

PRO_MD5 = f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "pro"\nname = "DemoSerwis"\n[test]\nto = "500000000"\n'


@pytest.fixture
def config(tmp_path: Path, sandbox: Sandbox) -> Path:
    path = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, PRO_MD5), "--api-url", sandbox.url, "--config", str(path)]) == ExitCode.OK
    return path


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _args(**kwargs: object) -> object:
    import argparse

    return argparse.Namespace(**{"format": "env", "output": None, **kwargs})


def test_env_for_systemd_and_a_shell(config: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    out = io.StringIO()
    assert export.run(Context(config_path=config, out=out), _args()) == ExitCode.OK  # type: ignore[arg-type]
    text = out.getvalue()
    assert f'SMSAPI_PASSWORD_MD5="{DEMO_MD5}"' in text and 'SMSAPI_FROM="DemoSerwis"' in text and "SMSAPI_TOKEN" not in text
    assert f'SMSAPI_URL="{sandbox.url}"' in text  # the sandbox is not SMSAPI itself: named
    env_file = tmp_path / "shop.env"
    env_file.write_text(text)
    shell = subprocess.run(["sh", "-c", f"set -a; . {shlex.quote(str(env_file))}; env"], capture_output=True, text=True, check=True)
    assert f"SMSAPI_PASSWORD_MD5={DEMO_MD5}" in shell.stdout.splitlines() and "SMSAPI_USERNAME=demo" in shell.stdout.splitlines()


def test_json_and_a_value_that_needs_quoting(config: Path, tmp_path: Path) -> None:
    out = io.StringIO()
    assert export.run(Context(config_path=config, out=out), _args(format="json")) == ExitCode.OK  # type: ignore[arg-type]
    values = json.loads(out.getvalue())
    assert values["SMSAPI_USERNAME"] == "demo" and values["SMSAPI_PASSWORD_MD5"] == DEMO_MD5
    tricky = {"SMSAPI_FROM": 'A "b" $HOME `x` \\'}
    env_file = tmp_path / "t.env"
    env_file.write_text(handoff.env_text(tricky))
    shell = subprocess.run(["sh", "-c", f'. {shlex.quote(str(env_file))}; printf %s "$SMSAPI_FROM"'], capture_output=True, text=True, check=True)
    assert shell.stdout == tricky["SMSAPI_FROM"]


def test_never_to_a_terminal(config: Path) -> None:
    out, err = _Tty(), io.StringIO()
    assert export.run(Context(config_path=config, out=out, err=err), _args()) == ExitCode.USAGE  # type: ignore[arg-type]
    assert DEMO_MD5 not in out.getvalue() + err.getvalue() and "--output" in err.getvalue()


def test_a_file_gets_the_settings_owner_and_mode_atomically(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "etc" / "shop.env"
    target.parent.mkdir()
    target.write_text("old\n")
    before = target.stat().st_ino
    assert main(["export", "--output", str(target), "--config", str(config)]) == ExitCode.OK
    info = target.stat()
    assert info.st_ino != before and stat.S_IMODE(info.st_mode) == stat.S_IMODE(config.stat().st_mode)
    assert (info.st_uid, info.st_gid) == (config.stat().st_uid, config.stat().st_gid)
    assert DEMO_MD5 in target.read_text() and DEMO_MD5 not in capsys.readouterr().out
    assert main(["export", "--output", str(tmp_path), "--config", str(config)]) == ExitCode.USAGE  # a folder


def test_output_dash_is_standard_output_never_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "smsapi.toml"
    config.write_text(f'schema = 1\n[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n')
    config.chmod(0o600)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["export", "--format", "env", "--output", "-", "--config", str(config)]) == ExitCode.OK
    assert f'SMSAPI_PASSWORD_MD5="{DEMO_MD5}"' in capsys.readouterr().out and not (tmp_path / "-").exists()


def test_answers_on_standard_input_are_named_so_in_the_readers_language(capsys: pytest.CaptureFixture[str],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for text, expected in (("{nie json", "Odpowiedzi ze standardowego wejścia nie są poprawnym obiektem JSON: brak klucza w cudzysłowie"),
                           ("", "Na standardowym wejściu nic nie ma")):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
        capsys.readouterr()
        assert main(["apply", "-", "--dry-run"]) == ExitCode.USAGE
        said = capsys.readouterr()
        assert expected in said.out + said.err and "z ze" not in said.out + said.err and "Expecting" not in said.out + said.err


def test_a_copy_named_once_follows_every_save(config: Path, sandbox: Sandbox, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 37: the env file kept the old sender after `sender use`. Exported once to a file, it
    is named in `[export]`, and every save (here `sender use`) rewrites it."""
    target = tmp_path / "shop.env"
    assert main(["export", "--format", "env", "--output", str(target), "--config", str(config)]) == ExitCode.OK
    assert 'SMSAPI_FROM="DemoSerwis"' in target.read_text()
    assert f'env = "{target}"' in config.read_text()
    sandbox.state.accounts["demo"].senders["NowySklep"] = "ACTIVE"  # SMSAPI approved the shop's new name
    assert main(["sender", "use", "NowySklep", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    assert 'SMSAPI_FROM="NowySklep"' in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(config.stat().st_mode)

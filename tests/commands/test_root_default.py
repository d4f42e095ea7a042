"""Root's settings live where a shop service can reach them: without --config root reads and
writes the system file (/etc/sms-tui/smsapi.toml; here SMS_TUI_SYSTEM_CONFIG points into the
test's HOME), a file root saved in its own config folder before keeps working and every command
names it with the way to move it, and any other user keeps its own user file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sms_tui import constants
from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from sms_tui.settings import store as settings_store
from tests.conftest import DEMO_MD5
from tests.identity import cli_as

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="root's default is what is tested")


def _answers(folder: Path) -> str:
    path = folder / "answers.toml"
    path.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n')
    return str(path)


def test_root_without_config_uses_the_system_file(sandbox: Sandbox, tmp_path: Path, isolated_home: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    system = constants.system_config_path()
    assert system.is_relative_to(isolated_home)  # never the machine's own /etc
    assert main(["apply", _answers(tmp_path), "--api-url", sandbox.url]) == ExitCode.OK
    assert system.is_file() and not (isolated_home / ".config" / "sms-tui" / "smsapi.toml").exists()
    capsys.readouterr()
    assert main(["show", "--json"]) == ExitCode.OK
    out, err = capsys.readouterr()
    assert json.loads(out)["settings"]["account"]["username"] == "demo" and err == ""
    assert settings_store.resolve(None) == (system, None)
    # printed commands need no --config for it: a cron job without the test's variable finds the same file
    assert settings_store.invocation(settings_store.default_path(None, env={})) == "sms-tui"


def test_a_file_root_saved_in_its_own_folder_keeps_working_and_is_named(sandbox: Sandbox, tmp_path: Path, isolated_home: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    old = isolated_home / ".config" / "sms-tui" / "smsapi.toml"
    assert main(["apply", _answers(tmp_path), "--api-url", sandbox.url, "--config", str(old)]) == ExitCode.OK
    capsys.readouterr()
    system = constants.system_config_path()
    note = t("config.root_user_file", path=old, system=system, folder=system.parent)
    assert main(["check", "--api-url", sandbox.url]) == ExitCode.OK
    err = capsys.readouterr().err
    assert note in err and not system.exists()
    assert main(["doctor", "--json", "--api-url", sandbox.url]) == ExitCode.OK
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert any(s["status"] == "warn" and s["message"] == note for s in steps)
    # moved as the note says: the system file from then on, and no note
    system.parent.mkdir(parents=True)
    old.rename(system)
    assert main(["show"]) == ExitCode.OK
    assert capsys.readouterr().err == ""


def test_another_user_has_its_own_file_and_else_the_systems(sandbox: Sandbox, shared: Path, tmp_path: Path) -> None:
    home = shared / "home"
    home.mkdir()
    home.chmod(0o777)  # its own state folder: where its sends are counted by the money guard (not root's outbox's)
    shown = cli_as("nobody", home, ["show"])
    assert shown.code == ExitCode.USAGE  # nothing anywhere yet: its own file is the one missing
    assert str(home / ".config" / "sms-tui" / "smsapi.toml") in shown.err
    system = shared / "etc" / "sms-tui" / "smsapi.toml"
    os.environ["SMS_TUI_SYSTEM_CONFIG"] = str(system)  # the child inherits it; the test's fixture restores it
    (shared / "etc").mkdir(mode=0o755)
    answers = _answers(tmp_path) + ""
    Path(answers).write_text(Path(answers).read_text() + '[files]\ngroup = "nogroup"\n')
    assert main(["apply", answers, "--api-url", sandbox.url]) == ExitCode.OK  # root, no --config: the system file
    assert system.is_file()
    sent = cli_as("nobody", home, ["send", "--to", "500000000", "--message", "z programu sklepu"])  # the shop's user, no option
    assert sent.code == ExitCode.OK, sent.err
    assert sandbox.outbox[-1].message == "z programu sklepu"
    again = cli_as("nobody", home, ["send", "--to", "500000000", "--message", "z programu sklepu"])  # a program's loop
    assert again.code == ExitCode.REFUSED and "[guard]" in again.err  # a duplicate within the hour: not sent
    assert [m.message for m in sandbox.outbox].count("z programu sklepu") == 1
    counts = home / ".local" / "state" / "sms-tui" / "guard"
    for path in (counts, *counts.iterdir()):
        os.chown(path, 0, 0)  # its ledger taken from it (root's now): its sends cannot be counted anywhere
    unguarded = cli_as("nobody", home, ["send", "--to", "500000001", "--message", "bez licznika"])
    assert unguarded.code == ExitCode.USAGE and "ledger.sqlite" in unguarded.err  # nowhere to count: nothing sent uncounted
    assert "bez licznika" not in [m.message for m in sandbox.outbox]


def test_a_system_file_the_user_cannot_reach_is_named(sandbox: Sandbox, shared: Path, tmp_path: Path) -> None:
    """Finding 37: the shop's user was told only that its own file is missing, while root's file
    stood in a folder it may not enter; the error names that file and the setting that opens it."""
    home = shared / "home"
    home.mkdir(mode=0o777)
    system = shared / "etc" / "sms-tui" / "smsapi.toml"
    os.environ["SMS_TUI_SYSTEM_CONFIG"] = str(system)  # the child inherits it; the test's fixture restores it
    (shared / "etc").mkdir(mode=0o755)
    assert main(["apply", _answers(tmp_path), "--api-url", sandbox.url]) == ExitCode.OK  # root's own: 0600 in a 0700 folder
    shown = cli_as("nobody", home, ["show"])
    assert shown.code == ExitCode.USAGE
    assert str(home / ".config" / "sms-tui" / "smsapi.toml") in shown.err and str(system) in shown.err and "[files] group" in shown.err

"""Settings the shop's software can read and nobody else: `[files] group` writes root:GROUP 0640
in a 0750 folder, and no command tightens that read away; a wider mode is still tightened, to
0640. As root, the shop's user (`nobody`, whose group is `nogroup`, in a forked child) then reads
them with `show`, `check` and `export`. Without root there is no other user to be: skipped."""

from __future__ import annotations

import grp
import json
import os
import stat
import tomllib
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.identity import cli_as

GROUP = "nogroup"  # nobody's own group on Debian and Ubuntu

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a shop group other than one's own needs root")


def _answers(folder: Path, extra: str) -> str:
    path = folder / "answers.toml"
    path.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n'
                    f'[test]\nto = "500000000"\n{extra}')
    return str(path)


def test_a_named_group_reads_and_nothing_tightens_it_away(sandbox: Sandbox, shared: Path) -> None:
    if GROUP not in {g.gr_name for g in grp.getgrall()}:
        pytest.skip(f"no group {GROUP} here")
    (shared / "etc").mkdir(mode=0o755)  # as /etc is: only sms-tui's own folder is made here
    config = shared / "etc" / "sms-tui" / "smsapi.toml"
    assert main(["apply", _answers(shared, f'[files]\ngroup = "{GROUP}"\n'), "--api-url", sandbox.url, "--config", str(config)]) == 0
    info, folder = config.stat(), config.parent.stat()
    gid = grp.getgrnam(GROUP).gr_gid
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o640, 0, gid)
    assert (stat.S_IMODE(folder.st_mode), folder.st_gid) == (0o750, gid)
    assert tomllib.loads(config.read_text())["files"] == {"group": GROUP}

    home = shared / "home"
    home.mkdir(mode=0o777)
    shown = cli_as("nobody", home, ["show", "--json", "--config", str(config)])
    assert shown.code == ExitCode.OK and json.loads(shown.out)["settings"]["account"]["username"] == "demo"
    checked = cli_as("nobody", home, ["check", "--api-url", sandbox.url, "--config", str(config)])
    assert checked.code == ExitCode.OK, checked.err
    exported = cli_as("nobody", home, ["export", "--format", "json", "--config", str(config)])
    assert json.loads(exported.out)["SMSAPI_PASSWORD_MD5"] == DEMO_MD5
    assert main(["check", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK  # root's check too
    assert stat.S_IMODE(config.stat().st_mode) == 0o640  # nobody tightened the shop's read away

    config.chmod(0o644)  # wider than asked: still tightened, to what was asked
    assert main(["show", "--config", str(config)]) == ExitCode.OK
    assert stat.S_IMODE(config.stat().st_mode) == 0o640


def test_folders_made_on_the_way_let_the_named_group_through(sandbox: Sandbox, shared: Path) -> None:
    """Finding 37: `--config /srv/new/dir/smsapi.toml` made /srv/new 0700, and the shop's user could
    not reach its file. What sms-tui made on the way lets it through (0711: traverse, not list)."""
    if GROUP not in {g.gr_name for g in grp.getgrall()}:
        pytest.skip(f"no group {GROUP} here")
    config = shared / "srv" / "new" / "dir" / "smsapi.toml"
    assert main(["apply", _answers(shared, f'[files]\ngroup = "{GROUP}"\n'), "--api-url", sandbox.url, "--config", str(config)]) == 0
    assert [stat.S_IMODE((shared / p).stat().st_mode) for p in ("srv", "srv/new", "srv/new/dir")] == [0o711, 0o711, 0o750]
    home = shared / "home"
    home.mkdir(mode=0o777)
    shown = cli_as("nobody", home, ["show", "--json", "--config", str(config)])
    assert shown.code == ExitCode.OK, shown.err


def test_without_a_named_reader_others_cannot_read(sandbox: Sandbox, shared: Path) -> None:
    config = shared / "private" / "smsapi.toml"
    assert main(["apply", _answers(shared, ""), "--api-url", sandbox.url, "--config", str(config)]) == 0
    assert stat.S_IMODE(config.stat().st_mode) == 0o600 and "files" not in tomllib.loads(config.read_text())
    home = shared / "home"
    home.mkdir(mode=0o777)
    assert cli_as("nobody", home, ["show", "--config", str(config)]).code == ExitCode.USAGE


def test_a_named_user_owns_them(sandbox: Sandbox, shared: Path) -> None:
    config = shared / "shop" / "smsapi.toml"  # shared is open to all: the folder made is the user's
    assert main(["apply", _answers(shared, '[files]\nuser = "nobody"\n'), "--api-url", sandbox.url, "--config", str(config)]) == 0
    info = config.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid) == (0o600, 65534) and config.parent.stat().st_uid == 65534


def test_an_unknown_group_is_an_answers_error_before_anything_is_sent(sandbox: Sandbox, shared: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    sent = len(sandbox.outbox)
    config = shared / "x" / "smsapi.toml"
    code = main(["apply", _answers(shared, '[files]\ngroup = "nie-ma-takiej"\n'), "--api-url", sandbox.url, "--config", str(config)])
    assert code == ExitCode.USAGE and "nie-ma-takiej" in capsys.readouterr().err
    assert len(sandbox.outbox) == sent and not config.exists()


def test_doctor_says_who_reads_and_when_the_named_group_cannot(sandbox: Sandbox, shared: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    if GROUP not in {g.gr_name for g in grp.getgrall()}:
        pytest.skip(f"no group {GROUP} here")
    (shared / "etc").mkdir(mode=0o755)
    config = shared / "etc" / "sms-tui" / "smsapi.toml"
    assert main(["apply", _answers(shared, f'[files]\ngroup = "{GROUP}"\n'), "--api-url", sandbox.url, "--config", str(config)]) == 0
    capsys.readouterr()
    main(["doctor", "--json", "--api-url", sandbox.url, "--config", str(config)])
    steps = [s for s in json.loads(capsys.readouterr().out)["steps"] if s["step"] == "settings"]
    assert any(s.get("group") == GROUP and s["status"] == "ok" for s in steps)
    (shared / "etc").chmod(0o700)  # a folder above that the group cannot pass
    main(["doctor", "--json", "--api-url", sandbox.url, "--config", str(config)])
    steps = [s for s in json.loads(capsys.readouterr().out)["steps"] if s["step"] == "settings"]
    assert any(s["status"] == "warn" and "namei -l" in s["message"] for s in steps)

"""The drop folder belongs to the shop software's group: its programs, running as their own user
(here `nobody`, group `nogroup`, in a forked child), queue messages without the secret, and the
relay (root) sends them; a file from a user outside the group is refused, whoever put it there."""

from __future__ import annotations

import grp
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.identity import as_nobody, cli_as
from tests.outbox.support import shop_settings

GROUP = "nogroup"
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="another user of the shop's group needs root")


def test_the_shops_programs_queue_and_outsiders_are_refused(shared: Path, sandbox: Sandbox, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    gid = grp.getgrnam(GROUP).gr_gid
    config, outbox = shop_settings(shared, sandbox, tmp_path, f'[files]\ngroup = "{GROUP}"\n[outbox]\ndir = "{{outbox}}"\n')
    assert main(["relay", "--once", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK  # makes the folders
    outgoing = outbox / "outgoing"
    info = outgoing.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o2770, gid)

    home = shared / "home"
    home.mkdir(mode=0o777)
    queued = cli_as("nobody", home, ["send", "--queue", "--to", "500100200", "--message", "Od programu sklepu", "--json",
                                     "--config", str(config)])
    assert queued.code == ExitCode.OK, queued.err + queued.out

    def write_by_hand() -> None:  # as a program writes it: a dot name first, renamed when complete
        (outgoing / ".zamowienie-18").write_text("To: 500100201\n\nRęcznie\n", encoding="utf-8")
        os.rename(outgoing / ".zamowienie-18", outgoing / "zamowienie-18")

    as_nobody(write_by_hand)
    assert (outgoing / "zamowienie-18").stat().st_gid == gid  # the setgid folder gave it the group
    outsider = outgoing / "obcy"
    outsider.write_text("To: 500100202\n\nNie od sklepu\n")
    os.chown(outsider, 1, 1)  # daemon:daemon, as if moved in from elsewhere
    capsys.readouterr()
    assert main(["relay", "--once", "--json", "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    done = json.loads(capsys.readouterr().out)
    assert sorted(m.message for m in sandbox.outbox) == ["Od programu sklepu", "Ręcznie"]
    assert [r["name"] for r in done["refused"]] == ["obcy"] and "grupy" in done["refused"][0]["reason"]

    listed = cli_as("nobody", home, ["queue", "--json", "--config", str(config)])  # the shop's user sees the queue
    assert listed.code == ExitCode.OK and len(json.loads(listed.out)["failed"]) == 1


def test_the_relay_of_its_own_user_and_a_secret_the_shop_cannot_read(shared: Path, sandbox: Sandbox, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """[outbox] group lets the shop's programs drop messages without reading the settings (root's
    0600); the outbox belongs to the relay's own user (here `daemon`, as `relay --install` hands it
    to `sms-tui`), and what root running the relay by hand writes there is that user's, never root's."""
    import pwd

    from sms_tui.outbox.spool import Spool

    gid, relay = grp.getgrnam(GROUP).gr_gid, pwd.getpwnam("daemon")
    config, outbox = shop_settings(shared, sandbox, tmp_path, f'[outbox]\ndir = "{{outbox}}"\ngroup = "{GROUP}"\n')
    info = config.stat()
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (0, 0o600)  # the secret stays root's
    spool = Spool(outbox, group=gid)
    spool.prepare()
    from sms_tui.guard import Ledger
    from sms_tui.settings.model import Guard

    Ledger(outbox / "guard" / "ledger.sqlite", Guard(), group=gid).settle({"-": None})  # root's `send` counted first
    spool.hand_over(relay.pw_uid, relay.pw_gid)
    outgoing = outbox / "outgoing"

    def drop() -> str:  # the shop's program: cannot read the settings, can drop a message
        try:
            config.read_bytes()
        except PermissionError:
            pass
        else:
            raise AssertionError("the shop's user read the settings")
        (outgoing / ".zamowienie-19").write_text("To: 500100203\n\nOd sklepu, bez sekretu\n", encoding="utf-8")
        os.rename(outgoing / ".zamowienie-19", outgoing / "zamowienie-19")
        return "ok"

    assert as_nobody(drop) == "ok"
    done = subprocess.run([sys.executable, "-m", "sms_tui", "relay", "--once", "--json", "--api-url", sandbox.url, "--config", str(config)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    assert [m.message for m in sandbox.outbox] == ["Od sklepu, bez sekretu"]
    owners = {(outbox / folder / name).stat().st_uid for folder in ("queue", "sent", "follow") for name in os.listdir(outbox / folder)}
    assert owners == {relay.pw_uid}  # everything written there is the relay user's: the service can go on from it
    guard = outbox / "guard"
    assert {p.stat().st_uid for p in (guard, *guard.iterdir())} == {relay.pw_uid}  # the money guard's ledger too
    assert {(p.stat().st_gid, stat.S_IMODE(p.stat().st_mode)) for p in guard.iterdir()} == {(gid, 0o660)}  # the shop's group counts

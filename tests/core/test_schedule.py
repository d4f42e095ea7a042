"""The watch's timer: systemd units that systemd itself accepts, a crontab line that survives
`crontab -l`, installing twice changes nothing, uninstalling removes only our own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from sms_tui.systemd import Kind, UnitError
from sms_tui.watch import schedule
from tests.samples import FAKE_TOOL


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """systemctl, loginctl and crontab that record their calls (the real crontab is the user's own)."""
    bin_dir, log, tab = tmp_path / "bin", tmp_path / "calls.log", tmp_path / "crontab.txt"
    bin_dir.mkdir()
    for name in ("systemctl", "loginctl", "crontab"):
        script = bin_dir / name
        script.write_text(FAKE_TOOL.format(log=log, tab=tab))
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return tmp_path


def _calls(tools: Path) -> list[str]:
    log = tools / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sklep z spacją" / "smsapi.toml"
    path.parent.mkdir()
    path.write_text('schema = 1\n[account]\nusername = "demo"\npassword_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\n')
    return path


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
@pytest.mark.parametrize("every", schedule.EVERY)
def test_units_pass_systemd_analyze_verify(tmp_path: Path, config: Path, every: schedule.Every) -> None:
    units = schedule.systemd_units(config, every)
    for name, text in units.items():
        (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / n) for n in units)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Persistent=true" in units[f"{schedule.unit_name(config)}.timer"]


def test_verify_would_catch_a_broken_unit(tmp_path: Path, config: Path) -> None:
    """The check above can fail: systemd-analyze refuses what systemd would refuse."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed")
    name, text = next(iter(schedule.systemd_units(config, "hourly").items()))
    (tmp_path / name).write_text(text.replace("ExecStart=", "ExecStart=nie-ma-takiego "))
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / name)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0


def test_systemd_install_twice_then_uninstall(tools: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    unit_dir = tools / "home" / ".config" / "systemd" / "user"
    outcome = schedule.install(config, "daily", "systemd", unit_dir=unit_dir)
    name = schedule.unit_name(config)
    assert outcome.changed and sorted(p.name for p in unit_dir.iterdir()) == [f"{name}.service", f"{name}.timer"]
    assert "OnCalendar=*-*-* 08:00:00" in (unit_dir / f"{name}.timer").read_text()
    assert f'--config "{config}"' in (unit_dir / f"{name}.service").read_text()
    assert _calls(tools)[-2:] == ["systemctl --user daemon-reload", f"systemctl --user enable --now {name}.timer"]
    assert outcome.warnings == ["schedule.linger"]  # the fake loginctl says linger is off

    before = _calls(tools)
    assert not schedule.install(config, "daily", "systemd", unit_dir=unit_dir).changed
    assert [c for c in _calls(tools) if "is-enabled" not in c] == before  # nothing written, nothing run (only asked)

    (unit_dir / "inna.timer").write_text("[Timer]\n")  # someone else's unit stays
    removed = schedule.uninstall(config, unit_dir=unit_dir)
    assert removed.changed and sorted(p.name for p in unit_dir.iterdir()) == ["inna.timer"]
    assert f"systemctl --user disable --now {name}.timer" in _calls(tools)
    assert not schedule.uninstall(config, unit_dir=unit_dir).changed


def test_cron_keeps_the_shops_own_lines(tools: Path, config: Path) -> None:
    (tools / "crontab.txt").write_text("0 3 * * * /usr/local/bin/kopia-sklepu\n")
    assert schedule.install(config, "hourly", "cron").changed
    lines = (tools / "crontab.txt").read_text().splitlines()
    assert lines[0] == "0 3 * * * /usr/local/bin/kopia-sklepu" and lines[1] == schedule.cron_line(config, "hourly")
    assert "'" + str(config) + "'" in lines[1]  # the path with a space is quoted for /bin/sh
    assert not schedule.install(config, "hourly", "cron").changed
    assert schedule.install(config, "daily", "cron").changed  # another interval replaces, never adds
    assert len((tools / "crontab.txt").read_text().splitlines()) == 2
    assert schedule.uninstall(config, kinds=("cron",)).changed
    assert (tools / "crontab.txt").read_text() == "0 3 * * * /usr/local/bin/kopia-sklepu\n"


def test_cli_dry_run_prints_and_writes_nothing(tools: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--install", "--cron", "--dry-run", "--config", str(config)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert schedule.cron_line(config, "hourly") in out and "niczego nie zapisano" in out
    assert not (tools / "crontab.txt").exists() and "crontab -" not in _calls(tools)


def test_cli_install_records_the_watch_in_the_settings(tools: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--install", "--cron", "--every", "daily", "--json", "--config", str(config)]) == ExitCode.OK
    payload = json.loads(capsys.readouterr().out)
    assert payload["kind"] == "cron" and payload["changed"] is True
    assert 'watch = "daily"' in config.read_text()
    assert main(["watch", "--uninstall", "--config", str(config)]) == ExitCode.OK
    assert 'watch = "off"' in config.read_text() and (tools / "crontab.txt").read_text() == ""


def test_cli_uninstalls_after_the_settings_are_gone(tools: Path, config: Path) -> None:
    assert main(["watch", "--install", "--cron", "--config", str(config)]) == ExitCode.OK
    config.unlink()
    assert main(["watch", "--uninstall", "--config", str(config)]) == ExitCode.OK
    assert (tools / "crontab.txt").read_text() == "" and not config.exists()


def test_cli_refuses_install_without_settings(tools: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--install", "--cron", "--config", str(tmp_path / "brak.toml")]) == ExitCode.USAGE
    assert not (tools / "crontab.txt").exists()


def test_apply_installs_the_watch(tools: Path, tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule, "detect", lambda: "cron")
    answers = tmp_path / "answers.toml"
    answers.write_text('[account]\nusername = "demo"\npassword = "demo"\n[test]\nto = "500000000"\n'
                       '[alerts]\nlow_balance = 5\nnotify_to = "600100200"\nwatch = "hourly"\n')
    config = tmp_path / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    assert (tools / "crontab.txt").read_text().strip() == schedule.cron_line(config, "hourly")
    text = config.read_text()
    assert 'watch = "hourly"' in text and 'notify_to = "48600100200"' in text


ROUND_TRIP = """
import subprocess, sys
from pathlib import Path
from sms_tui.watch import schedule
config = Path(sys.argv[1])
assert schedule.install(config, "hourly", "cron").changed
listed = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=True).stdout.splitlines()
assert schedule.cron_line(config, "hourly") in listed, listed
assert not schedule.install(config, "hourly", "cron").changed  # what crontab -l gives back is what we wrote
assert schedule.uninstall(config, kinds=("cron",)).changed
assert subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False).stdout.strip() == ""
print("round trip ok")
"""


@pytest.mark.skipif(shutil.which("crontab") is None, reason="cron not installed")
@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="the real crontab is only tried in a private mount namespace (root, unshare): a user's own is never touched")
def test_real_crontab_round_trip(config: Path) -> None:
    """The real crontab binary, over a private, empty cron spool: this machine's crontabs are never
    written (finding 37: the test round-tripped root's own)."""
    import sys

    spool = "/var/spool/cron/crontabs"
    if not os.path.isdir(spool):
        pytest.skip(f"no {spool} here (cron's spool folder)")
    before = sorted(os.listdir(spool))
    script = (f"mount -t tmpfs tmpfs {spool} && chgrp crontab {spool} && chmod 1730 {spool} && "
              f'exec "$0" -c "$1" "$2"')
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, sys.executable, ROUND_TRIP,
                           str(config)], capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 and "Operation not permitted" in done.stderr:
        pytest.skip(f"no private mount namespace here: {done.stderr.strip()}")
    assert done.returncode == 0 and "round trip ok" in done.stdout, done.stdout + done.stderr
    assert sorted(os.listdir(spool)) == before


FAILING_SYSTEMCTL = """#!/bin/sh
echo "systemctl $*" >> "{log}"
echo "Failed to connect to bus: No such file or directory" >&2
exit 1
"""


def test_a_failed_systemctl_leaves_no_units_and_a_retry_does_not_say_installed(tools: Path, config: Path) -> None:
    """`sudo -i` without a user bus: the units written for it are taken back, so the next try does
    not find them and call the watch installed while no timer runs."""
    (tools / "bin" / "systemctl").write_text(FAILING_SYSTEMCTL.format(log=tools / "calls.log"))
    unit_dir = tools / "home" / ".config" / "systemd" / "user"
    for _ in range(2):
        with pytest.raises(UnitError, match="Failed to connect to bus"):
            schedule.install(config, "hourly", "systemd", unit_dir=unit_dir)
        assert not any(unit_dir.iterdir())


def test_files_without_an_enabled_timer_are_not_an_installed_watch(tools: Path, config: Path) -> None:
    unit_dir = tools / "home" / ".config" / "systemd" / "user"
    unit_dir.mkdir(parents=True)
    for name, text in schedule.systemd_units(config, "hourly").items():  # left by an older sms-tui's failed install
        (unit_dir / name).write_text(text)
    (tools / "bin" / "systemctl").write_text(FAKE_TOOL.format(log=tools / "calls.log", tab=tools / "crontab.txt")
                                             .replace('exit 0', 'case "$*" in *is-enabled*) exit 1 ;; esac\nexit 0'))
    outcome = schedule.install(config, "hourly", "systemd", unit_dir=unit_dir)
    assert outcome.changed and f"systemctl --user enable --now {schedule.unit_name(config)}.timer" in _calls(tools)


def test_one_file_spelt_two_ways_is_one_watch(tmp_path: Path, config: Path) -> None:
    """`..` in the path or a linked folder: one timer, one state, one draft — the owner is told once."""
    link = tmp_path / "link"
    link.symlink_to(config.parent)
    spellings = [config, config.parent / ".." / config.parent.name / config.name, link / config.name]
    assert len({schedule.marker(p) for p in spellings}) == 1 and len({schedule.cron_line(p, "daily") for p in spellings}) == 1
    from sms_tui.watch import monitor as watch
    from sms_tui.wizard import draft

    assert len({watch.state_path(p) for p in spellings}) == 1 and len({draft.draft_path(p) for p in spellings}) == 1


@pytest.mark.parametrize("kind", ["cron", "systemd"])
def test_a_settings_path_with_a_newline_is_refused(tools: Path, tmp_path: Path, kind: Kind) -> None:
    path = tmp_path / "nl\n* * * * * touch PWN #" / "s.toml"
    with pytest.raises(UnitError) as refused:
        schedule.install(path, "hourly", kind, dry_run=True, unit_dir=tmp_path / "units")
    assert "sterujące" in refused.value.describe()
    assert not (tools / "crontab.txt").exists() and not (tmp_path / "units").exists()


def test_printed_commands_name_the_settings(tools: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On a server with two shops, the removal command printed by the install acts on these settings."""
    from sms_tui.settings import store as settings_store

    assert main(["watch", "--install", "--cron", "--config", str(config)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"sms-tui --config '{config}' watch --uninstall" in out
    assert settings_store.invocation(settings_store.default_path(None, env={})) == "sms-tui"  # the default file: no --config


def test_a_line_that_cannot_start_is_never_installed(tmp_path: Path) -> None:
    """The command a timer would run is run once (`--version`) before anything is written: a program
    the timer's user cannot start fails the install, not every night after it."""
    import subprocess

    from sms_tui.watch import schedule

    calls: list[list[str]] = []

    def broken(argv: list[str], stdin: str | None) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        if argv[-1] == "--version":
            return subprocess.CompletedProcess(argv, 1, "", "No module named sms_tui")
        return subprocess.CompletedProcess(argv, 1 if argv[:2] == ["crontab", "-l"] else 0, "", "no crontab for root")

    config = tmp_path / "smsapi.toml"
    for kind in ("cron", "systemd"):
        with pytest.raises(UnitError, match="No module named sms_tui"):
            schedule.install(config, "hourly", kind, runner=broken, unit_dir=tmp_path / "units")  # type: ignore[arg-type]
    assert ["crontab", "-"] not in calls and not (tmp_path / "units").exists()


def test_no_crontab_program_says_to_install_cron(tmp_path: Path) -> None:
    """A machine without cron (and without systemd): the technician is told to install cron, not
    shown Python's 'No such file or directory' nor advised to 'try cron'."""
    def missing(argv: list[str], stdin: str | None) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 127, "", "[Errno 2] No such file or directory: 'crontab'")

    with pytest.raises(UnitError) as refused:
        schedule.install(tmp_path / "smsapi.toml", "hourly", "cron", dry_run=True, runner=missing)
    assert refused.value.key == "schedule.no_crontab" and "apt-get install cron" in refused.value.describe()

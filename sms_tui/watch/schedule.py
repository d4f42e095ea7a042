"""The watch's timer: a systemd user timer where systemd runs, else a crontab line.

Each settings file has its own entry (named by `settings_store.settings_key`), so installing twice finds
its own and changes nothing, and uninstalling removes only what sms-tui wrote — never a line of
the shop's own crontab. The plan is computed first and is what `--dry-run` prints.
"""

from __future__ import annotations

import getpass
import shlex
import shutil
from pathlib import Path
from typing import Literal

from sms_tui import program
from sms_tui.settings import store as settings_store
from sms_tui.systemd import (
    Kind,
    Outcome,
    Runner,
    UnitError,
    changed_units,
    install_units,
    must_run,
    quote,
    remove_units,
    run_tool,
    runs,
    user_unit_dir,
)

Every = Literal["hourly", "daily"]
EVERY: tuple[Every, ...] = ("hourly", "daily")
DAILY_HOUR = 8  # a daily notice reaches the owner in the morning, not at midnight


def detect() -> Kind:
    """systemd only when it is the running init and `systemctl` is there (containers often lack it)."""
    return "systemd" if Path("/run/systemd/system").is_dir() and shutil.which("systemctl") else "cron"


def watch_argv(config_path: Path) -> list[str]:
    """This interpreter's own sms-tui, or the single file it runs from (sms_tui.program)."""
    return [*program.argv(), "watch", "--config", str(settings_store.canonical(config_path))]


def unit_name(config_path: Path) -> str:
    return f"sms-tui-watch-{settings_store.settings_key(config_path)[:8]}"


def marker(config_path: Path) -> str:
    return f"# sms-tui watch {settings_store.settings_key(config_path)}"


def systemd_units(config_path: Path, every: Every) -> dict[str, str]:
    name = unit_name(config_path)
    exec_start = " ".join(quote(a) for a in watch_argv(config_path))
    service = (
        "[Unit]\n"
        f"Description=sms-tui: watch the SMSAPI gateway for {config_path}\n"
        "After=network-online.target\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_start}\n"
        "# 3-6 are states the notices tell about (unreachable, refused, sender, low balance), not failures of the run\n"
        "SuccessExitStatus=3 4 5 6\n"
    )
    calendar, spread = ("hourly", "10min") if every == "hourly" else (f"*-*-* {DAILY_HOUR:02d}:00:00", "30min")
    timer = (
        "[Unit]\n"
        f"Description=sms-tui: watch the SMSAPI gateway {every} ({config_path})\n\n"
        "[Timer]\n"
        f"OnCalendar={calendar}\n"
        f"RandomizedDelaySec={spread}\n"
        "Persistent=true\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return {f"{name}.service": service, f"{name}.timer": timer}


def cron_line(config_path: Path, every: Every) -> str:
    """A stable minute per settings file spreads many shops over the hour; output goes to the log file."""
    minute = int(settings_store.settings_key(config_path)[:4], 16) % 60
    hour = "*" if every == "hourly" else str(DAILY_HOUR)
    command = " ".join(shlex.quote(a) for a in watch_argv(config_path)).replace("%", "\\%")
    return f"{minute} {hour} * * * {command} >/dev/null 2>&1 {marker(config_path)}"


def install(config_path: Path, every: Every, kind: Kind, *, dry_run: bool = False, runner: Runner = run_tool,
            unit_dir: Path | None = None) -> Outcome:
    if settings_store.control_characters(config_path):  # a newline would be a second crontab line, run as this user

        raise UnitError("schedule.bad_path", path=ascii(str(config_path)))
    if kind == "systemd":
        outcome = _install_systemd(config_path, every, dry_run, runner, unit_dir or user_unit_dir())
    else:
        outcome = _install_cron(config_path, every, dry_run, runner)
    return outcome


def _install_systemd(config_path: Path, every: Every, dry_run: bool, runner: Runner, unit_dir: Path) -> Outcome:
    units = {unit_dir / name: text for name, text in systemd_units(config_path, every).items()}
    outcome = Outcome("systemd", changed=False, written=changed_units(units))
    timer = unit_name(config_path) + ".timer"
    calls = [["systemctl", "--user", "daemon-reload"], ["systemctl", "--user", "enable", "--now", timer]]
    # Files alone are not a watch: the timer must be enabled too (a failed enable left them behind once).
    outcome.changed = bool(outcome.written) or not _enabled(runner, timer)
    if not outcome.changed:
        return outcome
    outcome.ran = calls
    if _linger_off(runner):
        outcome.warnings.append("schedule.linger")
    if dry_run:
        return outcome
    runs(runner)  # a check, not a step of the install: not listed in what was run
    install_units(outcome.written, calls, runner, reload=calls[0])
    return outcome


def _enabled(runner: Runner, timer: str) -> bool:
    return runner(["systemctl", "--user", "is-enabled", "--quiet", timer], None).returncode == 0


def _linger_off(runner: Runner) -> bool:
    """Without linger a user's timers stop when the technician's SSH session ends."""
    done = runner(["loginctl", "show-user", getpass.getuser(), "--property=Linger", "--value"], None)
    return done.returncode == 0 and done.stdout.strip() == "no"


def _read_crontab(runner: Runner) -> list[str]:
    done = runner(["crontab", "-l"], None)
    if done.returncode == 127:  # not there to start: cron is not installed
        raise UnitError("schedule.no_crontab")
    if done.returncode != 0:
        if "no crontab" in (done.stderr or "").lower():
            return []
        raise UnitError("unit.call_failed", command="crontab -l", reason=(done.stderr or "").strip() or done.returncode)
    return done.stdout.splitlines()


def _install_cron(config_path: Path, every: Every, dry_run: bool, runner: Runner) -> Outcome:
    line = cron_line(config_path, every)
    lines = _read_crontab(runner)
    own = marker(config_path)
    kept = [existing for existing in lines if not existing.endswith(own)]
    outcome = Outcome("cron", changed=lines != [*kept, line])
    if not outcome.changed:
        return outcome
    text = "\n".join([*kept, line]) + "\n"
    outcome.written["crontab"] = line
    outcome.ran = [["crontab", "-"]]
    if not dry_run:
        runs(runner)  # a check, not a step of the install: not listed in what was run
        must_run(runner, ["crontab", "-"], text)
    return outcome


def uninstall(config_path: Path, *, dry_run: bool = False, runner: Runner = run_tool, unit_dir: Path | None = None,
              kinds: tuple[Kind, ...] = ("systemd", "cron")) -> Outcome:
    """Whatever sms-tui installed for this settings file, both kinds: a machine that moved from cron
    to systemd keeps no forgotten line."""
    outcome = Outcome(kinds[0], changed=False)
    if "systemd" in kinds:
        _uninstall_systemd(config_path, outcome, dry_run, runner, unit_dir or user_unit_dir())
    if "cron" in kinds and shutil.which("crontab"):
        _uninstall_cron(config_path, outcome, dry_run, runner)
    return outcome


def _uninstall_systemd(config_path: Path, outcome: Outcome, dry_run: bool, runner: Runner, unit_dir: Path) -> None:
    name = unit_name(config_path)
    present = [p for p in (unit_dir / f"{name}.timer", unit_dir / f"{name}.service") if p.exists()]
    if not present:
        return
    outcome.kind, outcome.changed = "systemd", True
    outcome.removed += [str(p) for p in present]
    calls = [["systemctl", "--user", "disable", "--now", f"{name}.timer"], ["systemctl", "--user", "daemon-reload"]]
    outcome.ran += calls
    if not dry_run:
        remove_units(present, calls[0], calls[1], runner)


def _uninstall_cron(config_path: Path, outcome: Outcome, dry_run: bool, runner: Runner) -> None:
    lines = _read_crontab(runner)
    kept = [line for line in lines if not line.endswith(marker(config_path))]
    if kept == lines:
        return
    outcome.kind, outcome.changed = "cron", True
    outcome.removed += [line for line in lines if line not in kept]
    outcome.ran.append(["crontab", "-"])
    if not dry_run:
        must_run(runner, ["crontab", "-"], "\n".join(kept) + "\n" if kept else "")

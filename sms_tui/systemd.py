"""systemd (and cron) for the watch and the relay: one home for what both install — quoting,
where user units live, running the tools, the check that what a unit runs can start, writing
units with rollback, removing them, and the one report of what was (or would be) written, removed
and run. The watch's timer (`watch.schedule`) and the relay's service (`outbox.service`) only say
which units and calls they need.

A failed step raises `UnitError` (a catalogue key and its parameters, exit 2: the system refused
something the technician can fix) and leaves every file as it was before."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sms_tui import program
from sms_tui.base.errors import KeyedError
from sms_tui.base.files import atomic_write
from sms_tui.i18n import t

Kind = Literal["systemd", "cron"]
Runner = Callable[[list[str], "str | None"], subprocess.CompletedProcess[str]]


class UnitError(KeyedError):
    """systemctl, crontab, useradd or the unit's own program refused: which call, and why."""


@dataclass
class Outcome:
    kind: Kind
    changed: bool
    written: dict[str, str] = field(default_factory=dict)  # path or "crontab" -> content
    removed: list[str] = field(default_factory=list)
    ran: list[list[str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # catalogue keys

    def report(self, *, dry_run: bool) -> list[str]:
        """What was (or with --dry-run would be) written, removed and run, in the reader's language."""
        lines: list[str] = []
        for where, text in self.written.items():
            lines += [t("schedule.would_write" if dry_run else "schedule.wrote", path=where), text.rstrip("\n")]
        lines += [t("schedule.would_remove" if dry_run else "schedule.removed", path=where) for where in self.removed]
        lines += [t("schedule.would_run" if dry_run else "schedule.ran", command=" ".join(call)) for call in self.ran]
        return lines


def run_tool(argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(argv, 127, "", str(exc))


def must_run(runner: Runner, argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = runner(argv, stdin)
    if done.returncode != 0:
        raise UnitError("unit.call_failed", command=" ".join(argv), reason=(done.stderr or done.stdout or "").strip() or done.returncode)
    return done


def runs(runner: Runner, prefix: Iterable[str] = ()) -> None:
    """What a timer or a service will run, run once now (`--version`, after `prefix`: another user):
    a line that cannot start — a program that user cannot read, a moved single file — fails the
    install, not the night. Only an answer counts: a machine too busy to answer in time is no proof
    of a dead line."""
    call = [*prefix, *program.argv(), "--version"]
    done = runner(call, None)
    if done.returncode != 0 and "timed out" not in (done.stderr or ""):
        raise UnitError("unit.call_failed", command=" ".join(call), reason=(done.stderr or done.stdout or "").strip() or done.returncode)


def quote(arg: str) -> str:
    """One argument of an ExecStart= line (systemd's own quoting, % and $ doubled)."""
    escaped = arg.replace("%", "%%").replace("$", "$$")
    if any(ch in escaped for ch in " \t\"'\\;"):
        return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return escaped


def user_unit_dir(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "systemd" / "user"


def changed_units(units: dict[Path, str]) -> dict[str, str]:
    """The units whose file differs from what is on disk (missing ones included)."""
    return {str(path): text for path, text in units.items()
            if (path.read_text(encoding="utf-8") if path.is_file() else None) != text}


def install_units(written: dict[str, str], calls: list[list[str]], runner: Runner, reload: list[str]) -> None:
    """Write the units (0644: systemd reads them as their user; nothing secret in them), then run
    the calls (daemon-reload, enable --now…). Any step refused: every file back as it was and the
    manager reloaded, so a retry never finds half an install it takes for a whole one."""
    before = {where: Path(where).read_text(encoding="utf-8") if Path(where).is_file() else None for where in written}
    try:
        for where, text in written.items():
            Path(where).parent.mkdir(parents=True, exist_ok=True)
            atomic_write(Path(where), text.encode("utf-8"), mode=0o644)
        for call in calls:
            must_run(runner, call)
    except (UnitError, OSError):
        _restore(before)
        runner(reload, None)
        raise


def remove_units(paths: list[Path], disable: list[str], reload: list[str], runner: Runner) -> None:
    """Stop and disable (a unit never enabled: nothing to stop), remove the files, reload."""
    runner(disable, None)
    for path in paths:
        path.unlink(missing_ok=True)
    runner(reload, None)


def _restore(before: dict[str, str | None]) -> None:
    for where, text in before.items():
        path = Path(where)
        try:
            if text is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, text.encode("utf-8"), mode=0o644)
        except OSError:
            continue

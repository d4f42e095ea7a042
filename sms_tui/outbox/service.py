"""`relay --install` / `--uninstall`: the relay as a systemd service that restarts after a failure —
a system unit as root (a shop server's services are), a user unit otherwise. Like the watch's
timer: `--dry-run` shows exactly what would be written and run, installing twice changes nothing,
and a failed step leaves no unit behind."""

from __future__ import annotations

import os
from pathlib import Path

from sms_tui import program
from sms_tui.i18n import t
from sms_tui.settings import store as settings_store
from sms_tui.watch.schedule import Outcome, Runner, ScheduleError, run_tool, systemd_quote, user_unit_dir

SYSTEM_UNITS = Path("/etc/systemd/system")


def unit_name(config_path: Path) -> str:
    return f"sms-tui-relay-{settings_store.settings_key(config_path)[:8]}.service"


def _system() -> bool:
    return os.geteuid() == 0


def _systemctl(*args: str) -> list[str]:
    return ["systemctl", *([] if _system() else ["--user"]), *args]


def unit_text(config_path: Path) -> str:
    exec_start = " ".join(systemd_quote(a) for a in [*program.argv(), "relay", "--config", str(settings_store.canonical(config_path))])
    return (
        "[Unit]\n"
        f"Description=sms-tui: the SMS outbox relay for {config_path}\n"
        "After=network-online.target\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        f"ExecStart={exec_start}\n"
        "Restart=on-failure\n"
        "RestartSec=10\n"
        "# 143: stopped by SIGTERM (systemctl stop), after the sends in flight were recorded\n"
        "SuccessExitStatus=143\n\n"
        "[Install]\n"
        f"WantedBy={'multi-user.target' if _system() else 'default.target'}\n"
    )


def install(config_path: Path, *, dry_run: bool = False, runner: Runner = run_tool, unit_dir: Path | None = None) -> Outcome:
    if settings_store.control_characters(config_path):
        raise ScheduleError(t("schedule.bad_path", path=ascii(str(config_path))))
    folder = unit_dir or (SYSTEM_UNITS if _system() else user_unit_dir())
    name = unit_name(config_path)
    path, text = folder / name, unit_text(config_path)
    outcome = Outcome("systemd", changed=False)
    if (path.read_text(encoding="utf-8") if path.is_file() else None) != text:
        outcome.written[str(path)] = text
    enabled = runner(_systemctl("is-enabled", "--quiet", name), None).returncode == 0
    outcome.changed = bool(outcome.written) or not enabled
    if not outcome.changed:
        return outcome
    outcome.ran = [_systemctl("daemon-reload"), _systemctl("enable", "--now", name)]
    if outcome.written and enabled:
        outcome.ran.append(_systemctl("restart", name))  # the running relay takes the new unit
    if dry_run:
        return outcome
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if outcome.written:
            from sms_tui.settings.files import atomic_write  # noqa: PLC0415 — only an install writes

            atomic_write(path, text.encode("utf-8"), mode=0o644)
        for call in outcome.ran:
            done = runner(call, None)
            if done.returncode != 0:
                raise ScheduleError(f"{' '.join(call)}: {(done.stderr or done.stdout or '').strip() or done.returncode}")
    except (ScheduleError, OSError):
        if before is None:
            path.unlink(missing_ok=True)
        runner(_systemctl("daemon-reload"), None)
        raise
    return outcome


def uninstall(config_path: Path, *, dry_run: bool = False, runner: Runner = run_tool, unit_dir: Path | None = None) -> Outcome:
    path = (unit_dir or (SYSTEM_UNITS if _system() else user_unit_dir())) / unit_name(config_path)
    outcome = Outcome("systemd", changed=path.exists())
    if not outcome.changed:
        return outcome
    outcome.removed = [str(path)]
    outcome.ran = [_systemctl("disable", "--now", path.name), _systemctl("daemon-reload")]
    if not dry_run:
        runner(outcome.ran[0], None)  # a unit never enabled: nothing to stop
        path.unlink()
        runner(outcome.ran[1], None)
    return outcome

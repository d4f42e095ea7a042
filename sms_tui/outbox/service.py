"""`relay --install` / `--uninstall`: the relay as a systemd service that restarts after a failure —
a system unit as root (a shop server's services are), a user unit otherwise. Like the watch's
timer: `--dry-run` shows exactly what would be written and run, installing twice changes nothing,
and a failed step leaves no unit behind.

As root the relay never runs as root: a system user of its own (RELAY_USER, created if missing, no
shell, no home) owns the outbox, is in the shop's group only to read what its programs drop, and
gets the settings — the secret — from systemd (LoadCredential: read by PID 1, handed to this
service alone), so the settings can stay root's 0600. The unit is sandboxed the way
`systemd-analyze security` measures (exposure 1.3, "OK"): nothing writable but the outbox, no
capabilities but CAP_LEASE (to ask the kernel whether a dropped file is still being written), no
new privileges, a system-call filter."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui import program
from sms_tui.i18n import t
from sms_tui.settings import store as settings_store
from sms_tui.watch.schedule import Outcome, Runner, ScheduleError, must_run, run_tool, systemd_quote, user_unit_dir

if TYPE_CHECKING:
    from sms_tui.outbox.spool import Spool

SYSTEM_UNITS = Path("/etc/systemd/system")
RELAY_USER = "sms-tui"
CREDENTIAL = "smsapi.toml"
# The sandbox (systemd.exec(5)): each line is scored by `systemd-analyze security`.
HARDENING = (
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "PrivateIPC=yes",
    "PrivateMounts=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "ProtectProc=invisible",
    "ProcSubset=pid",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "MemoryDenyWriteExecute=yes",
    "RemoveIPC=yes",
    "KeyringMode=private",
    "DevicePolicy=closed",
    "UMask=0027",
    "CapabilityBoundingSet=CAP_LEASE",
    "AmbientCapabilities=CAP_LEASE",
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallFilter=~@privileged @resources",
)


def unit_name(config_path: Path) -> str:
    return f"sms-tui-relay-{settings_store.settings_key(config_path)[:8]}.service"


def _system() -> bool:
    return os.geteuid() == 0


def _systemctl(*args: str) -> list[str]:
    return ["systemctl", *([] if _system() else ["--user"]), *args]


def unit_text(config_path: Path, outbox: Path, group: str | None = None, user: str = RELAY_USER) -> str:
    """The unit: as root the relay's own user in a sandbox; a user's unit runs as that user."""
    settings = str(settings_store.canonical(config_path))
    if _system():
        exec_start = " ".join(systemd_quote(a) for a in [*program.argv(), "relay", "--config"]) + f" %d/{CREDENTIAL}"
        home = "read-only" if any(_under(p, ("/home", "/root", "/run/user")) for p in program.argv()[:2]) else "yes"
        service = (
            f"User={user}\n"
            f"Group={_group_of(user)}\n"
            + (f"SupplementaryGroups={group}\n" if group else "")
            + f"LoadCredential={CREDENTIAL}:{systemd_quote(settings)}\n"
            f"Environment={systemd_quote('SMS_TUI_OUTBOX=' + str(outbox))}\n"
            f"ExecStart={exec_start}\n"
            f"ReadWritePaths={systemd_quote(str(outbox))}\n"
            f"ProtectHome={home}\n"
            + "".join(f"{line}\n" for line in HARDENING)
        )
    else:
        exec_start = " ".join(systemd_quote(a) for a in [*program.argv(), "relay", "--config", settings])
        service = f"Environment={systemd_quote('SMS_TUI_OUTBOX=' + str(outbox))}\nExecStart={exec_start}\nNoNewPrivileges=yes\n"
    return (
        "[Unit]\n"
        f"Description=sms-tui: the SMS outbox relay for {config_path}\n"
        "After=network-online.target\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        "Type=exec\n"
        + service
        + "Restart=on-failure\n"
        "RestartSec=10\n"
        "# 143: stopped by SIGTERM (systemctl stop), after the sends in flight were recorded\n"
        "SuccessExitStatus=143\n\n"
        "[Install]\n"
        f"WantedBy={'multi-user.target' if _system() else 'default.target'}\n"
    )


def _under(path: str, folders: tuple[str, ...]) -> bool:
    return any(path == folder or path.startswith(folder + "/") for folder in folders)


def relay_user(user: str = RELAY_USER) -> tuple[int, int] | None:
    import pwd  # noqa: PLC0415 — only an install as root asks

    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def _group_of(user: str) -> str:
    """The user's own group's name (useradd --user-group makes one of the same name)."""
    import grp  # noqa: PLC0415

    found = relay_user(user)
    if found is None:
        return user
    try:
        return grp.getgrgid(found[1]).gr_name
    except KeyError:
        return user


def install(config_path: Path, spool: Spool, group: str | None = None, *, dry_run: bool = False, runner: Runner = run_tool,
            unit_dir: Path | None = None, user: str = RELAY_USER) -> Outcome:
    if settings_store.control_characters(config_path) or settings_store.control_characters(spool.root):
        raise ScheduleError(t("schedule.bad_path", path=ascii(str(config_path))))
    folder = unit_dir or (SYSTEM_UNITS if _system() else user_unit_dir())
    name = unit_name(config_path)
    path, text = folder / name, unit_text(config_path, spool.root, group, user)
    outcome = Outcome("systemd", changed=False)
    if (path.read_text(encoding="utf-8") if path.is_file() else None) != text:
        outcome.written[str(path)] = text
    enabled = runner(_systemctl("is-enabled", "--quiet", name), None).returncode == 0
    account = relay_user(user) if _system() else None
    owned = account is None or _owned_by(spool, account[0])
    outcome.changed = bool(outcome.written) or not enabled or (_system() and not owned)
    if not outcome.changed:
        return outcome
    steps: list[list[str]] = []
    if _system():
        if account is None:
            steps.append(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                          "--shell", "/usr/sbin/nologin", "--comment", "sms-tui outbox relay", user])
        # What it will run, run once as that user: a program it cannot read would be a unit that only fails.
        steps.append(["runuser", "-u", user, "--", *program.argv(), "--version"])
    else:
        steps.append([*program.argv(), "--version"])
    outcome.ran = [*steps, _systemctl("daemon-reload"), _systemctl("enable", "--now", name)]
    if outcome.written and enabled:
        outcome.ran.append(_systemctl("restart", name))  # the running relay takes the new unit
    if dry_run:
        return outcome
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    try:
        if _system():
            for call in steps[:-1]:
                must_run(runner, call)
            spool.prepare()
            made = relay_user(user)
            if made is None:
                raise ScheduleError(t("outbox.no_relay_user", user=user))
            spool.hand_over(*made)
        must_run(runner, steps[-1])
        folder.mkdir(parents=True, exist_ok=True)
        if outcome.written:
            from sms_tui.settings.files import atomic_write  # noqa: PLC0415 — only an install writes

            atomic_write(path, text.encode("utf-8"), mode=0o644)
        for call in outcome.ran[len(steps):]:
            must_run(runner, call)
    except (ScheduleError, OSError):
        if before is None:
            path.unlink(missing_ok=True)
        runner(_systemctl("daemon-reload"), None)
        raise
    return outcome


def _owned_by(spool: Spool, uid: int) -> bool:
    try:
        return os.lstat(spool.root).st_uid == uid
    except FileNotFoundError:
        return False


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

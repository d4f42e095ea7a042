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
from sms_tui.settings import store as settings_store
from sms_tui.systemd import (
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
        exec_start = " ".join(quote(a) for a in [*program.argv(), "relay", "--config"]) + f" %d/{CREDENTIAL}"
        home = "read-only" if any(_under(p, ("/home", "/root", "/run/user")) for p in program.argv()[:2]) else "yes"
        service = (
            f"User={user}\n"
            f"Group={_group_of(user)}\n"
            + (f"SupplementaryGroups={group}\n" if group else "")
            + f"LoadCredential={CREDENTIAL}:{quote(settings)}\n"
            f"Environment={quote('SMS_TUI_OUTBOX=' + str(outbox))}\n"
            f"ExecStart={exec_start}\n"
            f"ReadWritePaths={quote(str(outbox))}\n"
            f"ProtectHome={home}\n"
            + "".join(f"{line}\n" for line in HARDENING)
        )
    else:
        exec_start = " ".join(quote(a) for a in [*program.argv(), "relay", "--config", settings])
        service = f"Environment={quote('SMS_TUI_OUTBOX=' + str(outbox))}\nExecStart={exec_start}\nNoNewPrivileges=yes\n"
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
        raise UnitError("schedule.bad_path", path=ascii(str(config_path)))
    system = _system()
    outcome, steps, prefix, calls = _plan(config_path, spool, group, runner, unit_dir or (SYSTEM_UNITS if system else user_unit_dir()), user)
    if not outcome.changed or dry_run:
        return outcome
    for call in steps:
        must_run(runner, call)
    if system:
        _hand_over(spool, user)
    runs(runner, prefix)
    install_units(outcome.written, calls, runner, reload=calls[0])
    return outcome


def _plan(config_path: Path, spool: Spool, group: str | None, runner: Runner, folder: Path, user: str
          ) -> tuple[Outcome, list[list[str]], list[str], list[list[str]]]:
    """What an install would do: the outcome (its units, whether anything changes, what runs), the steps
    before the units (the relay's user), the prefix that runs a program as it, the systemctl calls."""
    system = _system()
    name = unit_name(config_path)
    outcome = Outcome("systemd", changed=False, written=changed_units({folder / name: unit_text(config_path, spool.root, group, user)}))
    enabled = runner(_systemctl("is-enabled", "--quiet", name), None).returncode == 0
    account = relay_user(user) if system else None
    outcome.changed = bool(outcome.written) or not enabled or (system and not (account is not None and _owned_by(spool, account[0])))
    steps = [_useradd(user)] if system and account is None else []
    # What it will run, run once as the user it runs as: a program it cannot read would be a unit that only fails.
    prefix = ["runuser", "-u", user, "--"] if system else []
    calls = [_systemctl("daemon-reload"), _systemctl("enable", "--now", name)]
    if outcome.written and enabled:
        calls.append(_systemctl("restart", name))  # the running relay takes the new unit
    if outcome.changed:
        outcome.ran = [*steps, [*prefix, *program.argv(), "--version"], *calls]
    return outcome, steps, prefix, calls


def _useradd(user: str) -> list[str]:
    """The relay's own user, as Debian's daemons have theirs: a system account, no home, no shell."""
    return ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
            "--shell", "/usr/sbin/nologin", "--comment", "sms-tui outbox relay", user]


def _hand_over(spool: Spool, user: str) -> None:
    """The outbox's folders made and given to the relay's user (made by now)."""
    spool.prepare()
    made = relay_user(user)
    if made is None:
        raise UnitError("outbox.no_relay_user", user=user)
    spool.hand_over(*made)


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
        remove_units([path], outcome.ran[0], outcome.ran[1], runner)
    return outcome

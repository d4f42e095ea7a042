"""The hand-off to the shop's software: the saved account, secret and sender as a systemd
`EnvironmentFile=` (or a shell's `set -a; .`) and as JSON — what `sms-tui export` writes, and what
every save rewrites into the files `[export]` names, so those copies never go stale. Written
atomically with the settings file's owner, group and mode: whoever may read the settings may read
these, nobody else."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui.base.files import atomic_write

if TYPE_CHECKING:
    from sms_tui.settings.model import Settings

FORMATS = ("env", "json")


def variables(settings: Settings) -> dict[str, str]:
    """The hand-off: the secret of the saved kind only; the URL only when it is not SMSAPI itself."""
    account = settings.account
    out = {"SMSAPI_USERNAME": account.username}
    if account.token is not None:
        out["SMSAPI_TOKEN"] = account.token.get_secret_value()
    elif account.password_md5 is not None:
        out["SMSAPI_PASSWORD_MD5"] = account.password_md5.get_secret_value()
    out["SMSAPI_FROM"] = settings.sender.from_field
    out["SMSAPI_PLATFORM"] = account.platform.value
    if account.api_url:
        out["SMSAPI_URL"] = account.api_url
    return out


def env_text(values: dict[str, str]) -> str:
    """KEY="value" lines, as systemd's EnvironmentFile= and a POSIX shell both read them."""
    def quoted(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")
        return f'"{escaped}"'

    return "".join(f"{key}={quoted(value)}\n" for key, value in values.items())


def payload(settings: Settings, kind: str) -> bytes:
    values = variables(settings)
    text = env_text(values) if kind == "env" else json.dumps(values, ensure_ascii=False, indent=1) + "\n"
    return text.encode("utf-8")


def write_like(target: Path, data: bytes, settings_path: Path) -> bool:
    """Atomically, then the settings file's owner, group and mode (as root: chown after the rename;
    the temp file is 0600). False when the file held these bytes already (nothing written)."""
    info = os.stat(settings_path)
    try:
        current = os.stat(target)
        with open(target, "rb") as file:
            same = file.read(len(data) + 1) == data
        if same and stat.S_IMODE(current.st_mode) == stat.S_IMODE(info.st_mode) and (
                os.geteuid() != 0 or (current.st_uid, current.st_gid) == (info.st_uid, info.st_gid)):
            return False
    except OSError:
        pass
    atomic_write(target, data)
    if os.geteuid() == 0:
        os.chown(target, info.st_uid, info.st_gid, follow_symlinks=False)
    os.chmod(target, stat.S_IMODE(info.st_mode))
    return True


def refresh(settings: Settings, settings_path: Path) -> list[str]:
    """After a save: the named copies rewritten where they differ. The ones written."""
    written = []
    for kind in FORMATS:
        if (where := settings.export.target(kind)) and write_like(Path(where), payload(settings, kind), settings_path):
            written.append(where)
    return written

"""`sms-tui export`: the saved account, secret and sender in the forms shop software reads — a
systemd `EnvironmentFile=` (or a shell's `set -a; .`) and JSON — so the program that sends need
not parse our settings. The secret never goes to a terminal (a screen is read over shoulders and
kept in scrollback); to a file only atomically, with the settings file's owner and mode."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui.commands.common import Context, load_settings
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, t
from sms_tui.settings import store as settings_store
from sms_tui.settings.files import atomic_write

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.settings.model import Settings


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


def run(ctx: Context, args: Namespace) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    values = variables(settings)
    payload = env_text(values) if args.format == "env" else json.dumps(values, ensure_ascii=False, indent=1) + "\n"
    if args.output in (None, "-"):  # `-` is standard output, as everywhere: never a file named "-"
        if ctx.out.isatty():
            rep.step("export", False, t("export.terminal"))
            return rep.finish(ExitCode.USAGE)
        ctx.out.write(payload)
        ctx.out.flush()
        return int(ExitCode.OK)
    target = Path(args.output).expanduser()
    if settings_store.control_characters(target) or target.is_dir():
        rep.step("export", False, t("export.bad_output", path=target))
        return rep.finish(ExitCode.USAGE)
    try:
        _write_like(target, payload.encode("utf-8"), settings_store.target(ctx.config_path))
    except OSError as exc:
        rep.step("export", False, t("export.unwritable", path=target, reason=os_reason(exc)))
        return rep.finish(ExitCode.USAGE)
    rep.step("export", True, t("export.written", path=target, keys=", ".join(values)))
    return rep.finish(ExitCode.OK, output=str(target), keys=list(values))


def _write_like(target: Path, payload: bytes, settings_path: Path) -> None:
    """Atomically, then the settings file's owner, group and mode: whoever may read the settings may
    read this, nobody else (as root: chown before the rename would race; the temp file is 0600)."""
    info = os.stat(settings_path)
    atomic_write(target, payload)
    if os.geteuid() == 0:
        os.chown(target, info.st_uid, info.st_gid, follow_symlinks=False)
    os.chmod(target, stat.S_IMODE(info.st_mode))

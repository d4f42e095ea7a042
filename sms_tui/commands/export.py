"""`sms-tui export`: the saved account, secret and sender in the forms shop software reads — a
systemd `EnvironmentFile=` (or a shell's `set -a; .`) and JSON — so the program that sends need
not parse our settings. The secret never goes to a terminal (a screen is read over shoulders and
kept in scrollback); to a file only atomically, with the settings file's owner and mode."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui.commands.common import Context, Reporter, load_settings
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, t
from sms_tui.settings import handoff
from sms_tui.settings import store as settings_store

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.settings.model import Settings


def run(ctx: Context, args: Namespace) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    values = handoff.variables(settings)
    data = handoff.payload(settings, args.format)
    if args.output in (None, "-"):  # `-` is standard output, as everywhere: never a file named "-"
        if ctx.out.isatty():
            rep.step("export", False, t("export.terminal"))
            return rep.finish(ExitCode.USAGE)
        ctx.out.write(data.decode("utf-8"))
        ctx.out.flush()
        return int(ExitCode.OK)
    target = Path(args.output).expanduser()
    if settings_store.control_characters(target) or target.is_dir():
        rep.step("export", False, t("export.bad_output", path=target))
        return rep.finish(ExitCode.USAGE)
    try:
        handoff.write_like(target, data, settings_store.target(ctx.config_path))
    except OSError as exc:
        rep.step("export", False, t("export.unwritable", path=target, reason=os_reason(exc)))
        return rep.finish(ExitCode.USAGE)
    rep.step("export", True, t("export.written", path=target, keys=", ".join(values)))
    remembered = _remember(ctx, rep, settings, args.format, target)
    return rep.finish(ExitCode.OK, output=str(target), keys=list(values), remembered=remembered)


def _remember(ctx: Context, rep: Reporter, settings: Settings, kind: str, target: Path) -> bool:
    """The copy named once: `[export]` keeps it, and every save from now on rewrites it (a sender
    switched, a secret changed). Only where this user may write the settings."""
    where = str(target.resolve())
    if settings.export.target(kind) == where:
        return True
    updated = settings.model_copy(update={"export": settings.export.with_target(kind, where)})
    try:
        settings_store.save(updated, ctx.config_path)
    except settings_store.ConfigError:
        rep.info(t("export.not_remembered", path=where))
        return False
    rep.info(t("export.remembered", path=where, kind=kind))
    return True

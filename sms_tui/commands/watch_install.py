"""`sms-tui watch --install | --uninstall`: the timer that runs the watch, and `[alerts] watch` saved."""

from __future__ import annotations

from pathlib import Path

from sms_tui import systemd
from sms_tui.base.errors import reason
from sms_tui.commands.common import Context, Reporter, load_settings
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t
from sms_tui.settings import store as settings_store
from sms_tui.settings.model import Settings
from sms_tui.watch import schedule


def run(ctx: Context, *, uninstall: bool, kind: systemd.Kind | None, every: schedule.Every, dry_run: bool) -> int:
    rep = ctx.reporter()
    settings: Settings | None = None
    if not uninstall or ctx.config_path.exists():  # removing a timer must work after its settings went
        loaded = load_settings(ctx, rep)  # a timer for settings that do not exist would fail every hour
        if isinstance(loaded, int):
            return loaded
        settings = loaded
    try:
        if uninstall:
            outcome = schedule.uninstall(ctx.config_path, dry_run=dry_run)
        else:
            kind = kind or schedule.detect()
            outcome = schedule.install(ctx.config_path, every, kind, dry_run=dry_run)
    except systemd.UnitError as exc:
        hint = t("schedule.try_cron") if kind == "systemd" and not uninstall else ""
        rep.step("schedule", False, f"{t('schedule.failed', reason=exc.describe())} {hint}".strip())
        return rep.finish(ExitCode.USAGE)  # the system refused a step: the technician can fix or pick --cron
    except OSError as exc:
        rep.step("schedule", False, t("schedule.failed", reason=reason(exc)))
        return rep.finish(ExitCode.USAGE)
    report(rep, outcome, uninstall=uninstall, dry_run=dry_run, every=every, config_path=str(ctx.config_path))
    recorded = _record(ctx, rep, settings, "off" if uninstall else every, dry_run=dry_run)
    return rep.finish(ExitCode.OK, kind=outcome.kind, changed=outcome.changed or recorded, written=outcome.written,
                      removed=outcome.removed, ran=outcome.ran, dry_run=dry_run)


def _record(ctx: Context, rep: Reporter, settings: Settings | None, wanted: str, *, dry_run: bool) -> bool:
    """`[alerts] watch` saved as installed (part of the change): whether it differed."""
    recorded = settings is not None and settings.alerts.watch != wanted
    if settings is not None and recorded and not dry_run:
        updated = settings.model_copy(update={"alerts": settings.alerts.model_copy(update={"watch": wanted})})
        try:
            settings_store.save(updated, ctx.config_path)
        except settings_store.ConfigError as exc:
            rep.warn("settings", exc.describe())
    return recorded


def report(rep: Reporter, outcome: systemd.Outcome, *, uninstall: bool, dry_run: bool, every: str, config_path: str) -> None:
    """Exactly what is (or with --dry-run would be) written, removed and run."""
    if not outcome.changed:
        rep.step("schedule", True, t("schedule.nothing_to_remove" if uninstall else "schedule.unchanged", kind=outcome.kind))
        return
    for line in outcome.report(dry_run=dry_run):
        rep.info(line)
    for key in outcome.warnings:
        import getpass

        rep.warn("schedule", t(key, user=getpass.getuser()))
    if dry_run:
        rep.step("schedule", True, t("schedule.dry_run"))
    elif uninstall:
        rep.step("schedule", True, t("schedule.uninstalled", kind=outcome.kind))
    else:
        rep.step("schedule", True, t(f"schedule.installed.{outcome.kind}", every=t(f"schedule.every.{every}"),
                                     name=schedule.unit_name(Path(config_path))))

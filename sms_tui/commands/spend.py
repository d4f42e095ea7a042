"""`sms-tui spend [--json]`: what the shop sent today and this month — messages and points — and
what the money guard held, refused as duplicates, and what a human released; the last hour
against its limit. Read from the guard's ledger, the one the relay and `send` count in."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sms_tui.commands.common import Context, load_settings
from sms_tui.exitcodes import ExitCode
from sms_tui.guard.ledger import GuardUnavailable
from sms_tui.i18n import t
from sms_tui.outbox.gate import spent_for
from sms_tui.outbox.spool import spool_for

if TYPE_CHECKING:
    from argparse import Namespace


def run(ctx: Context, args: Namespace | None = None) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    try:
        spent, ledger = spent_for(settings, spool_for(settings))
    except GuardUnavailable as exc:
        rep.step("spend", False, exc.describe())
        return rep.finish(ExitCode.USAGE)
    except KeyError as exc:  # the settings name a group this server does not have
        rep.step("spend", False, t("answers.no_group", name=str(exc)))
        return rep.finish(ExitCode.USAGE)
    rep.info(t("spend.title", day=spent.day, month=spent.month))
    for key, period in (("spend.today", spent.today), ("spend.month", spent.this_month)):
        rep.info(t("spend.row", period=t(key), sent=period.sent, points=f"{period.points:g}", held=period.held,
                   duplicates=period.duplicates, released=period.released))
    limits = settings.guard
    rep.info(t("spend.limits", hour=spent.last_hour, per_hour=limits.per_hour or "—", points_day=f"{limits.points_day:g}",
               points_month=f"{limits.points_month:g}"))
    if not limits.enabled:
        rep.warn("guard", t("spend.off"))
    return rep.finish(ExitCode.OK, **dataclasses.asdict(spent), enabled=limits.enabled, ledger=str(ledger))

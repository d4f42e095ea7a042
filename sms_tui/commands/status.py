"""`sms-tui status ID…`: what became of sent messages — one read, exit 0 / 7 / 8 by the worst."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

import re

from sms_tui.commands.common import Context, Reporter, connect, load_settings, run_async
from sms_tui.commands.waiting import as_data, report
from sms_tui.delivery import overall, read_once
from sms_tui.i18n import t
from sms_tui.settings.model import Settings
from sms_tui.smsapi import SmsapiError

# SMSAPI's ids are decimal (legacy sms.do) or hex (REST); a "|" would split one read into two.
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def run(ctx: Context, args: Namespace) -> int:
    return status(ctx, args.ids)


def status(ctx: Context, ids: list[str]) -> int:
    rep = ctx.reporter()
    wanted = list(dict.fromkeys(i.strip() for i in ids))
    bad = [i for i in wanted if not _ID.fullmatch(i)]
    if bad or not wanted:
        problems = [t("status.bad_id", id=i) for i in bad] or [t("status.bad_id", id="")]
        return rep.refuse_input(problems)
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    return run_async(lambda: _status(ctx, rep, settings, wanted))


async def _status(ctx: Context, rep: Reporter, settings: Settings, ids: list[str]) -> int:
    conn = connect(ctx, settings.account)
    try:
        deliveries = await read_once(conn.api, ids)
    except SmsapiError as exc:
        return await conn.failure(rep, "status", exc)
    finally:
        await conn.aclose()
    for delivery in deliveries.values():
        report(rep, delivery)
    outcome = overall(list(deliveries.values()))
    return rep.finish(outcome.exit_code, outcome=outcome.value, messages=[as_data(d) for d in deliveries.values()])

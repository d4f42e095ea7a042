"""`sms-tui send`: one message with the saved settings; the same --idx never delivers twice."""

from __future__ import annotations

import sys

from sms_tui import flow
from sms_tui.commands.common import Context, Reporter, diagnosed_failure, load_settings, run_async
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t
from sms_tui.rules import check_phone, clean_field, measure
from sms_tui.settings import Settings
from sms_tui.smsapi import SmsapiError, new_idx


def run(ctx: Context, to: str, message: str | None, use_stdin: bool, idx: str | None) -> int:
    rep = Reporter(ctx.json)
    text = sys.stdin.read() if use_stdin else (message or "")
    text = clean_field(text, keep_newlines=True).strip()
    phone = check_phone(to)
    problems = [] if phone.ok else [t(phone.reason or "phone.invalid")]
    length = measure(text)
    if length.empty:
        problems.append(t("send.empty"))
    elif length.too_long:
        problems.append(t("send.too_long", units=length.units))
    if idx is not None and not (0 < len(idx) <= 255):
        problems.append(t("send.bad_idx"))
    if problems:
        for problem in problems:
            rep.step("input", False, problem)
        return rep.finish(ExitCode.USAGE, problems=problems)
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    return run_async(lambda: _send(ctx, rep, settings, phone.number, text, idx or new_idx()))


async def _send(ctx: Context, rep: Reporter, settings: Settings, to: str, text: str, idx: str) -> int:
    options = ctx.client_options(settings.account.platform, settings.account.api_url)
    session = flow.Session(options)
    credentials = settings.account.credentials()
    try:
        result = await flow.test_send(session, credentials, settings.sender, to, text, idx=idx)
    except SmsapiError as exc:
        return await diagnosed_failure(rep, "send", exc, session, credentials, options, to)
    finally:
        await session.aclose()
    if result.already_accepted:
        rep.step("send", True, t("send.already", idx=idx), already_accepted=True)
        return rep.finish(ExitCode.OK, idx=idx, already_accepted=True, to=to)
    rep.step("send", True, t("send.ok", to=to, id=result.message_id, points=result.points))
    return rep.finish(ExitCode.OK, idx=idx, message_id=result.message_id, points=result.points, parts=result.parts, to=to)

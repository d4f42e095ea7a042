"""`sms-tui apply ANSWERS.toml`: every wizard step, no questions; saves only after a good test."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui import answers, config, flow
from sms_tui.commands.common import Context, Reporter, diagnosed_failure, run_async
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t
from sms_tui.smsapi import SmsapiError

if TYPE_CHECKING:
    from sms_tui.settings import Verified


def run(ctx: Context, path: str, *, dry_run: bool) -> int:
    rep = Reporter(ctx.json)
    try:
        ans = answers.read(Path(path))
    except answers.AnswersError as exc:
        for problem in exc.problems:
            rep.step("answers", False, problem)
        return rep.finish(ExitCode.USAGE, problems=exc.problems)
    rep.step("answers", True, t("apply.answers_ok", path=path))
    return run_async(lambda: _apply(ctx, rep, ans, dry_run))


async def _apply(ctx: Context, rep: Reporter, ans: answers.Answers, dry_run: bool) -> int:
    if ctx.api_url:  # remembered, so check/send/doctor reach the same proxy or sandbox later
        ans.account = ans.account.model_copy(update={"api_url": ctx.api_url})
    try:  # before anything is charged: a settings path we could not write would waste the test SMS
        config.preflight(ctx.config_path)
    except config.ConfigError as exc:
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    options = ctx.client_options(ans.account.platform, ans.account.api_url)
    session = flow.Session(options)
    credentials = ans.account.credentials()
    try:
        try:
            status = await flow.verify(session, credentials)
        except SmsapiError as exc:
            return await diagnosed_failure(rep, "credentials", exc, session, credentials, options, ans.to)
        rep.step("credentials", True, t("apply.credentials_ok", points=status.balance.points), points=status.balance.points)
        threshold = ans.alerts.low_balance
        if threshold and (status.balance.points or 0) < threshold:
            rep.warn("balance", t("check.low_balance", points=status.balance.points, threshold=threshold), low_balance=threshold)
        problems = flow.sender_problems(ans.sender.mode, ans.sender.name, status.senders)
        if problems:
            for key in problems:
                rep.step("sender", False, t(key, name=ans.sender.name))
            return rep.finish(ExitCode.REFUSED, problems=problems)
        rep.step("sender", True, t("apply.sender_ok", sender=ans.sender.from_field))
        idx = flow.stable_idx(ans.account.platform, ans.account.username, ans.sender.from_field, ans.to, ans.message)
        try:
            result = await flow.test_send(session, credentials, ans.sender, ans.to, ans.message, idx=idx, dry_run=dry_run)
        except SmsapiError as exc:
            return await diagnosed_failure(rep, "test_send", exc, session, credentials, options, ans.to)
    finally:
        await session.aclose()
    if result.already_accepted:
        rep.step("test_send", True, t("apply.already_sent", to=ans.to), already_accepted=True)
    elif dry_run:
        rep.step("test_send", True, t("apply.dry_send_ok", to=ans.to, parts=result.parts or 1, points=result.points))
    else:
        rep.step("test_send", True, t("apply.send_ok", to=ans.to, id=result.message_id, points=result.points),
                 message_id=result.message_id, points=result.points)
    settings = flow.build_settings(ans.account, ans.sender, result, ans.to, alerts=ans.alerts)
    if result.already_accepted:  # SMSAPI had this very test already: keep the record of that send
        settings = settings.model_copy(update={"verified": _earlier_verified(ctx, ans.to) or settings.verified})
    if dry_run:
        rep.step("save", True, t("apply.would_save", path=ctx.config_path))
        return rep.finish(ExitCode.OK, dry_run=True, settings=settings.masked(), config=str(ctx.config_path))
    try:
        flow.save(settings, ctx.config_path)
    except config.ConfigError as exc:
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    rep.step("save", True, t("apply.saved", path=ctx.config_path))
    rep.info(t("apply.restart"))
    return rep.finish(ExitCode.OK, settings=settings.masked(), config=str(ctx.config_path))


def _earlier_verified(ctx: Context, to: str) -> Verified | None:
    try:
        earlier, _ = config.load(ctx.config_path)
    except config.ConfigError:
        return None
    if earlier is None or earlier.verified is None or earlier.verified.to != to or not earlier.verified.message_id:
        return None
    return earlier.verified

"""`sms-tui apply ANSWERS.toml`: every wizard step, no questions; saves only after a good test."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sms_tui import operations, rules, sender_flow
from sms_tui.base.errors import reason
from sms_tui.commands.common import Context, Reporter, diagnosed_failure, run_async
from sms_tui.commands.waiting import as_data, wait_for_delivery
from sms_tui.delivery import short_when
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import program, t
from sms_tui.settings import answers
from sms_tui.settings import store as settings_store
from sms_tui.settings.diff import settings_diff
from sms_tui.smsapi import SmsapiError
from sms_tui.smsapi_texts import describe

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.settings.model import Settings, Verified, Watch
    from sms_tui.settings.setup_model import Setup
    from sms_tui.smsapi import Credentials, SenderName, SendResult, SmsapiClient


def run(ctx: Context, args: Namespace) -> int:
    return apply(ctx, args.answers, dry_run=args.dry_run, wait=args.wait, retest=args.retest)


def apply(ctx: Context, path: str, *, dry_run: bool, wait: float | None = None, retest: bool = False) -> int:
    rep = ctx.reporter()
    try:
        setup = answers.read_stream(ctx.stdin) if path == "-" else answers.read(Path(path))
    except answers.AnswersError as exc:
        for problem in exc.problems:
            rep.step("answers", False, problem)
        return rep.finish(ExitCode.USAGE, problems=exc.problems)
    rep.step("answers", True, t("apply.answers_stdin_ok") if path == "-" else t("apply.answers_ok", path=path))
    retry = f"{program()} apply {shlex.quote(path)}"  # safe as it is: the test's idx comes from the answers
    return run_async(lambda: _apply(ctx, rep, setup, Plan(dry_run, wait, retest, retry)), rep)


@dataclass(frozen=True)
class Plan:
    """How this run goes: a rehearsal or for real, following the test to the phone or not, a new
    real test even when the saved one still vouches for these settings, and the safe retry."""

    dry_run: bool
    wait: float | None
    retest: bool
    retry: str


async def _apply(ctx: Context, rep: Reporter, setup: Setup, plan: Plan) -> int:
    earlier = _earlier(ctx)
    _inherit(rep, setup, earlier, ctx.api_url)
    # `[sender] request` is asked for below; only a name SMSAPI keeps waiting is recorded (record_request).
    request, setup.requested_sender = setup.requested_sender, None
    account, sender, to = setup.account_settings(), setup.sender_settings(), setup.test_number
    try:  # before anything is charged: a settings path we could not write would waste the test SMS
        settings_store.preflight(ctx.config_path)
    except settings_store.ConfigError as exc:
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    options = ctx.client_options(account.platform, account.api_url)
    session = operations.Session(options)
    credentials = account.credentials()
    try:
        try:
            status = await operations.verify(session, credentials)
        except SmsapiError as exc:
            return await diagnosed_failure(rep, "credentials", exc, session, credentials, options, to)
        if (refused := _account_ok(rep, setup, status)) is not None:
            return refused
        requested = None
        if request is not None and plan.dry_run:
            rep.info(t("apply.request_would", name=request))
        elif request is not None:
            try:
                requested = await _request(rep, session.client(credentials), request, status.senders)
            except SmsapiError as exc:
                return await diagnosed_failure(rep, "sender", exc, session, credentials, options, to)
        kept = None if plan.retest else operations.still_verified(earlier, account, sender, to)
        result: SendResult | None = None
        try:
            if kept is not None:
                await _recheck(rep, session, credentials, setup, kept)
            else:
                result = await _test_send(rep, session, credentials, setup, plan)
        except SmsapiError as exc:
            return await diagnosed_failure(rep, "test_send", exc, session, credentials, options, to)
        verified = kept if result is None else _verified_by(result, plan, earlier, to)
        # The answers may not say how often to watch: a timer installed earlier stays, and so does its record.
        settings = setup.to_settings(verified, installed=_earlier_watch(earlier) if setup.watch is None else "off")
        if requested is not None:
            settings = sender_flow.record_request(settings, requested)
        return await _finish(ctx, rep, plan, earlier, settings, result, session.client(credentials),
                             watch=setup.watch, requested=requested is not None)
    finally:
        await session.aclose()


def _inherit(rep: Reporter, setup: Setup, earlier: Settings | None, api_url: str | None) -> None:
    """What the answers leave unsaid and the saved settings say: the exported copies, the address."""
    if setup.export is None and earlier is not None:  # answers without [export]: the copies named before stay named
        setup.export = earlier.export.model_dump(by_alias=True, exclude_none=True) or None
    if api_url:  # remembered, so check/send/doctor reach the same proxy or sandbox later
        setup.api_url = api_url
    elif setup.api_url == "":  # the answers say: SMSAPI itself, whatever was saved
        setup.api_url = None
    elif setup.api_url is None and earlier is not None and earlier.account.api_url:
        setup.api_url = earlier.account.api_url  # the saved proxy or sandbox, as check/send/doctor use it
        rep.info(t("apply.api_url_kept", url=setup.api_url))


def _account_ok(rep: Reporter, setup: Setup, status: operations.AccountStatus) -> int | None:
    """The account answered: its points (a warning when low) and the sender it may use; an exit code when it may not."""
    sender = setup.sender_settings()
    rep.step("credentials", True, t("apply.credentials_ok", points=status.balance.points), points=status.balance.points)
    threshold = setup.low_balance
    if rules.below_threshold(status.balance.points, threshold):
        rep.warn("balance", t("check.low_balance", points=status.balance.points, threshold=rules.threshold_text(threshold)), low_balance=threshold)
    problems = operations.sender_problems(sender.mode, sender.name, status.senders)
    if problems:
        for key in problems:
            rep.step("sender", False, t(key, name=sender.name))
        return rep.finish(ExitCode.REFUSED, problems=problems)
    rep.step("sender", True, t("apply.sender_ok", sender=sender.from_field))
    return None


def _verified_by(result: SendResult, plan: Plan, earlier: Settings | None, to: str) -> Verified | None:
    """What the settings record of the test SMS just sent (or rehearsed)."""
    if plan.dry_run:  # the free probe's id is no SMS: what a real run records is not known yet
        before = earlier.verified if earlier is not None and earlier.verified is not None and not earlier.verified.skipped else None
        return before.model_copy(update={"to": to}) if before is not None else None
    verified = operations.verified_record(result, to)
    if result.already_accepted:  # SMSAPI had this very test already: keep the record of that send
        return _earlier_verified(earlier, to) or verified
    return verified


async def _recheck(rep: Reporter, session: operations.Session, credentials: Credentials, setup: Setup, kept: Verified) -> None:
    """The sender still works for this account: a `test=1` send (nothing delivered or charged)."""
    await operations.send(session, credentials, setup.sender_settings(), setup.test_number, setup.test_message, test=True)
    rep.step("test_send", True, t("apply.still_verified", to=kept.to, id=kept.message_id, at=short_when(kept.at)),
             message_id=kept.message_id, already_verified=True)


async def _test_send(rep: Reporter, session: operations.Session, credentials: Credentials, setup: Setup, plan: Plan) -> SendResult:
    account, sender, to, message = setup.account_settings(), setup.sender_settings(), setup.test_number, setup.test_message
    idx = operations.test_idx(account.platform, account.username, sender.from_field, to, message)
    if not plan.dry_run:
        rep.sending(idx, plan.retry)
    result = await operations.send(session, credentials, sender, to, message, idx=idx, test=plan.dry_run)
    rep.sent(idx=idx, message_id=result.message_id)
    if result.already_accepted:
        rep.step("test_send", True, t("apply.already_sent", to=to), already_accepted=True)
    elif plan.dry_run:
        rep.step("test_send", True, t("apply.dry_send_ok", to=to, parts=result.parts or 1, points=result.points))
    else:
        rep.step("test_send", True, t("apply.send_ok", to=to, id=result.message_id, points=result.points),
                 message_id=result.message_id, points=result.points)
    return result


async def _finish(ctx: Context, rep: Reporter, plan: Plan, earlier: Settings | None, settings: Settings, result: SendResult | None,
                  client: SmsapiClient, *, watch: str | None, requested: bool) -> int:
    """Save only what differs, say what changed (`changed`, `diff`; rehearsed: `would_change`).
    `result` is SMSAPI's answer to the test send, None when the saved test still vouched."""
    real_test = result is not None and not result.already_accepted
    diff = settings_diff(earlier, settings)
    try:
        differs = settings_store.would_change(settings, ctx.config_path)
    except settings_store.ConfigError as exc:  # the named reader vanished since the answers were read
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    if plan.dry_run:
        rep.step("save", True, t("apply.would_save" if differs else "apply.would_keep", path=ctx.config_path))
        _schedule(ctx, rep, watch, dry_run=True)
        if plan.wait is not None:
            rep.info(t("delivery.dry_run"))
        return rep.finish(ExitCode.OK, dry_run=True, would_change=differs or real_test, would_send=real_test, diff=diff,
                          settings=settings.masked(), config=str(ctx.config_path))
    # Saved as soon as SMSAPI accepted the test (the vendor's rule, as in the wizard): a wait
    # cut short by Ctrl+C or a dropped link never leaves the shop without its settings.
    if differs:
        if (failed := _save(ctx, rep, settings)) is not None:
            return failed
    else:
        rep.step("save", True, t("apply.unchanged", path=ctx.config_path))
    scheduled, timer_changed = _schedule(ctx, rep, watch, dry_run=False)
    if not scheduled:
        settings = _without_watch(ctx, rep, settings)
        differs = True
    changed = differs or timer_changed or requested or real_test
    if differs:
        rep.info(t("apply.restart"))
    if plan.wait is None:
        return rep.finish(ExitCode.OK, changed=changed, diff=diff, settings=settings.masked(), config=str(ctx.config_path))
    return await _wait(ctx, rep, settings, client, result, plan.wait, changed=changed, diff=diff)


async def _request(rep: Reporter, api: SmsapiClient, name: str, senders: list[SenderName] | None) -> SenderName:
    """`[sender] request`: asked for when the account lacks it; the saved mode stays until approved."""
    from sms_tui.commands.sender import state_line

    found = sender_flow.find(senders, name) if senders is not None else await sender_flow.lookup(api, name)
    if found is not None:
        rep.step("request", True, t("sender_cmd.already", line=state_line(found)))
        return found
    sender = await sender_flow.request(api, name, await api.sender_statement())
    rep.step("request", True, t("sender_cmd.requested_ok", name=sender.sender))
    return sender


def _save(ctx: Context, rep: Reporter, settings: Settings) -> int | None:
    try:
        operations.save(settings, ctx.config_path)
    except settings_store.ConfigError as exc:
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    rep.step("save", True, t("apply.saved", path=ctx.config_path))
    return None


async def _wait(ctx: Context, rep: Reporter, settings: Settings, client: SmsapiClient, result: SendResult | None, wait: float,
                *, changed: bool, diff: dict[str, Any]) -> int:
    """Follow the saved test to the phone and record what became of it in `[verified]`."""
    verified = settings.verified
    message = result.messages[0] if result is not None and result.messages and result.message_id else None
    if message is None and verified is not None and verified.message_id:  # a re-run: the kept record names the test
        from sms_tui.smsapi.models import SentMessage

        message = SentMessage(id=verified.message_id, number=verified.to, points=verified.points)
    if verified is None or message is None:
        rep.warn("delivery", t("delivery.cannot_follow"))
        return rep.finish(ExitCode.NOT_CONFIRMED, changed=changed, diff=diff, settings=settings.masked(), config=str(ctx.config_path))
    try:
        delivery = await wait_for_delivery(rep, client, message, wait)
    except SmsapiError as exc:  # SMSAPI refused the status read itself (credentials changed meanwhile)
        rep.warn("delivery", describe(exc))
        return rep.finish(ExitCode.NOT_CONFIRMED, changed=changed, diff=diff, settings=settings.masked(), config=str(ctx.config_path))
    settings = settings.model_copy(update={"verified": operations.with_delivery(verified, delivery)})
    try:
        changed = settings_store.would_change(settings, ctx.config_path) or changed
        operations.save(settings, ctx.config_path)
    except settings_store.ConfigError as exc:  # the settings of a moment ago stay; only the delivery record is missing
        rep.warn("save", exc.describe())
    return rep.finish(delivery.outcome.exit_code, changed=changed, diff=diff, settings=settings.masked(), config=str(ctx.config_path),
                      delivery=as_data(delivery))

def _schedule(ctx: Context, rep: Reporter, watch: str | None, *, dry_run: bool) -> tuple[bool, bool]:
    """`[alerts] watch`: install or remove the timer after the settings are saved (a timer for
    settings not yet written would fail its first run). Whether it worked, and changed anything."""
    from sms_tui.commands.watch_install import report
    from sms_tui.systemd import UnitError
    from sms_tui.watch import schedule

    if watch is None:
        return True, False
    every: schedule.Every = "daily" if watch == "daily" else "hourly"
    try:
        if watch == "off":
            outcome = schedule.uninstall(ctx.config_path, dry_run=dry_run)
        else:
            outcome = schedule.install(ctx.config_path, every, schedule.detect(), dry_run=dry_run)
    except (UnitError, OSError) as exc:
        rep.warn("schedule", t("schedule.failed", reason=reason(exc)))
        return False, False
    report(rep, outcome, uninstall=watch == "off", dry_run=dry_run, every=every, config_path=str(ctx.config_path))
    return True, outcome.changed


def _without_watch(ctx: Context, rep: Reporter, settings: Settings) -> Settings:
    """The settings must not claim a timer that is not there."""
    settings = settings.model_copy(update={"alerts": settings.alerts.model_copy(update={"watch": "off"})})
    _save(ctx, rep, settings)
    return settings


def _earlier(ctx: Context) -> Settings | None:
    """The settings saved before this run, if they can be read: what the answers are compared with."""
    try:
        earlier, _ = settings_store.load(ctx.config_path)
    except settings_store.ConfigError:
        return None
    return earlier


def _earlier_watch(earlier: Settings | None) -> Watch:
    return earlier.alerts.watch if earlier is not None else "off"


def _earlier_verified(earlier: Settings | None, to: str) -> Verified | None:
    if earlier is None or earlier.verified is None or earlier.verified.to != to or earlier.verified.skipped:
        return None
    return earlier.verified

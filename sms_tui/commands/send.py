"""`sms-tui send`: one message with the saved settings; the same --idx never delivers twice."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.guard import Ledger


from sms_tui import checks, operations
from sms_tui.commands.common import Context, Reporter, connect, load_settings, run_async
from sms_tui.commands.waiting import as_data, wait_for_delivery
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, program, t
from sms_tui.rules import check_phone, clean_field
from sms_tui.settings.model import Settings
from sms_tui.smsapi import SmsapiError, TransportError, new_idx
from sms_tui.smsapi_texts import describe


def run(ctx: Context, args: Namespace) -> int:
    if getattr(args, "queue", False):
        return queue(ctx, args.to, args.message, args.stdin, getattr(args, "sender", None), idx=args.idx, wait=args.wait)
    if getattr(args, "sender", None):
        return ctx.reporter().refuse_input([t("send.from_needs_queue")])
    return send(ctx, args.to, args.message, args.stdin, args.idx, wait=args.wait)


def queue(ctx: Context, to: str, message: str | None, use_stdin: bool, sender: str | None, *, idx: str | None, wait: float | None) -> int:
    """`send --queue`: checked as the relay will check it, then dropped into the outbox (no secret
    needed: the shop's user may only be allowed to write there)."""
    from sms_tui.outbox.spool import outbox_root, spool_for
    from sms_tui.settings import store as settings_store

    rep = ctx.reporter()
    text = _read_text(message, ctx.stdin if use_stdin else None)
    if problems := _queue_problems(to, text, sender, alone=idx is None and wait is None):
        return rep.refuse_input(problems)
    try:
        settings, _ = settings_store.load(ctx.config_path)
    except settings_store.ConfigError:
        settings = None
    root = outbox_root(settings.outbox.dir if settings is not None else None)
    try:
        spool = spool_for(settings)
        if not spool.folder("outgoing").is_dir():  # the relay has not run yet: made as it would make it, where we may
            spool.prepare()
        message_id = spool.drop(check_phone(to).number, text or "", "ECO" if sender and sender.upper() == "ECO" else sender)
    except KeyError:  # the settings name a group this server does not have
        rep.step("queue", False, t("outbox.unusable", path=root, reason=t("answers.no_group", name=settings.files.group if settings else "")))
        return rep.finish(ExitCode.USAGE)
    except OSError as exc:
        reason = t("outbox.no_drop_folder") if isinstance(exc, FileNotFoundError) else os_reason(exc)
        rep.step("queue", False, t("outbox.unusable", path=root, reason=reason))
        return rep.finish(ExitCode.USAGE)
    rep.step("queue", True, t("outbox.queued", id=message_id, path=spool.folder("outgoing")), id=message_id)
    return rep.finish(ExitCode.OK, id=message_id, outbox=str(spool.root))


def _queue_problems(to: str, text: str | None, sender: str | None, *, alone: bool) -> list[str]:
    """What the relay would refuse, said now (and --idx/--wait, which a queued message cannot have)."""
    from sms_tui.outbox.message import Malformed, compose, parse

    problems = [t("send.not_utf8")] if text is None else []
    if not alone:
        problems.append(t("send.queue_alone"))
    if text is not None:
        try:
            parse(compose(to, text, sender))
        except Malformed as exc:
            problems.append(exc.describe())
    return problems


def send(ctx: Context, to: str, message: str | None, use_stdin: bool, idx: str | None, *, wait: float | None = None) -> int:
    rep = ctx.reporter()
    text = _read_text(message, ctx.stdin if use_stdin else None)
    phone = check_phone(to)
    problems = checks.phone_problems(to) + (checks.message_problems(text) if text is not None else [t("send.not_utf8")])
    if idx is not None and not (0 < len(idx) <= 255):
        problems.append(t("send.bad_idx"))
    if problems:
        return rep.refuse_input(problems)
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    idx = idx or new_idx()
    rep.sending(idx, retry_command(phone.number, message, use_stdin, idx))
    return run_async(lambda: _send(ctx, rep, settings, phone.number, text or "", idx, wait), rep)


def retry_command(to: str, message: str | None, use_stdin: bool, idx: str) -> str:
    """The exact command that sends this message again without a second SMS (its idx)."""
    import shlex

    text = "--stdin" if use_stdin else f"--message {shlex.quote(message or '')}"
    return f"{program()} send --to {to} {text} --idx {shlex.quote(idx)}"


def _read_text(message: str | None, stdin: TextIO | None) -> str | None:
    """The message (from `stdin` when given), or None when it is not UTF-8: shop software on old
    Windows pipes cp1250, and argv carries undecodable bytes as surrogates, which no SMS encoding can take."""
    if stdin is not None:
        raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    else:
        text = message or ""
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        return None
    return clean_field(text, keep_newlines=True).strip()


def _guarded(rep: Reporter, settings: Settings, to: str, text: str, idx: str) -> Ledger | int:
    """The money guard asked before anything is sent: its ledger (the outbox's, shared with the relay
    and every other `send`), or the exit code when the guard stops this message or cannot count it."""
    from sms_tui import rules
    from sms_tui.guard import Ledger
    from sms_tui.guard.ledger import GuardUnavailable
    from sms_tui.outbox.gate import ledger_for
    from sms_tui.outbox.spool import spool_for
    from sms_tui.smsapi_texts import describe_reason

    try:
        ledger = ledger_for(settings, spool_for(settings))
        try:
            verdict = ledger.admit(idx, to, text, rules.measure(text).parts)
        except GuardUnavailable as exc:
            if not isinstance(exc.__cause__, PermissionError) or settings.guard.ledger:
                raise
            # An outbox this user may not count in (it is root's, the user not in its group): the
            # user's own ledger, so its sends are still guarded — counted apart from the relay's.
            import platformdirs

            ledger = Ledger(platformdirs.user_state_path("sms-tui") / "guard" / "ledger.sqlite", settings.guard)
            verdict = ledger.admit(idx, to, text, rules.measure(text).parts)
    except (GuardUnavailable, KeyError) as exc:
        rep.sent()
        rep.step("guard", False, exc.describe() if isinstance(exc, GuardUnavailable) else t("answers.no_group", name=str(exc)))
        return rep.finish(ExitCode.USAGE)
    if not verdict.send:
        rep.sent()
        ledger.close()
        rep.step("guard", False, t("guard.refused_send", reason=describe_reason(verdict.reason), prog=program()),
                 guard=verdict.outcome, why=verdict.reason)
        return rep.finish(ExitCode.REFUSED, guard=verdict.outcome, idx=idx, to=to)
    return ledger


def _settle(ledger: Ledger, idx: str, points: float | None) -> None:
    """What SMSAPI charged into the ledger; a ledger gone since leaves the estimate counted instead."""
    import contextlib

    from sms_tui.guard.ledger import GuardUnavailable

    with contextlib.suppress(GuardUnavailable):
        ledger.settle({idx: points})


async def _send(ctx: Context, rep: Reporter, settings: Settings, to: str, text: str, idx: str, wait: float | None) -> int:
    ledger = _guarded(rep, settings, to, text, idx)
    if isinstance(ledger, int):
        return ledger
    try:
        return await _send_counted(ctx, rep, settings, to, text, idx, wait, ledger)
    finally:
        ledger.close()


async def _send_counted(ctx: Context, rep: Reporter, settings: Settings, to: str, text: str, idx: str, wait: float | None,
                        ledger: Ledger) -> int:
    conn = connect(ctx, settings.account)
    try:
        try:
            result = await operations.send(conn.session, conn.credentials, settings.sender, to, text, idx=idx)
            rep.sent(idx=idx, to=to, message_id=result.message_id)
            _settle(ledger, idx, result.points)
        except SmsapiError as exc:
            if not isinstance(exc, TransportError):  # refused: SMSAPI has not got it
                rep.sent()
                _settle(ledger, idx, None)
            # A retry with the same idx is what keeps SMSAPI from delivering twice (check_idx): name it.
            hint = t("send.retry_with_idx", idx=idx) if isinstance(exc, TransportError) else ""
            return await conn.failure(rep, "send", exc, to, hint=hint, idx=idx)
        if result.already_accepted:
            rep.step("send", True, t("send.already", idx=idx), already_accepted=True)
            if wait is not None:
                rep.warn("delivery", t("delivery.cannot_follow"))
                return rep.finish(ExitCode.NOT_CONFIRMED, idx=idx, already_accepted=True, to=to)
            return rep.finish(ExitCode.OK, idx=idx, already_accepted=True, to=to)
        rep.step("send", True, t("send.ok", to=to, id=result.message_id, points=result.points))
        data = {"idx": idx, "message_id": result.message_id, "points": result.points, "parts": result.parts, "to": to}
        if wait is None:
            return rep.finish(ExitCode.OK, **data)
        try:
            delivery = await wait_for_delivery(rep, conn.api, result.messages[0], wait)
        except SmsapiError as exc:  # SMSAPI refused the status read itself (credentials changed meanwhile)
            rep.warn("delivery", describe(exc))
            return rep.finish(ExitCode.NOT_CONFIRMED, **data)
        return rep.finish(delivery.outcome.exit_code, **data, delivery=as_data(delivery))
    finally:
        await conn.aclose()

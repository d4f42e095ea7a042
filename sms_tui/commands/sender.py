"""`sms-tui sender list | add NAME | use NAME`: an own sender name from the SSH session — request
it after the statement, leave the shop on its mode meanwhile, switch on the day SMSAPI approves."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

import shlex
from typing import Any

from sms_tui import constants, operations, sender_flow
from sms_tui.commands.common import Context, Reporter, connect, load_settings, run_async
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import program, t
from sms_tui.rules import check_phone, clean_field
from sms_tui.settings import store as settings_store
from sms_tui.settings.diff import settings_diff
from sms_tui.settings.model import Settings
from sms_tui.smsapi import SenderName, SmsapiError
from sms_tui.smsapi.models import SenderState
from sms_tui.smsapi.parse_sender import NOT_ON_ACCOUNT
from sms_tui.smsapi_texts import sender_state_text


def name_data(sender: SenderName) -> dict[str, Any]:
    return {"sender": sender.sender, "status": sender.status, "state": sender.state.value, "default": sender.is_default}


def state_line(sender: SenderName) -> str:
    default = f" {t('wiz.sender.default')}" if sender.is_default else ""
    return f"{sender.sender} — {sender_state_text(sender)} ({sender.status}){default}"


def run(ctx: Context, args: Namespace) -> int:
    return act(ctx, args.sender_action, getattr(args, "name", None), accept_statement=getattr(args, "accept_statement", False),
               test_to=getattr(args, "test_to", None))


def act(ctx: Context, action: str, name: str | None = None, *, accept_statement: bool = False, test_to: str | None = None) -> int:
    rep = ctx.reporter()
    if name is not None:
        name = clean_field(name).strip()
        reasons, suggestion = sender_flow.name_problem(name)
        if reasons:
            problems = reasons + ([t("sender.suggest", name=suggestion)] if suggestion else [])
            rep.step("input", False, " ".join(problems))
            return rep.finish(ExitCode.USAGE, problems=problems, suggestion=suggestion)
    if test_to is not None and not (phone := check_phone(test_to)).ok:
        rep.step("input", False, t(phone.reason or "phone.invalid"))
        return rep.finish(ExitCode.USAGE)
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    if action == "list":
        return run_async(lambda: _list(ctx, rep, settings))
    assert name is not None
    if action == "add":
        return run_async(lambda: _add(ctx, rep, settings, name, accept_statement))
    return run_async(lambda: _use(ctx, rep, settings, name, check_phone(test_to).number if test_to else None))


async def _list(ctx: Context, rep: Reporter, settings: Settings) -> int:
    conn = connect(ctx, settings.account)
    try:
        senders = await conn.api.senders()
    except SmsapiError as exc:
        return await conn.failure(rep, "senders", exc)
    finally:
        await conn.aclose()
    for sender in senders:
        rep.step("sender", sender.state is not SenderState.REFUSED, state_line(sender), **name_data(sender))
    requested = settings.sender.requested
    if requested:
        found = sender_flow.find(senders, requested)
        rep.info(t("sender_cmd.requested", name=requested, state=sender_state_text(found) if found else t("sender_cmd.gone")))
    return rep.finish(ExitCode.OK, senders=[name_data(s) for s in senders], requested=requested,
                      in_use=settings.sender.from_field)


async def _add(ctx: Context, rep: Reporter, settings: Settings, name: str, accepted: bool) -> int:
    conn = connect(ctx, settings.account)
    api = conn.api
    try:
        try:
            existing = await sender_flow.lookup(api, name)
            if existing is not None:  # nothing to request, nothing to accept: say where it stands
                return _report_added(ctx, rep, settings, existing.model_copy(update={"already_existed": True}))
            statement = await api.sender_statement()
            if not accepted:  # SMSAPI's staff review the name against this declaration: the owner must accept it
                rep.info(statement.content.strip())
                rep.step("statement", False, t("sender_cmd.accept_needed", name=name))
                return rep.finish(ExitCode.USAGE, statement=statement.content, builtin=statement.builtin)
            sender = await sender_flow.request(api, name, statement)
        except SmsapiError as exc:
            return await conn.failure(rep, "sender", exc)
    finally:
        await conn.aclose()
    return _report_added(ctx, rep, settings, sender)


def _report_added(ctx: Context, rep: Reporter, settings: Settings, sender: SenderName) -> int:
    if sender.already_existed:
        rep.step("sender", sender.state is not SenderState.REFUSED, t("sender_cmd.already", line=state_line(sender)), **name_data(sender))
    else:
        rep.step("sender", True, t("sender_cmd.requested_ok", name=sender.sender), **name_data(sender))
    if sender.state is SenderState.USABLE:
        rep.info(t("sender_cmd.use_now", name=sender.sender))
    elif sender.state is SenderState.REFUSED:  # a script must not read a rejected name as success
        rep.info(t("sender_cmd.rejected_next"))
        return rep.finish(ExitCode.REFUSED, sender=name_data(sender))
    earlier = settings.sender.requested
    if earlier and earlier.lower() != sender.sender.lower() and not sender.active:
        rep.warn("request", t("sender_cmd.replaces", earlier=earlier, name=sender.sender))
    updated = sender_flow.record_request(settings, sender)
    if updated is not settings:
        try:
            operations.save(updated, ctx.config_path)
        except settings_store.ConfigError as exc:
            rep.warn("save", exc.describe())
        else:
            rep.step("save", True, t("sender_cmd.recorded", path=ctx.config_path, mode=settings.sender.from_field))
    return rep.finish(ExitCode.OK, sender=name_data(sender), requested=updated.sender.requested)


async def _use(ctx: Context, rep: Reporter, settings: Settings, name: str, test_to: str | None) -> int:
    try:  # before SMSAPI's default changes or a real test goes out: settings we could not save would undo neither
        settings_store.preflight(ctx.config_path)
    except settings_store.ConfigError as exc:
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    conn = connect(ctx, settings.account)
    api = conn.api
    idx = None
    if test_to:
        account = settings.account
        idx = operations.stable_idx("sender-use", account.platform, account.username, name.lower(), test_to)
        rep.sending(idx, f"{program()} sender use {shlex.quote(name)} --test-to {test_to}")
    try:
        try:
            sender, result = await sender_flow.switch(api, name, test_to=test_to, idx=idx)
            rep.sent()
            name = sender.sender  # as SMSAPI spells it
        except sender_flow.NotUsable as exc:
            key = "sender_cmd.use_rejected" if exc.sender.state is SenderState.REFUSED else "sender_cmd.use_waiting"
            rep.step("sender", False, t(key, line=state_line(exc.sender)), **name_data(exc.sender))
            return rep.finish(ExitCode.REFUSED, sender=name_data(exc.sender))
        except SmsapiError as exc:
            if getattr(exc, "code", None) == NOT_ON_ACCOUNT:  # nothing to diagnose: the name is simply not there
                rep.step("sender", False, t("sender_cmd.use_missing", name=name))
                return rep.finish(ExitCode.REFUSED)
            return await conn.failure(rep, "sender", exc, test_to or constants.PROBE_NUMBER)
    finally:
        await conn.aclose()
    if not test_to:
        test = t("sender_cmd.tested_dry")
    elif result.already_accepted:
        test = t("sender_cmd.tested_already", to=test_to)
    else:
        test = t("sender_cmd.tested_real", to=test_to, id=result.message_id)
    rep.step("test_send", True, test)
    rep.step("default", True, t("sender_cmd.default_ok", name=name))
    updated = sender_flow.switched(settings, name)
    try:
        differs = settings_store.would_change(updated, ctx.config_path)
        operations.save(updated, ctx.config_path)
    except settings_store.ConfigError as exc:
        rep.step("save", False, exc.describe())
        return rep.finish(ExitCode.USAGE, config=str(ctx.config_path))
    rep.step("save", True, t("sender_cmd.switched", name=name, path=ctx.config_path))
    if differs:
        rep.info(t("apply.restart"))
    changed = differs or bool(test_to and not result.already_accepted)
    return rep.finish(ExitCode.OK, changed=changed, diff=settings_diff(settings, updated), sender={"mode": "pro", "name": name},
                      settings=updated.masked())

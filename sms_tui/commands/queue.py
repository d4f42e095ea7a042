"""`sms-tui queue [retry [ID…] | drop ID]`: what waits in the outbox, as `mailq` shows what
nullmailer still has — waiting and held messages with their age, attempts, next try and last
reason, and the failed ones with why; `retry` makes them due now, `drop` removes one unsent."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from sms_tui.commands.common import Context, Reporter
from sms_tui.delivery import elapsed_text
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, t
from sms_tui.outbox.message import headers_of
from sms_tui.outbox.rooms import Dropped, Hold, arrival, read_record
from sms_tui.outbox.spool import Spool, spool_for
from sms_tui.rules.text import escape_name
from sms_tui.settings import store as settings_store
from sms_tui.smsapi_texts import describe_reason

if TYPE_CHECKING:
    from argparse import Namespace



def run(ctx: Context, args: Namespace) -> int:
    rep = ctx.reporter()
    try:
        settings, _ = settings_store.load(ctx.config_path)
    except settings_store.ConfigError:
        settings = None  # the queue is readable without the settings (the shop's user may not read them)
    spool = spool_for(settings)
    if not spool.folder("queue").is_dir():
        rep.step("outbox", False, t("outbox.none_yet", path=spool.root))
        return rep.finish(ExitCode.USAGE)
    action = getattr(args, "queue_action", None) or "list"
    try:
        if action == "retry":
            return _retry(rep, spool, args.ids)
        if action == "drop":
            return _drop(rep, spool, args.id)
        if action == "resend":
            return _resend(rep, spool, args.ids)
        if action == "release":
            return _release(rep, spool, args.ids)
        return _list(rep, spool)
    except OSError as exc:
        rep.step("outbox", False, t("outbox.unusable", path=spool.root, reason=os_reason(exc)))
        return rep.finish(ExitCode.USAGE)


def _list(rep: Reporter, spool: Spool) -> int:
    now = time.time()
    held = spool.hold()
    arrived = _arrived(rep, spool, now)
    waiting = _waiting(rep, spool, held, now)
    failed = _failed(rep, spool)
    if guarded := [row["id"] for row in waiting if row["state"] == "guarded"]:
        rep.warn("guarded", t("guard.held", n=len(guarded)), ids=guarded)
    if held.reason:
        rep.warn("held", t("outbox.held", reason=describe_reason(held.reason)), code=held.code)
    if not waiting and not failed and not arrived:
        rep.info(t("outbox.empty", path=spool.root))
    return rep.finish(ExitCode.OK, arrived=arrived, waiting=waiting, failed=failed, held={**held.__dict__, "reason_text": describe_reason(held.reason)} if held.reason else None,
                      outbox=str(spool.root))


def _arrived(rep: Reporter, spool: Spool, now: float) -> list[dict[str, Any]]:
    """Files not taken by the relay yet: as mailq lists what nullmailer has not sent."""
    arrived = []
    for name, info in spool.arrivals():
        shown = escape_name(name)
        arrived.append({"name": shown, "size": info.st_size, "age": round(now - info.st_mtime)})
        rep.info(t("outbox.arrival_row", name=shown, size=info.st_size, age=elapsed_text(max(0.0, now - info.st_mtime))))
    if arrived:
        rep.warn("not_taken", t("outbox.not_taken", n=len(arrived)))
    return arrived


def _waiting(rep: Reporter, spool: Spool, held: Hold, now: float) -> list[dict[str, Any]]:
    """The queued messages: waiting for their try, held with the account, or held for a human."""
    waiting: list[dict[str, Any]] = []
    for message_id in spool.ids():
        entry = spool.entry(message_id)
        if entry is None:
            continue
        state = entry.state
        age = now - arrival(message_id).timestamp()
        next_try = max(state.next_try, held.until) if state.held else state.next_try
        due_in = max(0, round(next_try - now))
        kind = "check" if state.check else "guarded" if state.guarded and not state.released else "held" if state.held else "waiting"
        reason = t("outbox.check_panel", id=message_id) if state.check else describe_reason(state.guarded if kind == "guarded" else state.last_reason)
        waiting.append({"id": message_id, "to": entry.draft.to, "state": kind, "age": round(age),
                        "attempts": state.attempts, "next_try": None if kind in ("check", "guarded") else due_in, "last_reason": reason,
                        "may_have_been_sent": state.uncertain_since is not None})
        when = t("outbox.due_human") if kind in ("check", "guarded") else t("outbox.due_now") if due_in == 0 else t("outbox.due_in", wait=elapsed_text(due_in))
        rep.info(t("outbox.row", id=message_id, to=entry.draft.to, state=t(f"outbox.state.{kind}"),
                   age=elapsed_text(age), attempts=state.attempts, when=when, reason=reason or "—"))
    return waiting


def _failed(rep: Reporter, spool: Spool) -> list[dict[str, Any]]:
    failed = []
    for name in sorted(os.listdir(spool.folder("failed"))):
        if name.startswith(".") or name.endswith(".dir"):
            continue  # a write in progress; a folder set aside (its record is beside it)
        try:
            headers = headers_of(read_record(spool.folder("failed") / name))
        except OSError:
            continue
        shown = escape_name(name.removesuffix(".sms"))
        failed.append({"id": shown, "file": escape_name(name), "to": headers.get("To"), "failed": headers.get("Failed"),
                       "reason": headers.get("Fail_reason")})
        rep.info(t("outbox.failed_row", id=shown, reason=headers.get("Fail_reason", "—")))
    return failed


def _retry(rep: Reporter, spool: Spool, ids: list[str]) -> int:
    made = spool.retry_now(ids or None)
    missing = [i for i in ids if i not in made]
    for message_id in missing:
        rep.step("retry", False, t("outbox.unknown_id", id=message_id))
    rep.step("retry", not missing, t("outbox.retry_now", n=len(made)), ids=made)
    return rep.finish(ExitCode.USAGE if missing else ExitCode.OK, retried=made)


def _drop(rep: Reporter, spool: Spool, message_id: str) -> int:
    outcome = spool.drop_entry(message_id)
    if outcome is Dropped.UNKNOWN:
        rep.step("drop", False, t("outbox.unknown_id", id=escape_name(message_id)))
        return rep.finish(ExitCode.USAGE)
    if outcome in (Dropped.IN_FLIGHT, Dropped.SENT, Dropped.DONE):  # never "not sent" about a request that was out
        key = {Dropped.IN_FLIGHT: "outbox.drop_in_flight", Dropped.SENT: "outbox.drop_was_sent", Dropped.DONE: "outbox.drop_done"}[outcome]
        rep.step("drop", False, t(key, id=message_id))
        return rep.finish(ExitCode.USAGE, dropped=None, outcome=outcome.value)
    key = "outbox.dropped" if outcome is Dropped.NOT_SENT else "outbox.dropped_maybe_sent"
    rep.step("drop", True, t(key, id=escape_name(message_id)), id=message_id)
    return rep.finish(ExitCode.OK, dropped=message_id, may_have_been_sent=outcome is Dropped.MAYBE_SENT)


def _release(rep: Reporter, spool: Spool, ids: list[str]) -> int:
    made = spool.release(ids or None)
    missing = [i for i in ids if i not in made]
    for message_id in missing:
        rep.step("release", False, t("outbox.not_guarded", id=escape_name(message_id)))
    rep.step("release", not missing, t("outbox.released", n=len(made)), ids=made)
    return rep.finish(ExitCode.USAGE if missing else ExitCode.OK, released=made)


def _resend(rep: Reporter, spool: Spool, ids: list[str]) -> int:
    made = spool.resend(ids)
    missing = [i for i in ids if i not in made]
    for message_id in missing:
        rep.step("resend", False, t("outbox.unknown_id", id=escape_name(message_id)))
    rep.step("resend", not missing, t("outbox.resend_now", n=len(made)), ids=made)
    return rep.finish(ExitCode.USAGE if missing else ExitCode.OK, resent=made)

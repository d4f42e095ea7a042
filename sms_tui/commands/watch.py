"""`sms-tui watch`: one run of `check` for a timer, and a notice to the owner when something changed.

Exit codes are `check`'s: the timer's log says what the state is; the notices say what changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

import contextlib
import logging
import socket
from datetime import datetime
from typing import Any

from sms_tui import operations
from sms_tui.base.errors import Busy
from sms_tui.base.files import private_folder
from sms_tui.base.locks import locked
from sms_tui.commands.check import Inspection, inspect
from sms_tui.commands.common import Connection, Context, Reporter, connect, load_settings, run_async
from sms_tui.compat import UTC
from sms_tui.event_command import run_command
from sms_tui.i18n import os_reason, t
from sms_tui.rules.threshold import threshold_text
from sms_tui.settings import store as settings_store
from sms_tui.settings.model import SenderSettings, Settings
from sms_tui.smsapi import SmsapiError
from sms_tui.watch import monitor as watch

log = logging.getLogger("sms_tui.watch")


def run(ctx: Context, args: Namespace | None = None) -> int:
    """The watch itself, or with --install/--uninstall its timer (commands/watch_install.py)."""
    if args is not None and (args.install or args.uninstall):
        if args.install and args.uninstall:
            return ctx.reporter().refuse_input([t("cli.install_or_uninstall")])
        from sms_tui.commands import watch_install

        return watch_install.run(ctx, uninstall=args.uninstall, kind=args.kind, every=args.every, dry_run=args.dry_run)
    return watch_once(ctx)


def watch_once(ctx: Context) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    return run_async(lambda: _watch(ctx, rep, settings))


async def _watch(ctx: Context, rep: Reporter, settings: Settings) -> int:
    seen = await inspect(ctx, rep, settings)
    _spend(settings, seen)
    path = watch.state_path(ctx.config_path)
    told: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        try:
            private_folder(path.parent)
            stack.enter_context(locked(path, key="watch.busy"))
        except Busy as exc:  # another run holds the state: it tells, this one only reports
            rep.warn("watch", exc.describe())
            return rep.finish(seen.code, **seen.data, conditions=seen.conditions, notices=told, state_file=str(path))
        except OSError:  # no lock on a full or read-only disk: the notices matter more than a rare double one
            pass
        state = watch.load(path)
        told = await _tell(ctx, rep, settings, state, seen)
        state.seen, state.last_run = seen.conditions, watch.now()
        try:
            watch.save(state, path, ctx.config_path)
        except OSError as exc:
            rep.warn("watch", t("watch.state_unwritable", path=path, reason=os_reason(exc)))
    return rep.finish(seen.code, **seen.data, conditions=seen.conditions, notices=told, state_file=str(path))


SPIKE = 0.8  # of a limit: the owner hears of a spend spike before the guard has to hold anything


def _spend(settings: Settings, seen: Inspection) -> None:
    """The money guard's view for the watch: a spike — the last hour near its limit, today's points
    near the day's budget, or messages held today — is a condition the owner hears of once."""
    from sms_tui.guard.ledger import GuardUnavailable
    from sms_tui.outbox.gate import spent_for
    from sms_tui.outbox.spool import spool_for

    try:
        spent, _ = spent_for(settings, spool_for(settings))
    except (GuardUnavailable, KeyError, OSError):
        return  # not watched: `doctor` names the ledger's problem
    limits = settings.guard
    spike = spent.today.held > 0 or (limits.per_hour > 0 and spent.last_hour >= SPIKE * limits.per_hour) \
        or (limits.points_day > 0 and spent.today.points >= SPIKE * limits.points_day)
    seen.conditions["spend"] = "spike" if spike else "ok"
    seen.data.update(spend_hour=spent.last_hour, spend_points=spent.today.points, spend_held=spent.today.held,
                     per_hour=limits.per_hour, points_day=limits.points_day)


def _channels(rep: Reporter, settings: Settings) -> dict[str, Any]:
    alerts = settings.alerts
    channels: dict[str, Any] = {}
    if alerts.notify_to:
        from sms_tui.rules import check_phone

        phone = check_phone(alerts.notify_to)
        if phone.ok:
            channels["sms"] = phone.number
        else:
            rep.warn("notify", t("watch.bad_notify_to", to=alerts.notify_to))
    if alerts.notify_command:
        channels["command"] = list(alerts.notify_command)
    if not channels:
        rep.warn("notify", t("watch.nobody"))
    return channels


async def _tell(ctx: Context, rep: Reporter, settings: Settings, state: watch.WatchState, seen: Inspection) -> list[dict[str, Any]]:
    channels = _channels(rep, settings)
    watch.forget_unwatched(state, seen.conditions)
    now = watch.now()
    data = _notice_data(settings, seen)
    told: dict[str, dict[str, Any]] = {}
    sms = _Sms(ctx, settings, seen)
    try:
        for channel, target in channels.items():
            known = state.channel(channel)
            for condition, previous, current in watch.changes(state, channel, seen.conditions):
                if watch.silent(condition, current):
                    watch.told(known, condition, current, now, sent=False)
                    continue
                notice = watch.notice(condition, previous, current, settings.alerts.language, data)
                entry = told.setdefault(notice.event, {"event": notice.event, "condition": condition, "state": current,
                                                       "previous": previous, "text": notice.text, "channels": {}})
                if watch.quiet(known, condition, current, now):
                    entry["channels"][channel] = "quiet"
                    continue
                if channel == "sms":
                    idx = watch.idx_for(settings_store.settings_key(ctx.config_path), channel, known, condition, current)
                    outcome, detail = await sms.send(target, watch.sms_text(notice), idx)
                else:
                    outcome, detail = run_command(target, _payload(notice, data, ctx), "[alerts] notify_command")
                entry["channels"][channel] = outcome
                _report(rep, channel, target, notice, outcome, detail, alone="command" not in channels)
                if outcome == "sent":
                    watch.told(known, condition, current, now, sent=True)
    finally:
        await sms.close()
    if not told and channels:
        rep.info(t("watch.nothing_new"))
    return list(told.values())


def _report(rep: Reporter, channel: str, target: Any, notice: watch.Notice, outcome: str, detail: str,
            *, alone: bool = False) -> None:
    where = t("watch.via_sms", to=target) if channel == "sms" else t("watch.via_command", command=target[0])
    if outcome == "sent":
        rep.step("notify", True, t("watch.sent", where=where, text=notice.text), channel=channel, event=notice.event)
    elif outcome == "impossible":  # suggesting notify_command only where none is set
        rep.warn("notify", t("watch.sms_impossible_alone" if alone else "watch.sms_impossible", where=where),
                 channel=channel, event=notice.event)
    else:
        rep.warn("notify", t("watch.not_sent", where=where, reason=detail), channel=channel, event=notice.event)


def _notice_data(settings: Settings, seen: Inspection) -> dict[str, Any]:
    requested = seen.data.get("requested")
    return {"host": socket.gethostname().split(".")[0][:24] or "serwer", "account": settings.account.username or "token",
            "points": threshold_text(seen.data.get("points")), "threshold": threshold_text(settings.alerts.low_balance),
            "sender": settings.sender.from_field,
            "name": requested.get("name") if isinstance(requested, dict) else settings.sender.requested,
            **{key: f"{seen.data[key]:g}" if isinstance(seen.data.get(key), float) else seen.data.get(key, "—")
               for key in ("spend_hour", "spend_points", "spend_held", "per_hour", "points_day")}}


def _payload(notice: watch.Notice, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """What a command gets on stdin: one JSON object, never a secret."""
    return {"source": "sms-tui", "event": notice.event, "condition": notice.condition, "state": notice.state,
            "previous": notice.previous, "text": notice.text, "settings": str(ctx.config_path),
            "at": datetime.now(UTC).isoformat(timespec="seconds"), **data}


class _Sms:
    """Notices through the gateway itself: impossible while it refuses us or cannot be reached;
    with the saved sender, or ECO while the saved name is the trouble."""

    def __init__(self, ctx: Context, settings: Settings, seen: Inspection) -> None:
        self.ctx, self.settings = ctx, settings
        self.possible = seen.conditions.get("credentials") == "ok"
        bad_sender = seen.conditions.get("sender") == "problem"
        self.sender = SenderSettings() if bad_sender else settings.sender
        self.conn: Connection | None = None  # opened by the first notice: most runs send none

    async def send(self, to: str, text: str, idx: str) -> tuple[str, str]:
        if not self.possible:
            return "impossible", ""
        if self.conn is None:
            self.conn = connect(self.ctx, self.settings.account)
        try:
            result = await operations.send(self.conn.session, self.conn.credentials, self.sender, to, text, idx=idx)
        except SmsapiError as exc:
            from sms_tui.smsapi_texts import describe

            return "failed", describe(exc)
        return "sent", result.message_id or ""

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.aclose()


"""`sms-tui relay [--once]`: the outbox sent — in the foreground as a service, or one pass for
cron and tests. One relay at a time (a lock in the outbox); events go to `[outbox] on_event`, and
an account that refuses (points, credentials) is told to the owner once through the watch's
`notify_command`."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sms_tui.base.errors import Busy, reason
from sms_tui.base.locks import locked
from sms_tui.commands.common import Connection, Context, Reporter, load_settings, run_async
from sms_tui.compat import UTC
from sms_tui.event_command import run_command
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, t
from sms_tui.outbox.gate import ledger_for
from sms_tui.outbox.relay import Pass, Relay
from sms_tui.outbox.spool import Spool, outbox_root, spool_for
from sms_tui.outbox.wake import Waker
from sms_tui.smsapi_texts import describe_reason, reason_exit_code

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.settings.model import Settings


def run(ctx: Context, args: Namespace) -> int:
    rep = ctx.reporter()
    if getattr(args, "install", False) or getattr(args, "uninstall", False):
        return _service(ctx, rep, args)
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    try:
        spool = spool_for(settings)
        spool.prepare()
    except (OSError, KeyError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else t("answers.no_group", name=settings.outbox.group or settings.files.group)
        rep.step("outbox", False, t("outbox.unusable", path=outbox_root(settings.outbox.dir), reason=reason))
        return rep.finish(ExitCode.USAGE)
    return run_async(lambda: _relay(ctx, rep, settings, spool, once=args.once), rep)


def _service(ctx: Context, rep: Reporter, args: Namespace) -> int:
    from sms_tui.outbox import service
    from sms_tui.systemd import UnitError

    if args.install and args.uninstall:
        return rep.refuse_input([t("cli.install_or_uninstall")])
    if args.install:  # a service for settings that do not exist would fail and restart forever
        settings = load_settings(ctx, rep)
        if isinstance(settings, int):
            return settings
    try:
        if args.install:
            spool = spool_for(settings)  # type: ignore[arg-type]  # loaded above
            group = settings.outbox.group or settings.files.group  # type: ignore[union-attr]
            outcome = service.install(ctx.config_path, spool, group, dry_run=args.dry_run)
        else:
            outcome = service.uninstall(ctx.config_path, dry_run=args.dry_run)
    except (UnitError, OSError, KeyError) as exc:
        rep.step("service", False, t("schedule.failed", reason=reason(exc)))
        return rep.finish(ExitCode.USAGE)
    name = service.unit_name(ctx.config_path)
    if not outcome.changed:
        rep.step("service", True, t("outbox.service_absent" if args.uninstall else "outbox.service_unchanged", name=name))
    else:
        for line in outcome.report(dry_run=args.dry_run):
            rep.info(line)
        key = "schedule.dry_run" if args.dry_run else ("outbox.service_removed" if args.uninstall else "outbox.service_installed")
        rep.step("service", True, t(key, name=name))
    return rep.finish(ExitCode.OK, changed=outcome.changed, written=outcome.written, removed=outcome.removed,
                      ran=outcome.ran, dry_run=args.dry_run)


async def _relay(ctx: Context, rep: Reporter, settings: Settings, spool: Spool, *, once: bool) -> int:
    requests = logging.getLogger("sms_tui.smsapi")
    level = requests.level
    if not ctx.debug:  # every message has its record in sent/ or failed/: a log line per request would only double it
        requests.setLevel(logging.WARNING)
    try:
        return await _serve(ctx, rep, settings, spool, once=once)
    finally:
        requests.setLevel(level)


async def _serve(ctx: Context, rep: Reporter, settings: Settings, spool: Spool, *, once: bool) -> int:
    try:
        with locked(spool.root / "relay", owner=spool.owner, key="outbox.busy"):
            conn = _connection(ctx, settings)
            events: list[dict[str, Any]] = []

            def keep(event: dict[str, Any]) -> None:  # only what someone will get: a backlog's pass keeps no event per message for nobody
                if settings.outbox.on_event or settings.outbox.eventhandler or event["event"] in OWNER_EVENTS or event["event"] == "released":
                    events.append(event)

            relay = Relay(spool, conn.session, conn.credentials, settings.sender.from_field, settings.account.username,
                          concurrency=settings.outbox.concurrency, on_event=keep, guard=ledger_for(settings, spool))
            signals = _stop_gracefully(relay, rep)
            # Watching before the first look: a file that arrives while a pass runs wakes the next wait
            # (the kernel keeps the event), never waits for whatever else is due.
            waker = None if once else Waker(spool)
            try:
                while True:
                    try:
                        done = await relay.run_once()
                    except OSError as exc:  # the outbox itself (permissions, a folder gone): named, never "-"
                        logging.getLogger("sms_tui").debug("the outbox failed", exc_info=True)
                        rep.step("outbox", False, t("outbox.unusable", path=spool.root, reason=os_reason(exc)))
                        return rep.finish(ExitCode.USAGE)
                    _report(rep, done, quiet=not once, outbox=str(spool.root))
                    await asyncio.to_thread(_deliver_events, rep, settings, spool, events[:])
                    events.clear()
                    if signals:
                        return _stopped(rep, signals[0], spool)
                    if once:
                        return _finish(rep, done, spool)
                    rep.steps.clear()  # a service's --json reports its last pass, not every pass since it started
                    if waker is not None:
                        await waker.wait(relay.next_wake(), relay.stopped)
            except asyncio.CancelledError:
                if len(signals) > 1:  # a second signal: stopped at once, each send cut short keeps its idx
                    return _cut(rep, signals[-1], spool)
                raise
            finally:
                if waker is not None:
                    waker.close()
                relay.gate.close()
                await conn.session.aclose()
    except Busy as exc:  # another relay holds the outbox: it sends, this one has nothing to do (and only that is exit 0)
        rep.warn("relay", exc.describe())
        return rep.finish(ExitCode.OK, busy=True)


def _stop_gracefully(relay: Relay, rep: Reporter) -> list[int]:
    """`systemctl stop` (SIGTERM), Ctrl+C, a hang-up: the first one lets the sends in flight finish
    and be recorded, and starts nothing more; a second one stops at once. The signals caught, in order."""
    import signal

    caught: list[int] = []
    loop, task = asyncio.get_running_loop(), asyncio.current_task()

    def on_signal(signum: int) -> None:
        caught.append(signum)
        if len(caught) == 1:
            relay.stop()
            rep.warn("stopping", t("outbox.stopping", signal=signal.Signals(signum).name))
        elif task is not None:
            task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        try:
            loop.add_signal_handler(signum, on_signal, signum)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread: run_async's cancelling stays
            pass
    return caught


def _stopped(rep: Reporter, signum: int, spool: Spool) -> int:
    import signal

    from sms_tui.exitcodes import exit_code_for_signal

    name = signal.Signals(signum).name
    waiting = sum(1 for _ in spool.ids())
    rep.step("stopped", True, t("outbox.stopped", signal=name, n=waiting), signal=name)
    return rep.finish(exit_code_for_signal(signum), stopped=name, waiting=waiting, outbox=str(spool.root))


def _cut(rep: Reporter, signum: int, spool: Spool) -> int:
    """Stopped mid-send: what may have reached SMSAPI is still queued under its id, so its idx is
    the same at the next start, and SMSAPI answers "already accepted" instead of sending twice."""
    import signal

    from sms_tui.exitcodes import exit_code_for_signal

    name = signal.Signals(signum).name
    waiting = sum(1 for _ in spool.ids())
    rep.step("stopped", False, t("outbox.cut", signal=name, n=waiting), signal=name)
    return rep.finish(exit_code_for_signal(signum), stopped=name, cut=True, waiting=waiting, outbox=str(spool.root))


def _connection(ctx: Context, settings: Settings) -> Connection:
    """One attempt per send: a failure waits for the relay's own pause (the same idx then), not
    for the client's quick retries, which would hold a worker while the link is down."""
    from sms_tui.operations import Session

    options = dataclasses.replace(ctx.client_options(settings.account.platform, settings.account.api_url), attempts=1)
    return Connection(options, Session(options), settings.account.credentials())


def _report(rep: Reporter, done: Pass, *, quiet: bool, outbox: str) -> None:
    """One line per message that moved (a service's journal reads like smsd's log)."""
    if done.disk is not None:
        rep.warn("disk", t("outbox.disk", path=outbox, reason=os_reason(done.disk)))
    if done.guard is not None:
        rep.warn("guard", done.guard.describe())
    if done.guarded:
        rep.warn("guarded", t("guard.held", n=len(done.guarded)), ids=done.guarded)
    for message_id in done.duplicates:
        rep.step("duplicate", False, t("outbox.failed", id=message_id), id=message_id, duplicate=True)
    for message_id in done.checking:
        rep.warn("check", t("outbox.check_panel", id=message_id), id=message_id)
    for refused in done.refused:
        rep.warn("refused", t("outbox.refused", name=refused.name, reason=describe_reason(refused.reason)), id=refused.id)
    for message_id in done.sent:
        rep.step("sent", True, t("outbox.sent", id=message_id), id=message_id)
    for message_id in done.failed:
        rep.step("failed", False, t("outbox.failed", id=message_id), id=message_id)
    if done.retrying:
        rep.warn("retry", t("outbox.retrying", n=len(done.retrying)), ids=done.retrying)
    if done.held is not None and not quiet:
        rep.warn("held", t("outbox.held", reason=describe_reason(done.held.reason)), code=done.held.code)


def _finish(rep: Reporter, done: Pass, spool: Spool) -> int:
    waiting = sum(1 for _ in spool.ids())
    code = ExitCode.OK
    if done.held is not None:
        code = reason_exit_code(done.held.code)  # its category's, as for the same error met live
    elif done.disk is not None or done.guard is not None:
        code = ExitCode.USAGE
    return rep.finish(code, claimed=done.claimed, sent=done.sent, failed=done.failed, retrying=done.retrying,
                      guarded=done.guarded, duplicates=done.duplicates,
                      refused=[{**r.__dict__, "reason": describe_reason(r.reason), "why": r.reason} for r in done.refused], waiting=waiting, followed=done.followed,
                      held=done.held.__dict__ if done.held is not None else None, checking=done.checking,
                      disk=os_reason(done.disk) if done.disk is not None else None, outbox=str(spool.root))


def _deliver_events(rep: Reporter, settings: Settings, spool: Spool, events: list[dict[str, Any]]) -> None:
    """`[outbox] on_event` gets each event; the owner hears of a hold through notify_command."""
    host = socket.gethostname().split(".")[0][:24]
    for event in events:
        payload = {"source": "sms-tui", **event, "host": host, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        if "reason" in event:  # the data as kept, and its sentence written now, in this run's language
            payload["reason_text"] = describe_reason(event["reason"])
        if settings.outbox.on_event:
            ran = run_command(list(settings.outbox.on_event), payload, "[outbox] on_event")
            if ran.outcome != "sent":
                rep.warn("on_event", t("outbox.event_failed", event=event["event"], reason=ran.detail))
        if settings.outbox.eventhandler and (argv := smsd_event(settings.outbox.eventhandler, event)) is not None:
            ran = run_command(argv, payload, "[outbox] eventhandler")
            if ran.outcome != "sent":
                rep.warn("eventhandler", t("outbox.event_failed", event=argv[1], reason=ran.detail))
        if event["event"] in OWNER_EVENTS and _tell_owner(rep, settings, payload):
            if event["event"] == "held":
                spool.owner_told()
            elif event["event"] == "guarded":
                spool.set_guard_told(told=True)


OWNER_EVENTS = ("held", "uncertain", "disk", "guarded")
SMSD_EVENTS = {"sent": "SENT", "failed": "FAILED", "delivered": "REPORT", "not_delivered": "REPORT"}


def smsd_event(handler: str, event: dict[str, Any]) -> list[str] | None:
    """smsd's eventhandler call (eventhandler.html): `HANDLER SENT|FAILED|REPORT FILE [MESSAGE_ID]`,
    FILE the record in sent/ or failed/; None for the relay's own events (held, released…)."""
    kind = SMSD_EVENTS.get(event["event"])
    if kind is None or not event.get("file"):
        return None
    return [handler, kind, str(event["file"]), *([str(event["message_id"])] if event.get("message_id") else [])]  # what the owner hears of through notify_command, once


def _tell_owner(rep: Reporter, settings: Settings, payload: dict[str, Any]) -> bool:
    """Whether the owner is told (or nobody could be): a failing command is tried at the next refusal."""
    kind = payload["event"]
    if kind == "held":
        text = t("outbox.owner_held", reason=payload.get("reason_text", ""), n=payload.get("waiting", 0), host=payload["host"])
    elif kind == "guarded":
        text = t("outbox.owner_guarded", host=payload["host"], sent=payload.get("sent", 0), held=payload.get("held", 0),
                 reason=payload.get("reason_text", ""))
    elif kind == "uncertain":
        text = t("outbox.owner_uncertain", n=payload.get("n", 0), host=payload["host"], ids=" ".join(payload.get("ids", [])[:5]))
    else:
        text = t("outbox.owner_disk", host=payload["host"], path=payload.get("outbox", ""), reason=payload.get("reason_text", ""))
    if not settings.alerts.notify_command:
        rep.warn("notify", t("outbox.nobody_told"))
        return True
    notice = {**payload, "event": f"outbox.{kind}", "condition": "outbox", "state": kind, "text": text}
    ran = run_command(list(settings.alerts.notify_command), notice, "[alerts] notify_command")
    if ran.outcome != "sent":
        rep.warn("notify", t("watch.not_sent", where=t("watch.via_command", command=settings.alerts.notify_command[0]), reason=ran.detail))
        return False
    return True

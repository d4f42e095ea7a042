"""`sms-tui relay`'s work: claim what was dropped, send what is due — each message with an idx
derived from its id and check_idx, so a relay killed, or a link dropped, after SMSAPI accepted it
never sends it twice ("already accepted" counts as sent) — and follow the sent ones to the phone.

What SMSAPI answers decides a message's way: accepted → sent/; the link (unreachable, TLS,
timeout, 5xx) → kept and tried again after a growing pause; the account (no points, credentials,
IP filter) → held, the whole queue with it, and the owner told once; anything else about the
message itself → failed/ with SMSAPI's code and the fix, never retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sms_tui import operations
from sms_tui.outbox.follow import Followed
from sms_tui.outbox.gate import Gate
from sms_tui.outbox.message import Draft
from sms_tui.outbox.rooms import Entry, Hold, Refused
from sms_tui.outbox.spool import Spool
from sms_tui.smsapi import SmsapiError
from sms_tui.smsapi.errors import ApiError, Category, TransportError
from sms_tui.smsapi_texts import Reason, describe, keyed, reason_of

if TYPE_CHECKING:
    from sms_tui.guard import Ledger
    from sms_tui.guard.ledger import GuardUnavailable
    from sms_tui.smsapi.client import SmsapiClient
    from sms_tui.smsapi.models import SendResult

BACKOFF = (15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0)  # seconds after the 1st, 2nd… failure
HOLD_PAUSE = 300.0  # seconds between tries of an account that refused (points, credentials)
FOLLOW_BATCH = 50  # message ids per status read
FOLLOW_PER_PASS = 200  # sent messages read per pass
FOLLOW_FOR = 48 * 3600.0  # seconds a sent message is followed before its delivery is left unknown
FOLLOW_EVERY = 15.0  # seconds between status reads while sent messages are on their way to the phone
# SMSAPI refuses a repeated idx (check_idx=1) only within 24 hours (smsapi-protocol-2.md): an
# attempt whose outcome is unknown is tried again with the same idx only this long after it, which
# leaves two hours for clocks that disagree; after that the message waits for a human.
IDX_MEMORY = 24 * 3600.0
RESEND_WITHIN = IDX_MEMORY - 2 * 3600.0
ATTEMPT_BATCH = 16  # messages whose attempts are synced to the disk together, before any of them is sent
MIN_FREE = 128 * 1024  # bytes the outbox's disk must have before a send: its record must fit
DISK_PAUSE = 60.0  # seconds between looks at a full disk
ACCOUNT = {Category.CREDENTIALS, Category.PERMISSION, Category.IP_FILTER, Category.POINTS, Category.ACCOUNT}
TRANSIENT = {Category.RETRY, Category.SERVER}

Clock = Callable[[], float]
EventSink = Callable[[dict[str, Any]], None]


def backoff(attempts: int) -> float:
    return BACKOFF[min(attempts, len(BACKOFF)) - 1] if attempts > 0 else 0.0


def idx_for(username: str, message_id: str) -> str:
    """The same message, the same idx, in every pass and after every restart."""
    return operations.stable_idx("outbox", username, message_id)


@dataclass
class _Scan:
    """One look through the queue: how many were due, and when the first of the others is."""

    found: int = 0
    earliest: float = float("inf")
    complete: bool = True
    guarded: int = 0  # held by the money guard, those held before and those held now


@dataclass
class Pass:
    """What one pass did, for `relay --once`'s report and the tests."""

    claimed: list[str] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    held: Hold | None = None
    followed: int = 0
    checking: list[str] = field(default_factory=list)  # held for a human this pass: may already have been sent
    disk: OSError | None = None  # the outbox's disk refused a write: nothing more was sent
    guarded: list[str] = field(default_factory=list)  # held by the money guard this pass
    duplicates: list[str] = field(default_factory=list)  # not sent: the same text went to the same number just now
    guard: GuardUnavailable | None = None  # the guard's ledger could not be used: nothing more was sent
    next_retry: float = float("inf")  # the earliest next try of those that failed this pass


class Relay:
    def __init__(self, spool: Spool, session: operations.Session, credentials: Any, default_sender: str, username: str, *,
                 concurrency: int = 4, clock: Clock = time.time, on_event: EventSink | None = None, guard: Ledger | None = None) -> None:
        self.spool, self.session, self.credentials = spool, session, credentials
        self.default_sender, self.username = default_sender, username
        self.concurrency, self.clock = concurrency, clock
        self.on_event = on_event or (lambda _event: None)
        self.gate = Gate(spool, guard, lambda message_id: idx_for(username, message_id), self.on_event)
        self._stopping = asyncio.Event()
        # After a pass that found nothing due: the queue's generation then, and the earliest next
        # try. Until either moves (or something new is claimed), a pass reads no message: a day's
        # backlog waiting out an outage costs a look at one small file per pass, not 20,000 reads.
        self._quiet: tuple[str, float] | None = None
        self._recovered = False
        self._disk_until = 0.0
        self._disk_told = False
        self._due_at: float | None = None  # the earliest moment the last pass knows something becomes due
        self._earliest = float("inf")  # the earliest next try among the waiting messages, as the last look found it

    def stop(self) -> None:
        """A service stop: no message is started after this; the sends in flight finish and are
        recorded (cutting them would leave each to its idx, safe but unrecorded until the next start)."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    @property
    def stopped(self) -> asyncio.Event:
        """Set by stop(): what a wait between passes also ends on."""
        return self._stopping

    async def run_once(self) -> Pass:
        done = Pass()
        if not self._recovered:  # attempts a killed relay left without an outcome: uncertain since then
            self.spool.recover()
            self._recovered = True
        done.claimed, done.refused = self.spool.claim()
        done.disk = self.spool.intake_error
        if done.claimed or done.refused:
            self._quiet = None
        for refused in done.refused:
            self.on_event({"event": "failed", "id": refused.id, "reason": refused.reason, "name": refused.name, "file": refused.record})
        hold, now = self.spool.hold(), self.clock()
        if now < hold.until <= now + HOLD_PAUSE:  # a hold further ahead was set by a clock that was ahead
            done.held = hold
        elif now < self._disk_until or self._no_room(done):
            done.disk = done.disk or OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        else:
            await self._send_due(done)
        if done.disk is not None:
            self._disk_until = now + DISK_PAUSE
            if not self._disk_told:
                self._disk_told = True
                self.on_event({"event": "disk", "reason": keyed("os", errno=done.disk.errno or errno.EIO), "errno": done.disk.errno,
                               "outbox": str(self.spool.root)})
        elif done.sent:
            self._disk_told = False
        if not self.stopping:
            done.followed = await self._follow()
        self.spool.flush()  # the pass's records on the disk at once, not file by file
        self._due_at = self._next_due(done, hold)
        return done

    def _next_due(self, done: Pass, hold: Hold) -> float | None:
        """When the next pass has something to do without anything arriving: a pause after a failure
        ends, a hold or a full disk is tried again, deliveries are read, a file left to settle."""
        moments = [self.spool.next_look]
        if done.held is not None:
            moments.append(hold.until)
        elif done.disk is not None:
            moments.append(self._disk_until)
        elif (earliest := min(self._earliest, done.next_retry)) != float("inf"):
            moments.append(earliest)
        if done.followed:
            moments.append(self.clock() + FOLLOW_EVERY)
        known = [moment for moment in moments if moment is not None]
        return min(known) if known else None

    def next_wake(self) -> float | None:
        """Seconds until the next pass is due by itself (None: only an arrival, or a stop, wakes it)."""
        return None if self._due_at is None else max(0.0, self._due_at - self.clock())

    def _no_room(self, done: Pass) -> bool:
        """Checked before anything is sent: a send whose record cannot be written is not made."""
        try:
            room = os.statvfs(self.spool.root)
        except OSError as exc:
            done.disk = exc
            return True
        return room.f_bavail * room.f_frsize < MIN_FREE

    # -- sending -------------------------------------------------------------------------------

    def _due(self, stop: asyncio.Event, scan: _Scan, done: Pass) -> Iterator[Entry]:
        now = self.clock()
        for message_id in self.spool.ids():
            if stop.is_set() or self.stopping:
                scan.complete = False
                return
            state = self.spool.state(message_id)  # the small file first: a message waiting its turn is not read
            if state.check:
                continue  # waits for a human (`queue resend`)
            if state.uncertain_since is not None and now - state.uncertain_since > RESEND_WITHIN:
                state.check = True  # SMSAPI may have forgotten its idx: sending it again could be a second SMS
                self.spool.save_state(message_id, state, sync=True)
                done.checking.append(message_id)
                continue
            # A next try further ahead than the longest pause was set by a clock that was ahead: due.
            if now < state.next_try <= now + BACKOFF[-1] and not state.held:
                scan.earliest = min(scan.earliest, state.next_try)
                continue
            if Gate.waiting(state):
                scan.guarded += 1
                continue  # held by the money guard: waits for `queue release`
            entry = self.spool.entry(message_id, state)
            if entry is not None:
                yield entry

    def _attempted(self, due: Iterator[Entry], scan: _Scan, done: Pass, stop: asyncio.Event) -> Iterator[Entry]:
        """The due messages in batches, each shown to the money guard (one ledger transaction a
        batch) and the attempts of those it lets go on the disk before any of them is sent: one
        synced write per ATTEMPT_BATCH messages, not one per message. A batch the pass did not
        finish leaves attempts that never went out; after a kill they count as uncertain, which
        costs at most a retry with the same idx (or, a day on, a look at the panel) — never a send."""
        batch: list[Entry] = []
        for entry in due:
            batch.append(entry)
            if len(batch) >= ATTEMPT_BATCH:
                yield from self._logged(self._admitted(batch, scan, done, stop), done, stop)
                batch = []
        yield from self._logged(self._admitted(batch, scan, done, stop), done, stop)

    def _admitted(self, batch: list[Entry], scan: _Scan, done: Pass, stop: asyncio.Event) -> list[Entry]:
        """What the guard lets go now (counted); the rest held or failed as duplicates by the gate."""
        if not batch or stop.is_set():
            return []
        admitted = self.gate.admit(batch, done.guarded, done.duplicates)
        if self.gate.error is not None:  # the ledger cannot be used: nothing goes uncounted
            done.guard, scan.complete = self.gate.error, False
            stop.set()
            return []
        going = {entry.id for entry in admitted}
        scan.guarded += sum(entry.state.guarded is not None for entry in batch if entry.id not in going)
        scan.found += len(admitted)
        return admitted

    def _logged(self, batch: list[Entry], done: Pass, stop: asyncio.Event) -> Iterator[Entry]:
        if not batch or stop.is_set():
            return
        try:
            self.spool.attempting([entry.id for entry in batch], self.clock())
        except OSError as exc:  # the outbox's disk: what would be sent now could not be recorded
            done.disk = done.disk or exc
            stop.set()
            return
        for entry in batch:
            if stop.is_set() or self.stopping:
                return  # a service stop or a refusal: logged, never sent (a retry of its idx at most)
            yield entry

    async def _send_due(self, done: Pass) -> None:
        """In order of arrival, at most `concurrency` requests in flight; an account refusal stops
        the pass (every message would meet it)."""
        generation = self.spool.generation()
        if self._quiet is not None and self._quiet[0] == generation and self.clock() < self._quiet[1]:
            self._earliest = self._quiet[1]
            return  # nothing was due, nothing changed since, nothing is due yet
        scan = _Scan()
        stop = asyncio.Event()
        due = self._attempted(self._due(stop, scan, done), scan, done, stop)
        api = self.session.client(self.credentials)

        async def worker() -> None:
            for entry in due:  # one shared iterator: each message goes to exactly one worker
                await self._send_one(api, entry, done, stop)
                if stop.is_set():
                    return

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))
        self.gate.settle()
        self.gate.notice(done.guarded, scan.guarded if scan.complete else None)
        self._earliest = scan.earliest if scan.complete else self.clock()  # a look cut short: the rest is due now
        if done.disk is None:
            self.spool.attempts_done()  # every attempt's outcome is on the disk: a record, or a state
        self._quiet = (generation, scan.earliest) if scan.complete and not scan.found and not done.checking and not done.duplicates else None
        if done.checking:
            self.on_event({"event": "uncertain", "ids": done.checking, "n": len(done.checking)})
        if done.held is None and (hold := self.spool.hold()).reason:
            self._release(hold)

    async def _send_one(self, api: SmsapiClient, entry: Entry, done: Pass, stop: asyncio.Event) -> None:
        with self.spool.sending(entry.id) as may:
            if may:  # else dropped by a technician right now, or gone
                await self._send_locked(api, entry, done, stop)

    async def _send_locked(self, api: SmsapiClient, entry: Entry, done: Pass, stop: asyncio.Event) -> None:
        if stop.is_set() or self.stopping:
            return
        extra: dict[str, str] = {}
        try:
            result = await self._request(api, entry, extra)
        except ApiError as exc:
            self._refused(entry, exc, done, stop)
            return
        except SmsapiError as exc:  # the link: unreachable, TLS, timeout, 5xx, a dropped answer
            self._retry(entry, reason_of(exc), done, uncertain=not isinstance(exc, TransportError) or exc.ambiguous)
            return
        self._record_sent(entry, result, extra, done, stop)

    async def _request(self, api: SmsapiClient, entry: Entry, extra: dict[str, str]) -> SendResult:
        draft = entry.draft
        try:
            return await api.send(draft.to, draft.text, draft.sender or self.default_sender, idx=idx_for(self.username, entry.id),
                                  options=self._options(draft))
        except ApiError as exc:
            if exc.code != 14 or draft.sender in (None, "ECO", self.default_sender):
                raise
            # From: named no sender name of the account (smsd only records From:): the settings' sender,
            # and the record says so. SMSAPI refused, so nothing was sent: the same idx again is safe.
            extra["From_ignored"] = f"{draft.sender} — {describe(exc)}"
            return await api.send(draft.to, draft.text, self.default_sender, idx=idx_for(self.username, entry.id),
                                  options=self._options(draft))

    def _refused(self, entry: Entry, exc: ApiError, done: Pass, stop: asyncio.Event) -> None:
        """SMSAPI said no: the account's problem holds the queue, a passing one retries, the message's own fails it."""
        state, draft = entry.state, entry.draft
        self.gate.charged(entry, None)  # SMSAPI refused it: nothing was sent, nothing charged
        if exc.category in ACCOUNT:
            state.held, state.last_reason = True, reason_of(exc)
            self.spool.save_state(entry.id, state)
            done.held = done.held or self._hold(exc)  # once per pass, however many workers met it
            stop.set()
        elif exc.category in TRANSIENT:
            self._retry(entry, reason_of(exc), done)
        else:
            record = self.spool.mark_failed(entry, describe(exc), exc.code)
            done.failed.append(entry.id)
            self.on_event({"event": "failed", "id": entry.id, "to": draft.to, "reason": reason_of(exc), "code": exc.code,
                           "file": str(self.spool.folder("failed") / record)})

    def _record_sent(self, entry: Entry, result: SendResult, extra: dict[str, str], done: Pass, stop: asyncio.Event) -> None:
        state = entry.state
        self.gate.charged(entry, result.points)
        message = result.messages[0] if result.messages else None
        extra.update({"Sent": self.spool.stamp(), "Message_id": result.message_id or "", "Points": f"{result.points:g}", "Attempts": str(state.attempts + 1)})
        if result.already_accepted:
            extra["Already_accepted"] = "yes"  # SMSAPI had it from a pass that did not live to record it
        try:
            record = self.spool.mark_sent(entry, extra, result.message_id if message is not None else None)
        except OSError as exc:  # sent, and not recorded: it stays queued under its idx and nothing more goes
            done.disk = done.disk or exc
            stop.set()
            state.uncertain_since = state.uncertain_since or self.clock()
            with contextlib.suppress(OSError):
                self.spool.save_state(entry.id, state, sync=True)
            return
        done.sent.append(entry.id)
        self.on_event({"event": "sent", "id": entry.id, "to": entry.draft.to, "message_id": result.message_id, "file": str(self.spool.folder("sent") / record),
                       "points": result.points, "already_accepted": result.already_accepted})

    def _options(self, draft: Draft) -> dict[str, str]:
        """The draft's SMSAPI parameters, its validity made a date from now (each attempt its own)."""
        options = {name: value for name, value in draft.options.items() if name != "validity"}
        if "validity" in draft.options:
            options["expiration_date"] = str(int(self.clock() + int(draft.options["validity"])))
        return options

    def _retry(self, entry: Entry, reason: Reason, done: Pass, *, uncertain: bool = False) -> None:
        state = entry.state
        state.attempts += 1
        state.next_try, state.last_reason, state.held = self.clock() + backoff(state.attempts), reason, False
        if uncertain and state.uncertain_since is None:
            state.uncertain_since = self.clock()  # the first attempt that may have reached SMSAPI
        self.spool.save_state(entry.id, state, sync=uncertain)
        done.retrying.append(entry.id)
        done.next_retry = min(done.next_retry, state.next_try)

    # -- the account's hold --------------------------------------------------------------------

    def _hold(self, error: ApiError) -> Hold:
        earlier = self.spool.hold()
        hold = Hold(reason=reason_of(error), code=error.code, until=self.clock() + HOLD_PAUSE, told=bool(earlier.reason) and earlier.told)
        self.spool.save_hold(hold)
        if not hold.told:  # `told` is set by whoever reached the owner (Spool.owner_told): until then, every refusal tries again
            self.on_event({"event": "held", "reason": hold.reason, "code": hold.code, "waiting": sum(1 for _ in self.spool.ids())})
        return hold

    def _release(self, hold: Hold) -> None:
        self.on_event({"event": "released", "reason": hold.reason, "code": hold.code})
        self.spool.clear_hold()

    # -- following -----------------------------------------------------------------------------

    async def _follow(self) -> int:
        """One status read for up to FOLLOW_PER_PASS sent messages whose delivery is not known yet
        (a backlog's follow-up spreads over the passes instead of stalling the sending); a final
        status goes into the message's file, and delivered / not delivered is an event."""
        pending = self.spool.following(FOLLOW_PER_PASS)
        if not pending:
            return 0
        api = self.session.client(self.credentials)
        finished: list[tuple[Followed, dict[str, str]]] = [(item, {}) for item in pending if not item.message_id]
        readable = [item for item in pending if item.message_id]
        for start in range(0, len(readable), FOLLOW_BATCH):
            batch = readable[start:start + FOLLOW_BATCH]
            try:
                statuses = await api.message_status([item.message_id for item in batch])
            except SmsapiError:
                break  # the next pass reads again
            for item, status in zip(batch, statuses, strict=True):
                if not status.final and self.clock() - item.sent_at <= FOLLOW_FOR:
                    continue  # on its way: the file says so only once it is known (no rewrite per pass)
                extra = {"Status": status.status, **({"Delivered": self.spool.stamp()} if status.delivered else {})}
                finished.append((item, extra))
                if status.final:
                    self.on_event({"event": "delivered" if status.delivered else "not_delivered", "id": item.local_id,
                                   "file": str(self.spool.folder("sent") / item.record),
                                   "message_id": item.message_id, "status": status.status})
        self.spool.record_status(finished)
        return len(pending)

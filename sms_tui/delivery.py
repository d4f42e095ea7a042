"""Following sent messages to the handset: SMSAPI's "accepted" only says the message is queued.

UI-free and shared: the wizard's test step, `send --wait`, `apply --wait` and `status` all read
through here, so "delivered", "not delivered" and "not confirmed yet" mean the same everywhere.
Polling grows from 1 s to 5 s: a test SMS usually lands within seconds, and a message that has
not after a minute is not helped by asking every second over a slow mobile link.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sms_tui.compat import UTC, StrEnum
from sms_tui.exitcodes import ExitCode

if TYPE_CHECKING:
    from sms_tui.smsapi import SmsapiClient, SmsapiError
    from sms_tui.smsapi.message_status import MessageStatus
    from sms_tui.smsapi.models import SentMessage

DEFAULT_WAIT = 120.0  # seconds: the "at most 2 minutes", also `--wait` without a number
MAX_WAIT = 24 * 3600.0  # SMSAPI keeps trying for up to 72 h, but nobody holds a terminal that long


class Outcome(StrEnum):
    """The three answers a technician (and a script's exit code) needs."""

    DELIVERED = "delivered"
    NOT_DELIVERED = "not_delivered"  # any final status but DELIVERED, NOT_FOUND and UNKNOWN included
    WAITING = "waiting"  # still on its way, or never read

    @property
    def exit_code(self) -> ExitCode:
        """`status` and `--wait`: 0 delivered, 7 not delivered, 8 not confirmed (yet)."""
        return {Outcome.DELIVERED: ExitCode.OK, Outcome.NOT_DELIVERED: ExitCode.NOT_DELIVERED}.get(self, ExitCode.NOT_CONFIRMED)


@dataclass(frozen=True)
class Polling:
    """When to ask again: `start`, growing by `growth`, never more than `cap` seconds apart."""

    start: float = 1.0
    growth: float = 1.5
    cap: float = 5.0

    def intervals(self) -> Iterator[float]:
        interval = self.start
        while True:
            yield interval
            interval = min(self.cap, interval * self.growth)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Timing:
    """The clocks a follow runs on; tests and the screenshots' tour run it on the sandbox's clock."""

    clock: Callable[[], float] = time.monotonic  # elapsed time ("po 6 s")
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
    now: Callable[[], datetime] = _utc_now  # wall-clock time of each status ("doręczono 14:02:11")


@dataclass(frozen=True)
class Seen:
    """A status as first seen: when (UTC) and how long after the follow began."""

    status: MessageStatus
    at: datetime
    after: float


@dataclass
class Delivery:
    """One message's story: each status change, and the read failures met on the way."""

    message_id: str
    history: list[Seen] = field(default_factory=list)
    read_failures: int = 0
    last_failure: SmsapiError | None = None
    followed: bool = False  # read repeatedly from acceptance on, so a first DELIVERED is (nearly) its time

    @classmethod
    def accepted(cls, sent: SentMessage, at: datetime | None = None) -> Delivery:
        """Followed from the send's own answer: SMSAPI puts a fresh message in QUEUE."""
        from sms_tui.smsapi.message_status import MessageStatus  # noqa: PLC0415 — sms_tui.smsapi.message_status adds 106 ms to sms_tui.delivery (python -X importtime)

        first = MessageStatus(id=sent.id, status=sent.status or "QUEUE", number=sent.number, points=sent.points, idx=sent.idx)
        return cls(sent.id, history=[Seen(first, at or _utc_now(), 0.0)], followed=True)

    @property
    def last(self) -> MessageStatus | None:
        return self.history[-1].status if self.history else None

    @property
    def outcome(self) -> Outcome:
        last = self.last
        if last is None or not last.final:
            return Outcome.WAITING
        return Outcome.DELIVERED if last.delivered else Outcome.NOT_DELIVERED

    @property
    def delivered_at(self) -> datetime | None:
        """When the DELIVERED status was first seen while following: SMSAPI's status read carries no
        delivery time, so this is at most one polling interval late, and never early. A single
        read (`sms-tui status`) knows only that it was delivered by then: None."""
        if self.outcome is not Outcome.DELIVERED or not self.followed:
            return None
        return self.history[-1].at

    @property
    def delivered_after(self) -> float | None:
        return self.history[-1].after if self.delivered_at is not None else None

    def observe(self, status: MessageStatus, at: datetime, after: float) -> bool:
        """Record a read; True when it is a change worth telling."""
        if self.last is not None and self.last.status == status.status:
            return False
        self.history.append(Seen(status, at, after))
        return True


def overall(deliveries: Sequence[Delivery]) -> Outcome:
    """Several messages: one not delivered decides (it is known to have failed), then any still waiting."""
    outcomes = {d.outcome for d in deliveries}
    if Outcome.NOT_DELIVERED in outcomes:
        return Outcome.NOT_DELIVERED
    if Outcome.WAITING in outcomes or not deliveries:
        return Outcome.WAITING
    return Outcome.DELIVERED


OnChange = Callable[[Delivery], None]


async def read_once(client: SmsapiClient, ids: Sequence[str], *, started: float | None = None,
                    deliveries: dict[str, Delivery] | None = None, on_change: OnChange | None = None,
                    timing: Timing | None = None) -> dict[str, Delivery]:
    """One status read of every id (SMSAPI takes them pipe-joined in one request)."""
    timing = timing or Timing()
    deliveries = deliveries if deliveries is not None else {i: Delivery(i) for i in ids}
    begun = timing.clock() if started is None else started
    statuses = await client.message_status([i for i, d in deliveries.items() if d.outcome is Outcome.WAITING])
    at, after = timing.now(), timing.clock() - begun
    for status in statuses:
        delivery = deliveries.get(status.id)
        if delivery is not None and delivery.observe(status, at, after) and on_change is not None:
            on_change(delivery)
    return deliveries


async def follow(client: SmsapiClient, ids: Sequence[str], *, wait: float = DEFAULT_WAIT, polling: Polling | None = None,
                 on_change: OnChange | None = None, on_failure: OnChange | None = None,
                 timing: Timing | None = None) -> dict[str, Delivery]:
    """Read until every message is final or `wait` seconds have passed (one last read at the end)."""
    deliveries = {i: Delivery(i, followed=True) for i in dict.fromkeys(ids)}
    await follow_deliveries(client, deliveries, wait=wait, polling=polling, on_change=on_change, on_failure=on_failure,
                            timing=timing)
    return deliveries


async def follow_deliveries(client: SmsapiClient, deliveries: dict[str, Delivery], *, wait: float = DEFAULT_WAIT,
                            polling: Polling | None = None, on_change: OnChange | None = None, on_failure: OnChange | None = None,
                            timing: Timing | None = None) -> None:
    """`follow`, into Delivery objects the caller already holds (the wizard shows them as they change).

    A read that fails on the network is counted and tried again at the next interval: a link that
    drops for a moment must not turn a delivered test into a failure. SMSAPI refusing the read
    itself (credentials changed meanwhile) is raised: asking again will not help."""
    from sms_tui.smsapi.errors import TransportError  # noqa: PLC0415 — sms_tui.smsapi.errors adds 3 ms to sms_tui.delivery (python -X importtime); loaded with the client by now

    timing = timing or Timing()
    intervals = (polling or Polling()).intervals()
    started = timing.clock()
    deadline = started + max(0.0, wait)
    while True:
        remaining = deadline - timing.clock()
        if remaining <= 0:
            break
        await timing.sleep(min(next(intervals), remaining))
        try:
            await read_once(client, list(deliveries), started=started, deliveries=deliveries, on_change=on_change, timing=timing)
        except TransportError as exc:
            for delivery in deliveries.values():
                if delivery.outcome is Outcome.WAITING:
                    delivery.read_failures += 1
                    delivery.last_failure = exc
                    if on_failure is not None:
                        on_failure(delivery)
            continue
        if all(d.outcome is not Outcome.WAITING for d in deliveries.values()):
            break


def wait_seconds(raw: str | float | None) -> float | None:
    """A `--wait` value: seconds in (0, MAX_WAIT], or None when it is not one."""
    try:
        value = float(raw) if raw is not None else DEFAULT_WAIT
    except ValueError:
        return None
    if not (0 < value <= MAX_WAIT):
        return None
    return value


def short_time(at: datetime) -> str:
    """Local wall-clock time, as the technician's phone shows it."""
    return at.astimezone().strftime("%H:%M:%S")


def short_when(at: datetime) -> str:
    """Local date and time to the minute: when an earlier test was made."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def wait_text(seconds: float) -> str:
    """A wait as it was asked for: `--wait 1.5` is "1.5 s", not a rounded "2 s"."""
    return f"{seconds:g} s" if seconds < 60 else elapsed_text(seconds)


def elapsed_text(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds))) if seconds >= 60 else f"{round(seconds)} s"

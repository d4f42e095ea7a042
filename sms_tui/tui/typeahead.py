"""Keys typed ahead are kept for the screen they were meant for (field test #23).

Textual hands every key to the focused widget's queue at once, so in a burst ("m", then "demo"
before step 3 is up) the keys after a step-changing one land on the old screen and are lost. The
app therefore lets one key (or paste) out at a time: each goes out followed by a `Settled` marker
along the same path (focused widget → screen → app, queues are FIFO), and a new screen gets a marker
behind its own mount and resume. Until every marker is back, further input waits here in order.
A marker that never comes back (its widget was removed first) is given up after `EXPIRY` seconds."""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message

if TYPE_CHECKING:
    from textual.message_pump import MessagePump
    from textual.timer import Timer

EXPIRY = 1.0
# Keys that still go out while a step's live check decides whether the step changes: a way out
# must never wait behind the check it is meant to stop.
URGENT = frozenset({"escape", "ctrl+q", "ctrl+c", "ctrl+l", "f1"})


class Settled(Message):
    """Back at the app: what went out before `ticket` on that path has been handled."""

    def __init__(self, ticket: int) -> None:
        super().__init__()
        self.ticket = ticket


class TypeAhead:
    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner  # the app: it owns the expiry timer
        self._held: deque[events.Key | events.Paste] = deque()
        self._pending: dict[int, float] = {}
        self._last = 0
        self._timer: Timer | None = None
        self._waits = 0

    def admits(self, event: events.Key | events.Paste) -> bool:
        """May `event` go out now (nothing held before it and nothing in flight)?"""
        if self._pending:
            return False
        if self._waits:
            return isinstance(event, events.Key) and event.key in URGENT
        return not self._held

    def begin_wait(self) -> None:
        """A live check that may change the step: typed keys wait for its outcome, Esc does not."""
        self._waits += 1

    def end_wait(self) -> None:
        self._waits = max(0, self._waits - 1)
        self._owner.post_message(Settled(0))  # let out what waited

    def hold(self, event: events.Key | events.Paste) -> None:
        self._held.append(event)

    def next_held(self) -> events.Key | events.Paste | None:
        """The oldest held input, once nothing is in flight."""
        if self._pending or self._waits or not self._held:
            return None
        return self._held.popleft()

    def mark(self, node: MessagePump) -> None:
        """Send a marker down the path the last input (or a new screen) takes."""
        self._last += 1
        self._pending[self._last] = time.monotonic()
        node.post_message(Settled(self._last))
        if self._timer is None:
            self._timer = self._owner.set_timer(EXPIRY, self._expire)

    def settled(self, ticket: int) -> None:
        self._pending.pop(ticket, None)

    def _expire(self) -> None:
        self._timer = None
        cutoff = time.monotonic() - EXPIRY
        for ticket in [t for t, sent in self._pending.items() if sent <= cutoff]:
            del self._pending[ticket]
        if self._pending:
            self._timer = self._owner.set_timer(EXPIRY, self._expire)
        if not self._pending:
            self._owner.post_message(Settled(0))  # ticket 0: only wakes the app to let held input out

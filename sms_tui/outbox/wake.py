"""When the relay looks again: at once when something arrives — inotify on outgoing/ (a file renamed
in, or closed after writing, a `.LOCK` removed) and on the outbox itself (`queue retry`, `drop`,
`resend` write queue.generation) — else at the earliest moment something is due (a pause after a
failure, a hold, a delivery to read, a file left to settle), and never just because time passed:
an idle relay does not wake. Where inotify cannot be had (a kernel or filesystem without it, the
watch limit reached) it looks every POLL seconds, as before."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sms_tui.outbox.spool import Spool

POLL = 2.0  # seconds between looks where inotify cannot be had
log = logging.getLogger("sms_tui.outbox")


class Waker:
    def __init__(self, spool: Spool) -> None:
        self._inotify: Any = None
        try:
            from asyncinotify import Inotify, Mask  # noqa: PLC0415 — only a relay serving as a service watches

            inotify = Inotify()
            inotify.add_watch(spool.folder("outgoing"), Mask.CLOSE_WRITE | Mask.MOVED_TO | Mask.DELETE | Mask.ATTRIB)
            inotify.add_watch(spool.root, Mask.MOVED_TO | Mask.CLOSE_WRITE)
        except (ImportError, OSError) as exc:  # no inotify here: polling, as smsd does
            log.warning("no inotify for %s (%s): looking every %s s", spool.folder("outgoing"), exc, POLL)
            return
        self._inotify = inotify
        self._root = spool.root
        self.wakeups = 0  # looks that were not asked for by an arrival: what an idle minute costs

    @property
    def watching(self) -> bool:
        return self._inotify is not None

    async def wait(self, seconds: float | None, stopping: asyncio.Event) -> None:
        """Until something arrives, `seconds` pass (None: no deadline), or the relay is stopped."""
        if self._inotify is None:
            seconds = POLL if seconds is None else min(seconds, POLL)
        waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(stopping.wait())]
        if self._inotify is not None:
            waiters.append(asyncio.ensure_future(self._arrival()))
        try:
            done, _ = await asyncio.wait(waiters, timeout=None if seconds is None else max(0.0, seconds),
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await waiter
        if not done:
            self.wakeups += 1
        self._drain()

    async def _arrival(self) -> None:
        while True:
            event = await self._inotify.get()
            if self._counts(event):
                return

    def _counts(self, event: Any) -> bool:
        name = str(event.name or "")
        if event.watch is not None and event.path is not None and event.path.parent == self._root:
            return name == "queue.generation"  # a technician's hand on the queue; the relay's own files are not news
        return not name.startswith(".") or name.endswith(".LOCK")

    def _drain(self) -> None:
        """Events already read belong to the look that follows: none is a reason for another."""
        if self._inotify is not None:
            self._inotify._events.clear()  # asyncinotify keeps the rest of what one read() returned

    def close(self) -> None:
        if self._inotify is not None:
            self._inotify.close()

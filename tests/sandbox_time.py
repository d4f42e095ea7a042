"""Following a delivery on the sandbox's own clock: a sleep moves the sandbox's time instead of
waiting, so a two-minute follow takes no time and its "doręczono 14:02:09 (po 5 s)" is the same
on every run (the screenshots and snapshots show it)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sms_tui.delivery import Timing
from sms_tui.sandbox import Sandbox

START = datetime(2026, 12, 2, 14, 2, 4).astimezone()  # local time, as the phone shows it


class SandboxTime:
    def __init__(self, sandbox: Sandbox, start: datetime = START) -> None:
        self.sandbox, self.start, self.elapsed = sandbox, start, 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.elapsed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds
        self.sandbox.state.advance(seconds)
        await asyncio.sleep(0)

    @property
    def timing(self) -> Timing:
        return Timing(clock=self.clock, sleep=self.sleep, now=self.now)

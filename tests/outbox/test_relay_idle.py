"""A backlog waiting out an outage: the relay as a service looks every two seconds, and a look
that finds nothing due reads no message until something changes — the earliest pause ends,
a program drops a new message, or a technician runs `queue retry` / `queue drop` in another
process. Real files and the real sandbox; the relay's clock is the test's."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sms_tui import operations
from sms_tui.outbox.relay import BACKOFF, Pass, Relay
from sms_tui.outbox.rooms import State
from sms_tui.outbox.spool import Spool
from sms_tui.sandbox import Sandbox
from sms_tui.sandbox.state import Fault
from sms_tui.smsapi import ClientOptions, Credentials


class CountingSpool(Spool):
    """The same folders; how many message states a pass read."""

    reads = 0

    def state(self, message_id: str) -> State:
        self.reads += 1
        return super().state(message_id)


@dataclass
class Clock:
    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now


def _pass(relay: Relay, spool: CountingSpool) -> tuple[Pass, int]:
    spool.reads = 0

    async def once() -> Pass:
        try:
            return await relay.run_once()
        finally:
            await relay.session.aclose()

    return asyncio.run(once()), spool.reads


def test_a_waiting_backlog_is_not_read_again_until_something_changes(sandbox: Sandbox) -> None:
    root = Path(os.environ["SMS_TUI_OUTBOX"])
    spool = CountingSpool(root)
    spool.prepare()
    for n in range(20):
        spool.drop("500100200", f"Czeka {n}")
    clock = Clock()
    options = ClientOptions(api_url=sandbox.url, attempts=1, read_timeout=5.0, connect_timeout=2.0)
    relay = Relay(spool, operations.Session(options), Credentials.bearer("demo-token"), "ECO", "demo", clock=clock)
    sandbox.state.inject(Fault("http503", "/sms.do", times=1000))  # the link is down

    done, _ = _pass(relay, spool)
    assert len(done.retrying) == 20  # each tried once, each waits BACKOFF[0]
    clock.now += 1
    done, reads = _pass(relay, spool)
    assert (done.retrying, reads) == ([], 20)  # looked at each: none due yet
    clock.now += 1
    done, reads = _pass(relay, spool)
    assert (done.retrying, reads) == ([], 0)  # nothing changed: nothing read

    spool.drop("500100200", "Nowa")  # a program drops a message: it is claimed, and the queue looked at
    done, reads = _pass(relay, spool)
    assert len(done.claimed) == 1 and len(done.retrying) == 1 and reads == 21
    clock.now += 1
    _pass(relay, spool)
    done, reads = _pass(relay, spool)
    assert reads == 0

    Spool(root).retry_now()  # `queue retry`, in another process: the relay's memory of the queue is stale
    done, reads = _pass(relay, spool)
    assert len(done.retrying) == 21 and reads == 21

    clock.now += 2
    _pass(relay, spool)
    done, reads = _pass(relay, spool)
    assert reads == 0
    clock.now += BACKOFF[1]  # the earliest pause is over: read, and tried again
    sandbox.state.faults.clear()
    done, reads = _pass(relay, spool)
    assert len(done.sent) == 21 and reads == 21
    assert sorted(m.message for m in sandbox.outbox) == sorted([f"Czeka {n}" for n in range(20)] + ["Nowa"])

"""A slow SSH link between the test and a program in a pty: every key and every byte of output
arrives `delay` seconds late, and output drains at `rate` bytes per second (the program's writes
block once the pty buffer is full, as they do behind a congested SSH channel).

Keys keep the grouping they were sent with: a lone Esc stays a lone write, a burst stays a burst.
"""

from __future__ import annotations

import os
import select
import threading
import time
from collections import deque
from collections.abc import Sequence

from tests.ptyprog import PtyProgram


class SlowLink(PtyProgram):
    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None, *, delay: float = 0.3,
                 rate: float = 4000.0) -> None:
        super().__init__(argv, env)
        self.delay = delay
        self.rate = rate
        self._keys: deque[tuple[float, bytes]] = deque()
        self._wire: deque[tuple[float, bytes]] = deque()  # output on its way to the test
        self._lock = threading.Lock()
        self._budget = 0.0
        self._last = time.perf_counter()
        self._closed = False
        self._sender = threading.Thread(target=self._deliver_keys, daemon=True)
        self._sender.start()

    def send(self, data: bytes) -> None:
        with self._lock:
            self._keys.append((time.perf_counter() + self.delay, data))

    def _deliver_keys(self) -> None:
        while not self._closed:
            with self._lock:
                due = self._keys[0] if self._keys and self._keys[0][0] <= time.perf_counter() else None
                if due is not None:
                    self._keys.popleft()
            if due is None:
                time.sleep(0.005)
                continue
            try:
                os.write(self.master, due[1])
            except OSError:
                return

    def _pump(self, wait: float) -> int:
        """Drain the pty no faster than `rate`; hand over what has finished its `delay`."""
        now = time.perf_counter()
        self._budget = min(self._budget + (now - self._last) * self.rate, self.rate * 0.1)
        self._last = now
        if self._budget >= 1:
            ready, _, _ = select.select([self.master], [], [], 0)
            if ready:
                try:
                    chunk = os.read(self.master, int(self._budget))
                except OSError:
                    chunk = b""
                if chunk:
                    self._budget -= len(chunk)
                    self._wire.append((now + self.delay, chunk))
        got = 0
        while self._wire and self._wire[0][0] <= now:
            chunk = self._wire.popleft()[1]
            self.output += chunk
            got += len(chunk)
        if not got:
            time.sleep(min(wait, 0.01))
        return got

    def close(self) -> None:
        self._closed = True
        super().close()

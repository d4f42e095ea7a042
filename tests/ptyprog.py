"""Run a program in a pseudo-terminal at 80×24 and count what it writes — what an SSH link carries."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from typing import Any


class PtyProgram:
    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(list(argv), stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     env={**os.environ, "TERM": "xterm-256color", **(env or {})})
        os.close(slave)
        self.master = master
        self.output = b""
        self._term: tuple[Any, Any] | None = None  # pyte screen and stream, made on first look
        self._fed = 0

    def read_until(self, needle: bytes, timeout: float = 20.0) -> float:
        """Seconds from start until `needle` is on the screen (or in the bytes, for sequences).
        The screen matters: only changed cells are sent, so "Krok 2 z 6" may arrive as "2"."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output and needle.decode() not in self.screen_text():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{needle!r} not seen; screen:\n{self.screen_text()}")
            self._pump(0.05)
        return time.perf_counter() - self.started

    def resize(self, cols: int, rows: int) -> None:
        """The window was resized: the terminal (and its emulated screen) first, then SIGWINCH."""
        self.screen_text()
        assert self._term is not None
        self._term[0].resize(rows, cols)
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.killpg(self.proc.pid, signal.SIGWINCH)

    def screen_text(self) -> str:
        """What a terminal shows now: everything written so far, run through a terminal emulator."""
        if self._term is None:
            import pyte

            screen = pyte.Screen(80, 24)
            self._term = (screen, pyte.ByteStream(screen))
        screen, stream = self._term
        if self._fed < len(self.output):
            stream.feed(self.output[self._fed:])
            self._fed = len(self.output)
        return "\n".join(screen.display)

    def screen_cells(self) -> list[list[tuple[object, ...]]]:
        """Every cell with its colours and attributes."""
        self.screen_text()
        assert self._term is not None
        screen = self._term[0]
        return [[tuple(screen.buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)]

    def _pump(self, wait: float) -> int:
        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return 0
        self.output += chunk
        return len(chunk)

    def settle(self, quiet: float = 0.4, limit: float = 5.0) -> int:
        """Read until nothing arrives for `quiet` seconds; the number of bytes read."""
        total, last, deadline = 0, time.perf_counter(), time.perf_counter() + limit
        while time.perf_counter() - last < quiet and time.perf_counter() < deadline:
            got = self._pump(0.05)
            if got:
                total, last = total + got, time.perf_counter()
        return total

    def count_for(self, seconds: float) -> int:
        total, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            total += self._pump(0.05)
        return total

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def peak_rss_kb(self) -> int:
        try:
            with open(f"/proc/{self.proc.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        os.close(self.master)

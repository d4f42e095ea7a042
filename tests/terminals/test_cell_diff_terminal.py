"""The real wizard in a pty, fed to a terminal emulator: the diffed output (the default) must leave
the same screen as Textual's own full repaints (SMS_TUI_FULL_REPAINT=1) at every step."""

from __future__ import annotations

import sys
import time

from tests.ptyprog import PtyProgram


class Terminal:
    """The program in a pty at 80×24 plus the screen a terminal would show."""

    def __init__(self, env: dict[str, str]) -> None:
        # COLUMNS/LINES exported (as some shells and test runners do) must not hide a resize.
        self.prog = PtyProgram([sys.executable, "-m", "sms_tui", "--demo"],
                               {"TEXTUAL_ANIMATIONS": "none", "COLUMNS": "80", "LINES": "24", **env})

    def wait(self, text: bytes) -> list[list[tuple[object, ...]]]:
        self.prog.read_until(text)
        self.prog.settle(quiet=0.3)
        return self.prog.screen_cells()

    def keys(self, data: bytes) -> None:
        self.prog.send(data)


def _walk(env: dict[str, str]) -> tuple[list[list[list[tuple[object, ...]]]], int]:
    term = Terminal(env)
    try:
        screens = [term.wait(b"Krok 1 z 6")]
        term.keys(b"\x0e")  # Ctrl+N
        screens.append(term.wait(b"Krok 2 z 6"))
        term.keys(b" ")  # tick the first box
        screens.append(term.wait(b"[x]"))
        term.keys(b"\x1b")  # back, then "I have an account": step 3, focus in the username field
        term.wait(b"Krok 1 z 6")
        term.keys(b"m")
        term.wait(b"Krok 3 z 6")
        term.keys(b"demo")
        screens.append(term.wait(b"demo"))
        term.keys(b"\x0c")  # Ctrl+L: everything again
        screens.append(term.wait(b"demo"))
        term.prog.resize(100, 30)  # a larger window, then back: the writer must forget its model
        term.prog.settle(quiet=0.5)
        screens.append(term.wait(b"demo"))
        term.prog.resize(80, 24)
        term.prog.settle(quiet=0.5)
        screens.append(term.wait(b"demo"))
        return screens, len(term.prog.output)
    finally:
        term.prog.close()


def test_diffed_output_draws_what_textual_draws() -> None:
    full, full_bytes = _walk({"SMS_TUI_FULL_REPAINT": "1"})
    diffed, diffed_bytes = _walk({})
    for step, (a, b) in enumerate(zip(full, diffed, strict=True)):
        rows = [y for y in range(min(len(a), len(b))) if a[y] != b[y]]
        assert a == b, f"screen {step} differs in rows {rows}: " + " | ".join(
            "".join(str(cell[0]) for cell in a[y]) + " // " + "".join(str(cell[0]) for cell in b[y]) for y in rows[:3])
    assert diffed_bytes < full_bytes / 2


def test_ctrl_l_repaints_what_something_else_wrote_over() -> None:
    """A stray message (wall, a kernel line on the console) lands on the screen behind the app's
    back; the diffing writer cannot know, so Ctrl+L must send every cell again."""
    term = Terminal({})
    try:
        clean = term.wait(b"Krok 1 z 6")
        with open(f"/proc/{term.prog.proc.pid}/fd/1", "w") as tty:
            tty.write("\x1b[5;5HBroadcast message from root")
        term.prog.read_until(b"Broadcast")
        term.keys(b"\x0c")
        deadline = time.monotonic() + 10
        while "Broadcast" in term.prog.screen_text() and time.monotonic() < deadline:
            term.prog.settle(quiet=0.1, limit=0.5)
        assert term.prog.screen_cells() == clean
    finally:
        term.prog.close()

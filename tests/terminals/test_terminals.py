"""The real program in a pseudo-terminal, as PuTTY, xterm, tmux and the Linux console see it."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.ptyprog import PtyProgram

PUTTY_F1 = b"\x1b[11~"  # PuTTY's default ("ESC [n~") function-key sequence for F1
# What the Linux console's Lat2 fonts draw: ASCII, Polish letters, plain box drawing.
CONSOLE_GLYPHS = set(map(chr, range(32, 127))) | set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ─│┌┐└┘├┤┬┴┼\n")


@contextmanager
def first_screen(*argv: str, env: dict[str, str] | None = None) -> Iterator[PtyProgram]:
    """The wizard on a pty, its first screen drawn and settled; closed afterwards."""
    prog = PtyProgram([sys.executable, "-m", "sms_tui", *argv], env or {})
    try:
        prog.read_until(b"Krok 1 z 6")
        prog.settle(quiet=0.15)
        yield prog
    finally:
        prog.close()


def step(prog: PtyProgram, keys: bytes, until: bytes, quiet: float = 0.3) -> None:
    """Send `keys` in one write (one read on the far side, as over a slow link) and wait for `until`."""
    prog.send(keys)
    prog.read_until(until)
    prog.settle(quiet=quiet)


def _only_console_glyphs(screen: str) -> None:
    missing = set(screen) - CONSOLE_GLYPHS
    assert not missing, f"the Linux console cannot draw {sorted(missing)}"


@pytest.mark.parametrize("term", ["xterm-256color", "xterm", "screen", "linux"])
def test_terminal_types(term: str) -> None:
    with first_screen(env={"TERM": term}) as prog:
        if term == "linux":
            assert "###" in prog.screen_text()  # the QR code in ASCII
            _only_console_glyphs(prog.screen_text())
        prog.send(PUTTY_F1)
        prog.read_until(b"Pomoc")
        prog.settle(quiet=0.15)
        if term == "linux":
            _only_console_glyphs(prog.screen_text())  # the help dialog's rounded corners too
        prog.send(b"\x1b")  # a lone Esc closes the help; it must not swallow the next key as Alt+m
        prog.settle(quiet=0.15)
        prog.send(b"m")
        prog.read_until(b"Krok 3 z 6")


def test_no_color_is_greyscale_only() -> None:
    """Textual turns NO_COLOR into greys; the wizard's state is in its text ([x], (*), ✓/✗)."""
    with first_screen(env={"NO_COLOR": "1"}) as prog:
        pass
    colours = {int(n) for n in re.findall(rb"[34]8;5;(\d+)", prog.output)}
    greys = {0, 7, 8, 15, 16, 231, *range(232, 256)}
    assert colours and colours <= greys, colours - greys
    assert not re.search(rb"[34]8;2;", prog.output)  # no true colour either


def test_mouse_reporting_is_off_unless_asked() -> None:
    for argv, expected in (([], False), (["--mouse"], True)):
        prog = PtyProgram([sys.executable, "-m", "sms_tui", *argv])
        try:
            prog.read_until(b"Krok 1 z 6")
            prog.settle(quiet=0.15)
        finally:
            prog.close()
        assert (b"\x1b[?1000h" in prog.output) is expected


def test_dumb_terminal_gets_the_apply_hint() -> None:
    prog = PtyProgram([sys.executable, "-m", "sms_tui"], {"TERM": "dumb"})
    try:
        prog.read_until(b"sms-tui apply")
        assert prog.proc.wait(timeout=10) == 2
    finally:
        prog.close()


def test_a_burst_of_keys_lands_in_the_right_fields() -> None:
    """Over a slow link keys arrive in one read: "demo<Tab>md5<Ctrl+N>" must not end in one field."""
    with first_screen("--demo") as prog:
        step(prog, b"\x0e", b"Krok 2 z 6")
        step(prog, b" \t \t \t \t \x0e", b"Krok 3 z 6", quiet=0.15)  # tick all five boxes and go on, in one burst
        step(prog, b"demo\tfe01ce2a7fbac8fafaed7c982a04e229\x0e", b"Krok 4 z 6")
        assert "Krok 4 z 6" in prog.screen_text()
        assert "Konto bez pełnej aktywacji" not in prog.screen_text()
        step(prog, b"\x0e", b"Krok 5 z 6")
        prog.send(b"500000000\r\r")  # Enter moves to the text, Enter in the text sends
        prog.read_until("✓".encode())


def test_keys_typed_across_a_step_change_are_not_lost() -> None:
    """Field test #23 on a real pty: "m" (to step 3) and the username in one read."""
    with first_screen("--demo") as prog:
        step(prog, b"mdemo", b"Krok 3 z 6")
        assert "Użytkownik:     demo" in prog.screen_text()


def test_a_paste_with_an_escape_sequence_and_a_line_break_never_sends() -> None:
    """Field test #6 on a real pty (tmux would turn ESC into ^[ itself): the paste lands cleaned,
    as one value, and presses no Enter."""
    with first_screen("--demo") as prog:
        step(prog, b"m", b"Krok 3 z 6")
        step(prog, b"demo\tfe01ce2a7fbac8fafaed7c982a04e229\x0e", b"Krok 4 z 6")
        step(prog, b"\x0e", b"Krok 5 z 6")
        prog.send(b"500000000\r\x15")  # to the text, and empty it (Ctrl+U)
        prog.settle(quiet=0.3)
        prog.send(b"\x1b[200~Raz\x1b[31m dwa\r\nlinia2\x1b[201~")
        prog.settle(quiet=0.5)
        screen = prog.screen_text()
        assert "Raz dwa linia2" in screen and "Krok 5 z 6" in screen
        assert "Wysłano" not in screen and "^[" not in screen

"""Textual's Linux driver with a diffing, optionally ASCII-only writer in front of the terminal (cell_diff.py)."""

from __future__ import annotations

import logging
import os
import selectors
import threading
from codecs import getincrementaldecoder
from pathlib import Path
from typing import Any

import textual
from textual._loop import loop_last
from textual._parser import ParseError
from textual.drivers.linux_driver import LinuxDriver

from sms_tui import constants
from sms_tui.tui.cell_diff import ScreenDiff

log = logging.getLogger("sms_tui.tui")


# The Textual release the cell-diff writer was checked against (tests/terminals/test_cell_diff*.py compare its
# output with what Textual drew). On any other release frames go out whole, still translated.
TESTED_TEXTUAL = "8.2.8"


def diffing_allowed(version: str) -> bool:
    if constants.full_repaint():
        return False
    if version != TESTED_TEXTUAL:
        log.warning("Textual %s is not the tested %s: every frame is sent whole", version, TESTED_TEXTUAL)
        return False
    return True


def installed_textual_version() -> str:
    """From the installed package's dist-info folder name: `textual.__version__` loads
    importlib.metadata and email parsing (~10 ms, ~2 MB of a 37 MB wizard) for one string."""

    found = list(Path(textual.__file__).resolve().parent.parent.glob("textual-*.dist-info"))
    if len(found) == 1:
        return found[0].name.removeprefix("textual-").removesuffix(".dist-info")
    return str(textual.__version__)  # an unusual install: ask importlib.metadata


class DiffDriver(LinuxDriver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.diff = ScreenDiff(ascii_look=bool(getattr(self._app, "ascii_only", False)), diffing=not constants.full_repaint())
        self._diff_lock = threading.Lock()  # the input thread writes too (terminal queries)

    def check_textual_version(self) -> None:
        """Called right after the first paint (the first screen's cells all go out anyway)."""
        if self.diff.diffing and not diffing_allowed(installed_textual_version()):
            with self._diff_lock:
                self.diff = ScreenDiff(ascii_look=self.diff.ascii_look, diffing=False)

    def _probe_size(self) -> None:
        """The tty's own size: COLUMNS/LINES in the environment must not hide a resize."""
        try:
            size = os.get_terminal_size(self._file.fileno() if self._file is not None else self.fileno)
        except (OSError, ValueError):
            self.diff.invalidate()
            return
        self.diff.resize((size.columns, size.lines))

    def write(self, data: str) -> None:
        with self._diff_lock:
            try:  # the size probe too: whatever fails in here, the frame still goes out
                self._probe_size()
                data = self.diff.write(data)
            except Exception:  # an optimisation must never take the wizard down: send as drawn
                log.exception("terminal writer failed; sending every frame whole from now on")
                self.diff = ScreenDiff(ascii_look=self.diff.ascii_look, diffing=False)
                data = self.diff.write(data)
        super().write(data)

    def repaint_all(self) -> None:
        """The next frame is sent whole: after Ctrl+L, when the screen may hold garbage."""
        with self._diff_lock:
            self.diff.invalidate()

    def run_input_thread(self) -> None:
        """Textual 8.2.8's LinuxDriver.run_input_thread, copied whole with one change: the parser
        is the wizard's (input_parser.py: pastes with escape sequences, Esc+Tab). A contract test
        holds the copy to the installed Textual's source."""

        from sms_tui.tui.input_parser import WizardInputParser  # noqa: PLC0415 — sms_tui.tui.input_parser adds 1 ms to sms_tui.tui.driver (python -X importtime)

        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)

        fileno = self.fileno
        event_read = selectors.EVENT_READ

        parser = WizardInputParser(self._debug)
        feed = parser.feed
        tick = parser.tick

        utf8_decoder = getincrementaldecoder("utf-8")().decode
        decode = utf8_decoder
        read = os.read

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]],
            final: bool = False,
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & event_read:
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        # This can occur if the stdin is piped
                        break
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)

        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass

    def start_application_mode(self) -> None:
        with self._diff_lock:  # back from a suspend: the alternate screen may have been cleared
            self.diff.invalidate()
        super().start_application_mode()  # type: ignore[no-untyped-call]

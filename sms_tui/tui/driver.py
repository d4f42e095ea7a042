"""Textual's Linux driver with a diffing, optionally ASCII-only writer in front of the terminal (wire.py)."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from textual.drivers.linux_driver import LinuxDriver

from sms_tui import constants
from sms_tui.tui.wire import ScreenDiff

log = logging.getLogger("sms_tui.tui")


class DiffDriver(LinuxDriver):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.diff = ScreenDiff(ascii_look=bool(getattr(self._app, "ascii_only", False)),
                               diffing=not constants.full_repaint())
        self._diff_lock = threading.Lock()  # the input thread writes too (terminal queries)

    def write(self, data: str) -> None:
        with self._diff_lock:
            try:  # the tty's own size: COLUMNS/LINES in the environment must not hide a resize
                size = os.get_terminal_size(self._file.fileno() if self._file is not None else self.fileno)
                self.diff.resize((size.columns, size.lines))
            except (OSError, ValueError):
                self.diff.invalidate()
            try:
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

    def start_application_mode(self) -> None:
        with self._diff_lock:  # back from a suspend: the alternate screen may have been cleared
            self.diff.invalidate()
        super().start_application_mode()  # type: ignore[no-untyped-call]

"""Shown instead of a broken layout when the terminal is under 80×24; popped when it grows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sms_tui.i18n import t

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static(t("wiz.too_small", w=MIN_WIDTH, h=MIN_HEIGHT), id="too-small")

    def on_screen_resume(self) -> None:
        """Back on top after a dialog opened while small was answered: if the window grew in the
        meantime, there is no resize left to come and take this screen away."""
        size = self.app.size
        if size.width >= MIN_WIDTH and size.height >= MIN_HEIGHT:
            self.app.pop_screen()

    def on_resize(self) -> None:
        size = self.app.size
        self.query_one(Static).update(t("wiz.too_small", w=MIN_WIDTH, h=MIN_HEIGHT) + f"\n({size.width}×{size.height})")

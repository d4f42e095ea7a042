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

    def on_resize(self) -> None:
        size = self.app.size
        self.query_one(Static).update(t("wiz.too_small", w=MIN_WIDTH, h=MIN_HEIGHT) + f"\n({size.width}×{size.height})")

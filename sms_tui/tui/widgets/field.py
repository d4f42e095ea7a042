"""Input without a blinking cursor: a blink redraws ~1.7 KB/s over the SSH link, forever."""

from __future__ import annotations

from textual.widgets import Input


class Field(Input):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False

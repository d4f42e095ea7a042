"""Input for the wizard: no blinking cursor (a blink redraws ~1.7 KB/s over the SSH link,
forever), and pasted control characters or escape sequences are dropped before they can reach
the value or be echoed to the terminal."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from sms_tui.rules import clean_field


class Field(Input):
    def __init__(self, *args: object, enter_moves_on: bool = True, **kwargs: object) -> None:
        kwargs.setdefault("select_on_focus", False)  # a focus the program moves must never arm "next key wipes it all"
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.cursor_blink = False
        # Enter goes to the next field, handled by the app as soon as the key arrives (like Tab):
        # "500000000<Enter><Enter>" in one burst must not submit the same field twice.
        self.enter_moves_on = enter_moves_on

    def _on_paste(self, event: events.Paste) -> None:
        # A one-line field: the lines of a multi-line paste are joined with spaces, never dropped.
        cleaned = clean_field(" ".join(line.strip() for line in event.text.splitlines() if line.strip()) if event.text else "")
        event.stop()
        event.prevent_default()
        if cleaned:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(cleaned)
            else:
                self.replace(cleaned, *selection)

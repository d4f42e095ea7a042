"""Checkbox and RadioButton that show their state in the text, not by colour alone
(NO_COLOR, monochrome consoles, colour-blind technicians)."""

from __future__ import annotations

from textual.content import Content
from sms_tui.tui.widgets.local_keys import LocalCheckbox, LocalRadioButton


class CueCheckbox(LocalCheckbox):
    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "x" if self.value else " "
        return super()._button


class CueRadio(LocalRadioButton):
    BUTTON_LEFT = "("
    BUTTON_RIGHT = ")"

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "*" if self.value else " "
        return super()._button

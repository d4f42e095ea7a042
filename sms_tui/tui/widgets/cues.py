"""Checkbox and RadioButton that show their state in the text — "[x]" and "(*)" — not by colour
alone (NO_COLOR, monochrome consoles, colour-blind technicians)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content

from sms_tui.tui.widgets.choices import LocalCheckbox, LocalRadioButton


class CueCheckbox(LocalCheckbox):
    # A checklist is walked with the arrows as well as Tab (technicians press Down, Down, Space).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    @property
    def _button(self) -> Content:
        return Content.assemble(("[x]" if self.value else "[ ]", self.get_visual_style("toggle--label")))


class CueRadio(LocalRadioButton):
    @property
    def _button(self) -> Content:
        return Content.assemble(("(*)" if self.value else "( )", self.get_visual_style("toggle--label")))

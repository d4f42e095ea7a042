"""Checkbox and RadioButton that show their state in the text — "[x]" and "(*)" — not by colour
alone (NO_COLOR, monochrome consoles, colour-blind technicians)."""

from __future__ import annotations

from textual.content import Content

from sms_tui.tui.widgets.choices import LocalCheckbox, LocalRadioButton


class CueCheckbox(LocalCheckbox):
    @property
    def _button(self) -> Content:
        return Content.assemble(("[x]" if self.value else "[ ]", self.get_visual_style("toggle--label")))


class CueRadio(LocalRadioButton):
    @property
    def _button(self) -> Content:
        return Content.assemble(("(*)" if self.value else "( )", self.get_visual_style("toggle--label")))

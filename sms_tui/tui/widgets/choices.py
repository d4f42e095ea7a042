"""Checkboxes, radio buttons and lists that keep their keys (see local_keys.py); apart from the
button, so the first screen (which has none of them) does not load their widget modules."""

from __future__ import annotations

from textual.widgets import Checkbox, OptionList, RadioButton, RadioSet

from sms_tui.tui.widgets.local_keys import LocalBindings


class LocalCheckbox(LocalBindings, Checkbox):
    pass


class LocalRadioButton(LocalBindings, RadioButton):
    pass


class LocalRadioSet(LocalBindings, RadioSet):
    pass


class LocalOptionList(LocalBindings, OptionList):
    pass

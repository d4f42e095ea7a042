"""Resolve a widget's own key bindings in the widget, in the order keys arrived.

Textual resolves a non-priority binding when the key has bubbled up to the App, against the
focus *at that moment*. Over a slow SSH link keys arrive in bursts ("space tab space"), and by
then Tab has already moved focus: the space ticks the wrong box. Handling the widget's own
bindings here keeps every key with the widget that had focus when it arrived.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Button, Checkbox, OptionList, RadioButton, RadioSet


class LocalBindings:
    """Mixin (before the widget class): a plain class, so Textual's CSS and component classes
    are inherited from the widget alone."""

    async def _on_key(self, event: events.Key) -> None:
        widget: Widget = self  # type: ignore[assignment]
        bindings = widget._bindings.key_to_bindings.get(event.key)
        if bindings:
            event.stop()
            event.prevent_default()
            await widget.run_action(bindings[0].action)
            return
        await super()._on_key(event)  # type: ignore[misc]


class LocalCheckbox(LocalBindings, Checkbox):
    pass


class LocalRadioButton(LocalBindings, RadioButton):
    pass


class LocalRadioSet(LocalBindings, RadioSet):
    pass


class LocalOptionList(LocalBindings, OptionList):
    pass


class LocalButton(LocalBindings, Button):
    pass

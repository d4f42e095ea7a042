"""Resolve a widget's own key bindings in the widget, in the order keys arrived.

Textual resolves a non-priority binding when the key has bubbled up to the App, against the
focus *at that moment*. Over a slow SSH link keys arrive in bursts ("space tab space"), and by
then Tab has already moved focus: the space ticks the wrong box. Handling the widget's own
bindings here keeps every key with the widget that had focus when it arrived.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Button


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


class LocalButton(LocalBindings, Button, inherit_css=False):
    """Button's own CSS is 57 rules (7 KB, ~7 ms to parse at start) for looks this wizard never
    uses; this is the part that draws compact, non-flat buttons in the variants used here, the
    same on screen (the snapshot tests compare)."""

    DEFAULT_CSS = """
    LocalButton {
        width: auto; min-width: 16; height: auto; line-pad: 1;
        text-align: center; content-align: center middle; pointer: pointer;
        &.-style-default {
            text-style: bold; color: $button-foreground; background: $surface; border: none;
            &:disabled { text-opacity: 0.6; pointer: not-allowed; }
            &:focus { text-style: $button-focus-text-style; background-tint: $foreground 5%; }
            &:hover { background: $surface-darken-1; }
            &.-active { background: $surface; tint: $background 30%; }
            &.-primary {
                color: $button-color-foreground; background: $primary;
                &:hover { background: $primary-darken-2; }
                &.-active { background: $primary; }
            }
            &.-success {
                color: $button-color-foreground; background: $success;
                &:hover { background: $success-darken-2; }
                &.-active { background: $success; }
            }
            &.-warning {
                color: $button-color-foreground; background: $warning;
                &:hover { background: $warning-darken-2; }
                &.-active { background: $warning; }
            }
        }
    }
    LocalButton:ansi.-style-default {
        border: none; background: ansi_default;
        &:disabled {
            text-opacity: 1; text-style: bold dim; background: ansi_default !important; pointer: not-allowed;
            &:hover { background: ansi_default; }
        }
        &:hover { background: $ansi-background; }
        &.-active { background: $ansi-background !important; tint: transparent; }
        &.-primary { color: $primary; background: ansi_default; &:hover { background: $ansi-background; } }
        &.-success { color: $success; background: ansi_default; &:hover { background: $ansi-background; } }
        &.-warning { color: $warning; background: ansi_default; &:hover { background: $ansi-background; } }
    }
    """

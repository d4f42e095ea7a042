"""A yes/no question: quitting with unsaved changes, saving without a test, running a command."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from sms_tui.i18n import t
from sms_tui.tui.widgets.local_keys import LocalButton


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", show=False),
        Binding("n", "answer(False)", show=False),
        Binding("t,y", "answer(True)", show=False),
    ]

    def __init__(self, question: str, yes: str | None = None, no: str | None = None, *, default: bool = False,
                 escape: bool = False) -> None:
        """`default`: the answer focused (Enter); `escape`: the answer Esc gives. Both are "no"
        unless "no" would lose work (the resume question)."""
        super().__init__()
        self.question, self.yes, self.no = question, yes or t("wiz.yes"), no or t("wiz.no")
        self.default, self.escape = default, escape

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question")
            with Horizontal(id="answers"):
                yield LocalButton(self.no, id="no", compact=True)
                yield LocalButton(self.yes, id="yes", variant="warning", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_escape(self) -> None:
        self.dismiss(self.escape)

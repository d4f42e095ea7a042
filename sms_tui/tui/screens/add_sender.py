"""Step 4's dialog "Dodaj nową nazwę": the name checked as typed (with the transliteration on
offer), SMSAPI's statement to scroll through, and the declaration that must be ticked — as the
panel's "Pole nadawcy → Własne → oświadczenie → Dodaj". It only returns the name: the step asks
SMSAPI (through the Wizard) once the dialog is closed."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from sms_tui.checks import sender_reasons
from sms_tui.i18n import t
from sms_tui.rules import check_sender_name
from sms_tui.smsapi.auth import Platform
from sms_tui.tui.widgets.cues import CueCheckbox
from sms_tui.tui.widgets.field import Field
from sms_tui.tui.widgets.local_keys import LocalButton


class AddSenderScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", show=False),
                                             Binding("f1", "help", show=False, priority=True)]  # the footer under it says F1

    def __init__(self, statement: str, *, activated: bool, name: str = "", platform: Platform = Platform.PL) -> None:
        super().__init__()
        self.statement, self.activated, self.initial, self.platform = statement, activated, name, platform

    def action_help(self) -> None:
        from sms_tui.tui.screens.help import HelpScreen  # noqa: PLC0415 — sms_tui.tui.screens.help adds 12 ms to sms_tui.tui.screens.add_sender (python -X importtime)

        self.app.push_screen(HelpScreen("sender", self.platform))

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog"):
            yield Static(f"[b]{t('wiz.add.title')}[/]")
            if not self.activated:
                yield Static(t("wiz.add.not_activated"), classes="warn")
            with Horizontal(classes="row"):
                yield Static(t("wiz.sender.name"), classes="label")
                yield Field(self.initial, id="new-name", compact=True, max_length=40, enter_moves_on=True)
            yield Static("", id="new-name-check", markup=False, classes="hint")
            with VerticalScroll(id="statement"):
                yield Static(self.statement, markup=False)
            yield CueCheckbox(t("wiz.add.accept"), False, id="accept", compact=True)
            yield Static("", id="add-problem", markup=False)
            with Horizontal(id="add-answers"):
                yield LocalButton(t("wiz.add.suggestion", name=""), id="use-suggestion", compact=True)
                yield LocalButton(t("wiz.test.cancel"), id="add-cancel", compact=True)
                yield LocalButton(t("wiz.add.add"), id="add", variant="success", compact=True)

    def on_mount(self) -> None:
        self._check(self.initial)
        self.query_one("#new-name", Input).focus()

    def _check(self, value: str) -> None:
        line = self.query_one("#new-name-check", Static)
        suggestion_button = self.query_one("#use-suggestion", Button)
        check = check_sender_name(value)
        suggestion_button.display = bool(check.suggestion)
        if check.suggestion:
            suggestion_button.label = t("wiz.add.suggestion", name=check.suggestion)
        if not value.strip():
            line.update(t("wiz.add.rules"))
        elif check.ok:
            line.update("✓ " + t("wiz.add.name_ok"))
        else:
            hint = f" {t('sender.suggest', name=check.suggestion)}" if check.suggestion else ""
            line.update("✗ " + " ".join(sender_reasons(check)) + hint)

    @on(Input.Changed, "#new-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self._check(event.value)
        self.query_one("#add-problem", Static).update("")

    @on(Checkbox.Changed, "#accept")
    def _accept_changed(self) -> None:
        self.query_one("#add-problem", Static).update("")

    @on(Button.Pressed, "#use-suggestion")
    def _use_suggestion(self, event: Button.Pressed) -> None:
        event.stop()
        suggestion = check_sender_name(self.query_one("#new-name", Input).value).suggestion
        if suggestion:
            self.query_one("#new-name", Input).value = suggestion
            self.query_one("#new-name", Input).focus()

    @on(Button.Pressed, "#add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        name = self.query_one("#new-name", Input).value.strip()
        check = check_sender_name(name)
        problem = None
        if not check.ok:
            problem = " ".join(sender_reasons(check))
        elif not self.query_one("#accept", Checkbox).value:
            problem = t("wiz.add.tick")
        if problem:
            self.query_one("#add-problem", Static).update(f"{t('wiz.refused')} {problem}")
            return
        self.dismiss(check.name)

    @on(Button.Pressed, "#add-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Step 4: ECO or PRO. For PRO the account's sender names come live with their status; a name
typed here is checked as typed, and a PENDING one is refused with ECO offered meanwhile."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, OptionList, RadioSet, Static
from textual.widgets.option_list import Option

from sms_tui.checks import sender_reasons
from sms_tui.i18n import t
from sms_tui.rules import check_sender_name
from sms_tui.smsapi import SmsapiError
from sms_tui.smsapi_texts import sender_state_text
from sms_tui.tui.events import SendersChanged
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.cues import CueRadio

if TYPE_CHECKING:
    from sms_tui.smsapi import SenderName
from sms_tui.tui.widgets.choices import LocalOptionList, LocalRadioSet
from sms_tui.tui.widgets.field import Field
from sms_tui.tui.widgets.local_keys import LocalButton


def sender_label(sender: SenderName) -> str:
    # By what the status means (INACTIVE, DELETED… too), as the CLI says it: never SMSAPI's raw word alone.
    key = {"usable": "active", "waiting": "pending", "refused": "rejected"}[sender.state.value]
    status = t(f"wiz.sender.status.{key}")
    default = f" {t('wiz.sender.default')}" if sender.is_default else ""
    return f"{sender.sender:<12} {status}{default}"


class SenderScreen(StepScreen):
    STEP = "sender"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f2", "add_name", show=False)]

    def body(self) -> ComposeResult:
        s, u = self.wizard.state, self.wizard.setup
        balance = s.status.balance if s.status else None
        with LocalRadioSet(id="mode", compact=True):
            yield CueRadio(t("wiz.sender.eco"), u.sender_mode == "eco", id="mode-eco", compact=True)
            yield CueRadio(t("wiz.sender.pro"), u.sender_mode == "pro", id="mode-pro", compact=True)
        if balance is not None and balance.pro_count is not None:
            yield Static(t("wiz.sender.costs", points=balance.points, pro=balance.pro_count, eco=balance.eco_count), classes="hint")
        yield Static(t("wiz.sender.eco_note"), id="eco-note", classes="hint")
        if not u.checklist.get("activated"):
            yield Static(t("wiz.sender.not_activated"), id="activation-warning", classes="warn")
        senders = s.status.senders if s.status else None
        yield Static(t("wiz.sender.list") if senders else t("wiz.sender.no_list"), id="list-label")
        options = [Option(sender_label(x), id=x.sender) for x in senders or []]
        yield LocalOptionList(*options, id="senders", compact=True)
        with Horizontal(classes="row"):
            yield Static(t("wiz.sender.name"), classes="label")
            yield Field(u.sender_name, id="name", compact=True, max_length=40)
        yield Static("", id="name-check", markup=False, classes="hint")
        yield Static(self._requested_text(), id="requested", markup=False)
        yield Static(t("wiz.sender.how_to_add"), id="how-to-add", classes="hint")

    def on_mount(self) -> None:
        self._sync()
        self._show_requested()
        self.query_one("#mode", RadioSet).focus()

    def _sync(self) -> None:
        pro = self.wizard.setup.sender_mode == "pro"
        for selector in ("#list-label", "#senders", "#name-check", "#how-to-add", ".row"):
            for widget in self.query(selector):
                widget.display = pro
        self.query_one("#eco-note").display = not pro
        self._check_name(self.query_one("#name", Input).value)

    def _check_name(self, value: str) -> None:
        line = self.query_one("#name-check", Static)
        if not value.strip():
            line.update("")
            return
        check = check_sender_name(value)
        problems = sender_reasons(check) or [t(k, name=value.strip()) for k in self._problems_for(value)]
        if problems:
            hint = f" {t('sender.suggest', name=check.suggestion)}" if check.suggestion else ""
            line.update("✗ " + " ".join(problems) + hint)
        else:
            line.update("✓ " + t("wiz.sender.name_ok"))

    def _problems_for(self, value: str) -> list[str]:
        self.wizard.set_sender_name(value)
        return self.wizard.sender_problems()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.wizard.set_sender_mode("pro" if event.pressed.id == "mode-pro" else "eco")
        self.clear_refusal()
        self._sync()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id or ""
        self.query_one("#name", Input).value = name
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        self._check_name(event.value)

    def store(self) -> str | None:
        self.wizard.set_sender_name(self.query_one("#name", Input).value.strip())
        return None

    def problem(self) -> str | None:
        problems = self.wizard.sender_problems()
        if not problems:
            return None
        name = self.wizard.setup.sender_name
        text = " ".join(t(key, name=name) for key in problems)
        check = check_sender_name(name)
        return text + (f" {t('sender.suggest', name=check.suggestion)}" if check.suggestion else "")

    def extra_buttons(self) -> ComposeResult:
        yield LocalButton(t("wiz.sender.use_requested", name=self.wizard.setup.requested_sender or ""), id="use-requested",
                          variant="success", compact=True)
        yield LocalButton(t("wiz.sender.add"), id="add-name", compact=True)
        yield LocalButton(t("wiz.sender.use_eco"), id="use-eco", compact=True)

    def _requested_text(self) -> str:
        found = self.wizard.senders.requested_status()
        name = self.wizard.setup.requested_sender
        if not name:
            return ""
        if found is None:
            return t("wiz.sender.requested_unknown", name=name)
        if found.active:
            return "✓ " + t("wiz.sender.requested_active", name=found.sender)
        return t("wiz.sender.requested_waiting", name=found.sender, state=sender_state_text(found))

    def _show_requested(self) -> None:
        self.query_one("#requested", Static).update(self._requested_text())
        found = self.wizard.senders.requested_status()
        button = self.query_one("#use-requested", Button)
        button.display = bool(found and found.active and not (self.wizard.setup.sender_mode == "pro"
                                                             and self.wizard.setup.sender_name == found.sender))
        if found is not None:
            button.label = t("wiz.sender.use_requested", name=found.sender)

    def _refresh_list(self) -> None:
        s = self.wizard.state
        senders = s.status.senders if s.status else None
        listing = self.query_one("#senders", OptionList)
        listing.clear_options()
        listing.add_options([Option(sender_label(x), id=x.sender) for x in senders or []])
        self.query_one("#list-label", Static).update(t("wiz.sender.list") if senders else t("wiz.sender.no_list"))

    def _show_choice(self) -> None:
        """The Wizard's choice on the radio and in the field (after a request or a switch)."""
        u = self.wizard.setup
        self.query_one("#mode-pro" if u.sender_mode == "pro" else "#mode-eco", CueRadio).value = True
        self.query_one("#name", Input).value = u.sender_name
        self._sync()

    def action_add_name(self) -> None:
        self._add_name()

    @on(Button.Pressed, "#add-name")
    def _add_pressed(self) -> None:
        self._add_name()

    @on(Button.Pressed, "#use-requested")
    def _use_requested(self) -> None:
        self.wizard.senders.use_requested()
        self._show_choice()
        self._show_requested()
        self.query_one("#next", Button).focus()

    @work(exclusive=True, group="add-name")
    async def _add_name(self) -> None:
        from sms_tui.tui.screens.add_sender import AddSenderScreen  # noqa: PLC0415 — sms_tui.tui.screens.add_sender adds 4 ms to sms_tui.tui.screens.sender (python -X importtime)

        self.show_problem(t("wiz.add.loading"), ok=True)
        try:
            statement = await self.wizard.senders.sender_statement()
        except SmsapiError as exc:
            self.show_problem(f"✗ {(await self.wizard.diagnose(exc)).text}")
            return
        self.show_problem(None)
        typed = self.query_one("#name", Input).value.strip()
        name = await self.app.push_screen_wait(AddSenderScreen(statement.content, activated=bool(self.wizard.setup.checklist.get("activated")),
                                                               name=typed if typed and not self.wizard.senders.requested_status() else "",
                                                               platform=self.wizard.setup.platform))
        if not name:
            return
        self.show_problem(t("wiz.add.sending", name=name), ok=True)
        try:
            sender = await self.wizard.senders.request_sender(name)
        except SmsapiError as exc:
            self.show_problem(f"✗ {(await self.wizard.diagnose(exc)).text}")
            return
        self._refresh_list()
        self._show_choice()
        self._show_requested()
        if sender.active:
            self.show_problem("✓ " + t("wiz.add.active", name=sender.sender), ok=True)
        else:
            self.show_problem(t("wiz.add.requested", name=sender.sender), ok=True)
            self.wiz_app.watch_senders()

    @on(SendersChanged)
    def _senders_changed(self, event: SendersChanged) -> None:
        self._refresh_list()
        self._show_requested()
        if event.approved:
            self.show_problem("✓ " + t("wiz.sender.approved", name=event.approved), ok=True)

    @on(Button.Pressed, "#use-eco")
    def _use_eco(self) -> None:
        self.query_one("#mode-eco", CueRadio).value = True

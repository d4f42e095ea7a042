"""Step 5: the test SMS. The number is normalised as typed, the text counted (parts, GSM-7 or
UCS-2, cost); sending runs in a worker with Cancel, and Retry reuses the idx so a lost answer
can never turn into two messages. Saving needs a good test, or an explicit confirmed skip."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from sms_tui.i18n import t
from sms_tui.rules import check_phone, measure
from sms_tui.smsapi import SmsapiError
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.field import Field
from sms_tui.tui.widgets.local_keys import LocalButton


class TestSendScreen(StepScreen):
    STEP = 5

    def body(self) -> ComposeResult:
        s = self.wizard.state
        yield Static(t("wiz.test.intro"))
        with Horizontal(classes="row"):
            yield Static(t("wiz.test.to"), classes="label")
            yield Field(s.test_to, id="to", compact=True, max_length=32, placeholder=t("wiz.test.to_placeholder"))
        yield Static("", id="to-check", markup=False, classes="hint")
        with Horizontal(classes="row"):
            yield Static(t("wiz.test.message"), classes="label")
            yield Field(s.test_message, id="message", compact=True, max_length=1000, enter_moves_on=False)
        yield Static("", id="count", markup=False, classes="hint")
        yield Static(self._result_text(), id="result", markup=False)

    def extra_buttons(self) -> ComposeResult:
        yield LocalButton(t("wiz.test.send"), id="send", variant="success", compact=True)
        yield LocalButton(t("wiz.test.cancel"), id="cancel", compact=True, disabled=True)
        yield LocalButton(t("wiz.test.skip"), id="skip", compact=True)

    def on_mount(self) -> None:
        self._update_to(self.wizard.state.test_to)
        self._update_count(self.wizard.state.test_message)
        self.query_one("#to", Input).focus()

    def _result_text(self) -> str:
        s = self.wizard.state
        if s.test_result is not None:
            r = s.test_result
            balance = s.status.balance.points if s.status else None
            if r.already_accepted:
                return "✓ " + t("wiz.test.already")
            return "✓ " + t("wiz.test.sent", id=r.message_id, points=r.points, balance=balance if balance is not None else "?")
        if s.skipped_test:
            return "! " + t("wiz.test.skipped")
        return ""

    def _update_to(self, value: str) -> None:
        line = self.query_one("#to-check", Static)
        if not value.strip():
            line.update("")
            return
        check = check_phone(value)
        line.update(f"→ {check.number}" if check.ok else f"✗ {t(check.reason or 'phone.invalid')}")

    def _update_count(self, value: str) -> None:
        length = measure(value)
        cost = self.wizard.estimated_cost(length.parts)
        encoding = "GSM-7" if length.encoding == "gsm7" else t("wiz.test.ucs2", chars=length.non_gsm[:8])
        self.query_one("#count", Static).update(
            t("wiz.test.count", units=length.units, parts=length.parts, left=length.remaining, encoding=encoding, cost=f"{cost:.2f}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "to":
            self.wizard.state.test_to = event.value
            self._update_to(event.value)
        elif event.input.id == "message":
            self.wizard.state.test_message = event.value
            self._update_count(event.value)

    def handle_submit(self, input_id: str) -> None:
        """Enter in the text sends (Enter in the number moves on, see Field)."""
        if input_id == "message":
            self.query_one("#send", Button).press()

    def store(self) -> str | None:
        s = self.wizard.state
        s.test_to = self.query_one("#to", Input).value
        s.test_message = self.query_one("#message", Input).value
        return None

    def problem(self) -> str | None:
        if not self.wizard.test_passed:
            return t("wiz.test.needed")
        return None

    async def handle_button(self, button_id: str) -> bool:
        if button_id == "send":
            self.store()
            problems = self.wizard.test_problems()
            if problems:
                self.show_problem(f"{t('wiz.test.refused')} {' '.join(problems)}", refusal=True)
            else:
                self.send()
        elif button_id == "cancel":
            self.workers.cancel_group(self, "send")
            self.show_problem(t("wiz.test.cancelled"))
        elif button_id == "skip":
            self._confirm_skip()
        else:
            return False
        return True

    @work(exclusive=True, group="confirm")
    async def _confirm_skip(self) -> None:
        from sms_tui.tui.screens.confirm import ConfirmScreen

        if await self.app.push_screen_wait(ConfirmScreen(t("wiz.test.skip_question"))):
            self.wizard.skip_test()
            self.query_one("#result", Static).update(self._result_text())

    @work(exclusive=True, group="send")
    async def send(self) -> None:
        self.show_problem(None)
        self.query_one("#result", Static).update(t("wiz.test.sending"))
        try:
            await self.wizard.send_test()
        except SmsapiError as exc:
            finding = await self.wizard.diagnose(exc)
            self.query_one("#result", Static).update("")
            retry = f" {t('wiz.test.retry_safe')}" if exc.category.value in ("retry", "server") else ""
            self.show_problem(f"✗ {finding.text}{retry}")
            self.call_after_refresh(self._focus_send)  # Retry under the cursor, not the text selected for overwriting
            return
        self.query_one("#result", Static).update(self._result_text())
        self.query_one("#next", Button).focus()

    def _focus_send(self) -> None:
        button = self.query_one("#send", Button)
        if not button.disabled:
            button.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "send":
            return
        running = event.state in (WorkerState.PENDING, WorkerState.RUNNING)
        self.query_one("#send", Button).disabled = running
        self.query_one("#cancel", Button).disabled = not running
        if event.state is WorkerState.CANCELLED:
            self.query_one("#result", Static).update("")
        if not running and (self.focused is None or self.focused.id == "message"):
            self.call_after_refresh(self._focus_send)

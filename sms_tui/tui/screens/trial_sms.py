"""Step 5: the test SMS. The number is normalised as typed, the text counted (parts, GSM-7 or
UCS-2, cost); sending runs in a worker with Cancel, and Retry reuses the idx so a lost answer
can never turn into two messages. Saving needs a good test, or an explicit confirmed skip.

Once SMSAPI accepted the SMS the app follows it to the phone (an app worker: going on to the
summary does not stop it); this screen only shows what the Wizard has seen so far."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

from sms_tui.delivery import Outcome, short_when
from sms_tui.i18n import t
from sms_tui.rules import check_phone, measure
from sms_tui.smsapi import SmsapiError, TransportError
from sms_tui.smsapi_texts import delivery_progress, describe, explain_status, what_happened
from sms_tui.tui.events import DeliveryChanged
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.field import Field
from sms_tui.tui.widgets.local_keys import LocalButton


class TestSendScreen(StepScreen):
    STEP = "test"

    def body(self) -> ComposeResult:
        u = self.wizard.setup
        yield Static(t("wiz.test.intro"))
        with Horizontal(classes="row"):
            yield Static(t("wiz.test.to"), classes="label")
            yield Field(u.test_to, id="to", compact=True, max_length=32, placeholder=t("wiz.test.to_placeholder"))
        yield Static("", id="to-check", markup=False, classes="hint")
        with Horizontal(classes="row"):
            yield Static(t("wiz.test.message"), classes="label")
            yield Field(u.test_message, id="message", compact=True, max_length=1000, enter_moves_on=False)
        yield Static("", id="count", markup=False, classes="hint")
        yield Static(self._keep_text(), id="keep-offer", markup=False, classes="hint")
        yield Static(self._result_text(), id="result", markup=False)
        yield Static("", id="delivery", markup=False)

    def extra_buttons(self) -> ComposeResult:
        yield LocalButton(t("wiz.test.send"), id="send", variant="success", compact=True)
        yield LocalButton(t("wiz.test.cancel"), id="cancel", compact=True, disabled=True)
        yield LocalButton(t("wiz.test.skip"), id="skip", compact=True)
        yield LocalButton(t("wiz.test.keep"), id="keep", compact=True)

    def on_mount(self) -> None:
        self._sync_buttons()
        self._show_keep()
        self._show_delivery()
        self._update_to(self.wizard.setup.test_to)
        self._update_count(self.wizard.setup.test_message)
        self.query_one("#to", Input).focus()

    def _keep_text(self) -> str:
        """The offer to keep the saved test: only while it still fits what is on the screens."""
        s, kept = self.wizard.state, self.wizard.keepable()
        if kept is None or s.test_result is not None or s.kept == kept:
            return ""
        return t("wiz.test.keep_offer", to=kept.to, id=kept.message_id or "—", at=short_when(kept.at))

    def _show_keep(self) -> None:
        offer = self._keep_text()
        self.query_one("#keep-offer", Static).update(offer)
        self.query_one("#keep-offer", Static).display = bool(offer)
        self.query_one("#keep", Button).display = bool(offer)
        # The offer stands in for "Zapisz bez testu…" (keeping a real test beats recording none), and
        # six buttons would not fit 80 columns: "Dalej →" would fall off the screen.
        self.query_one("#skip", Button).display = not offer

    def _result_text(self) -> str:
        s = self.wizard.state
        if s.test_result is not None:
            r = s.test_result
            balance = s.status.balance.points if s.status else None
            if r.already_accepted:
                return "✓ " + t("wiz.test.already")
            return "✓ " + t("wiz.test.accepted", id=r.message_id, points=r.points, balance=balance if balance is not None else "?")
        if s.skipped_test:
            return "! " + t("wiz.test.skipped")
        if s.kept is not None and s.kept == self.wizard.keepable():
            return "✓ " + t("wiz.test.kept", to=s.kept.to, at=short_when(s.kept.at))
        return ""

    def _delivery_text(self) -> str:
        s = self.wizard.state
        d = s.delivery
        if d is None:
            return ""
        lines = [delivery_progress(d) if d.history else t("delivery.following")]
        if s.following and d.history and d.outcome is Outcome.WAITING:
            lines[0] += " …"
        if d.outcome is Outcome.DELIVERED:
            lines.append(t("wiz.test.delivered_note"))
        elif d.outcome is Outcome.NOT_DELIVERED and d.last is not None:
            lines.append(f"{explain_status(d.last)} {t('wiz.test.not_delivered_hint')}")
        elif s.following:
            lines.append(t("delivery.read_failed", reason=what_happened(d.last_failure)) if d.last_failure else t("wiz.test.may_go_on"))
        elif s.stopped_waiting:
            lines.append(t("wiz.test.stopped_waiting", id=d.message_id))
        elif d.last_failure is not None and not isinstance(d.last_failure, TransportError):
            lines.append(describe(d.last_failure))
        else:
            lines.append(t("wiz.test.unconfirmed"))
        return "\n".join(lines)

    def _show_delivery(self) -> None:
        line = self.query_one("#delivery", Static)
        line.update(self._delivery_text())
        d = self.wizard.state.delivery
        line.set_class(d is not None and d.outcome is Outcome.DELIVERED, "ok")
        line.set_class(d is not None and d.outcome is Outcome.NOT_DELIVERED, "warning")

    @on(DeliveryChanged)
    def _delivery_changed(self) -> None:
        self._show_delivery()
        self._sync_buttons()
        d = self.wizard.state.delivery
        if d is not None and d.outcome is Outcome.NOT_DELIVERED and not self.wizard.state.following and self.is_current:
            self.query_one("#to", Input).focus()  # the retry is to another number

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

    @on(Input.Changed, "#to")
    def _to_changed(self, event: Input.Changed) -> None:
        self.wizard.set_test_to(event.value)
        self._update_to(event.value)
        self._show_keep()  # another number is not the one verified
        self.query_one("#result", Static).update(self._result_text())

    @on(Input.Changed, "#message")
    def _message_changed(self, event: Input.Changed) -> None:
        self.wizard.set_test_message(event.value)
        self._update_count(event.value)

    @on(Input.Submitted, "#message")
    def _message_submitted(self, event: Input.Submitted) -> None:
        """Enter in the text sends (Enter in the number moves on, see Field)."""
        event.stop()
        event.prevent_default()
        self.query_one("#send", Button).press()

    def store(self) -> str | None:
        self.wizard.set_test_to(self.query_one("#to", Input).value)
        self.wizard.set_test_message(self.query_one("#message", Input).value)
        return None

    def problem(self) -> str | None:
        if self._sending():  # leaving now would drop the answer of a send that may already be charged
            return t("wiz.test.in_flight")
        return self.wizard.save_blocker()

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.store()
        problems = self.wizard.test_input_problems()
        if problems:
            self.show_problem(f"{t('wiz.test.refused')} {' '.join(problems)}", refusal=True)
        else:
            self.send()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        """Stops the send (the answer may still come: the retry keeps the idx) or the wait for the report."""
        if self._sending():
            self.workers.cancel_group(self, "send")
            self.show_problem(t("wiz.test.cancelled"))
        else:
            self.wiz_app.stop_following()

    @on(Button.Pressed, "#keep")
    def _keep_pressed(self) -> None:
        self.wizard.keep_verification()
        self.query_one("#result", Static).update(self._result_text())
        self._show_keep()
        self.show_problem(None)
        self.query_one("#next", Button).focus()

    @on(Button.Pressed, "#skip")
    def _skip_pressed(self) -> None:
        self._confirm_skip()

    @work(exclusive=True, group="confirm")
    async def _confirm_skip(self) -> None:
        from sms_tui.tui.screens.confirm import ConfirmScreen  # noqa: PLC0415 — sms_tui.tui.screens.confirm adds 1 ms to sms_tui.tui.screens.trial_sms (python -X importtime)

        if await self.app.push_screen_wait(ConfirmScreen(t("wiz.test.skip_question"))):
            self.wizard.skip_test()
            self.query_one("#result", Static).update(self._result_text())

    @work(exclusive=True, group="send")
    async def send(self) -> None:
        self.wiz_app.stop_following()  # a report of the previous test must not be shown for this one
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
        self._show_keep()
        self._show_delivery()
        self.query_one("#next", Button).focus()
        self.wiz_app.follow_delivery()

    def _focus_send(self) -> None:
        button = self.query_one("#send", Button)
        if not button.disabled:
            button.focus()

    def _sending(self) -> bool:
        return any(w.group == "send" and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers)

    def _sync_buttons(self) -> None:
        """Send while nothing is sent; Cancel stops a send or the wait for its delivery report."""
        sending = self._sending()
        self.query_one("#send", Button).disabled = sending
        self.query_one("#cancel", Button).disabled = not (sending or self.wizard.state.following)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "send":
            return
        running = event.state in (WorkerState.PENDING, WorkerState.RUNNING)
        self._sync_buttons()
        if event.state is WorkerState.CANCELLED:
            self.query_one("#result", Static).update("")
        if not running and (self.focused is None or self.focused.id == "message"):
            self.call_after_refresh(self._focus_send)

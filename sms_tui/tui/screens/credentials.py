"""Step 3: platform, username and the API password (MD5 from the panel, or the plain API
password hashed on the spot, or an OAuth token), checked live against SMSAPI in a worker."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, RadioSet, Static

from sms_tui import rules
from sms_tui.i18n import t
from sms_tui.settings.vocabulary import SECRET_KINDS
from sms_tui.smsapi import Platform, SmsapiError
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.choices import LocalRadioSet
from sms_tui.tui.widgets.cues import CueRadio
from sms_tui.tui.widgets.field import Field
from sms_tui.tui.widgets.local_keys import LocalButton
from sms_tui.tui.widgets.secret_input import SecretInput

KINDS = SECRET_KINDS


class CredentialsScreen(StepScreen):
    STEP = "credentials"
    ENTER_SUBMITS = True  # Enter in the secret checks it and goes on (newcomer 4: it landed on "← Wstecz")

    def body(self) -> ComposeResult:
        u = self.wizard.setup
        if self.wizard.load_problem:
            yield Static(self.wizard.load_problem, classes="warn")
        elif self.wizard.existing and self.wizard.existing.verified:
            v = self.wizard.existing.verified
            yield Static(t("wiz.cred.existing", at=v.at.strftime("%Y-%m-%d %H:%M UTC"), to=v.to), classes="hint")
        with Horizontal(classes="row"):
            yield Static(t("wiz.cred.platform"), classes="label")
            with LocalRadioSet(id="platform", compact=True):
                for p in Platform:
                    yield CueRadio(f"smsapi.{p.value}", u.platform is p, id=f"platform-{p.value}", compact=True)
        with Horizontal(classes="row"):
            yield Static(t("wiz.cred.kind"), classes="label")
            with LocalRadioSet(id="kind", compact=True):
                for kind in KINDS:
                    yield CueRadio(t(f"wiz.cred.kind.{kind}"), u.secret_kind == kind, id=f"kind-{kind}", compact=True)
        with Horizontal(classes="row", id="user-row"):
            yield Static(t("wiz.cred.username"), classes="label")
            yield Field(u.username, id="username", compact=True, max_length=64)
        with Horizontal(classes="row"):
            yield Static(t(f"wiz.cred.secret.{u.secret_kind}"), classes="label", id="secret-label")
            yield SecretInput(id="secret", compact=True, max_length=200,
                              placeholder=t("wiz.cred.kept") if self.wizard.has_secret() else "")
        yield Static(t(f"wiz.cred.where.{u.secret_kind}"), id="where", classes="hint")
        yield Static(self._status_text(), id="status", markup=False)
        if self.wizard.demo:
            yield Static(t("wiz.cred.demo"), classes="hint")

    def extra_buttons(self) -> ComposeResult:
        yield LocalButton(t("wiz.cred.check"), id="check", compact=True)

    def on_mount(self) -> None:
        self._sync_kind()
        target = "#username" if not self.wizard.setup.username and self.wizard.setup.secret_kind != "token" else "#secret"
        self.query_one(target, Input).focus()

    def _status_text(self) -> str:
        status = self.wizard.state.status
        if status is None:
            return ""
        b = status.balance
        text = t("wiz.cred.ok", points=b.points if b.points is not None else "?")
        if b.pro_count is not None:
            text += " " + t("wiz.cred.buys", pro=b.pro_count, eco=b.eco_count)
        low = self.wizard.setup.low_balance
        if rules.below_threshold(b.points, low):
            text += "\n" + t("check.low_balance", points=b.points, threshold=rules.threshold_text(low))
        return f"✓ {text}"

    def _sync_kind(self) -> None:
        kind = self.wizard.setup.secret_kind
        self.query_one("#user-row").display = kind != "token"
        self.query_one("#secret-label", Static).update(t(f"wiz.cred.secret.{kind}"))
        self.query_one("#where", Static).update(t(f"wiz.cred.where.{kind}"))

    @on(RadioSet.Changed, "#platform")
    def _platform_changed(self, event: RadioSet.Changed) -> None:
        self.wizard.set_platform(Platform((event.pressed.id or "").removeprefix("platform-")))
        self.query_one("#status", Static).update("")

    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        kind = (event.pressed.id or "").removeprefix("kind-")
        self.wizard.set_secret_kind(next((k for k in KINDS if k == kind), "md5"))
        self.query_one("#secret", Input).value = ""
        self.query_one("#secret", Input).placeholder = t("wiz.cred.kept") if self.wizard.has_secret() else ""
        self._sync_kind()
        self.query_one("#status", Static).update("")

    @on(Input.Changed, "#username")
    def _username_changed(self, event: Input.Changed) -> None:
        if self.wizard.state.status is not None and event.value.strip() != self.wizard.setup.username:
            self.wizard.forget_status()
            self.query_one("#status", Static).update("")

    @on(Input.Changed, "#secret")
    def _secret_changed(self, event: Input.Changed) -> None:
        if self.wizard.state.status is not None and event.value:
            self.wizard.forget_status()
            self.query_one("#status", Static).update("")

    def store(self) -> str | None:
        u = self.wizard.setup
        self.wizard.set_username(self.query_one("#username", Input).value)
        raw = self.query_one("#secret", Input).value
        if raw:
            return self.wizard.set_secret(u.secret_kind, raw)
        return None

    def problem(self) -> str | None:
        u = self.wizard.setup
        if u.secret_kind != "token" and not u.username:
            return t("answers.no_username")
        if not self.wizard.has_secret():
            return t({"md5": "md5.empty", "plain": "wiz.cred.plain_missing", "token": "wiz.cred.token_missing"}[u.secret_kind])
        return None

    async def before_next(self) -> bool:
        if self.wizard.state.status is not None:
            return True
        self.start_check(then_next=True)
        return False

    @on(Button.Pressed, "#check")
    def _check_pressed(self) -> None:
        if self._checking:
            self.cancel_check()
            return
        problem = self.store() or self.problem()
        if problem:
            self.show_refusal(problem)
        else:
            self.start_check(then_next=False)

    _checking = False
    _holding_keys = False

    def action_back(self) -> None:
        """Esc during the live check stops the check (a stalled SMSAPI can take half a minute);
        otherwise it goes back a step."""
        if self._checking:
            self.cancel_check()
        else:
            super().action_back()

    def start_check(self, *, then_next: bool) -> None:
        """With `then_next`, keys typed from now on wait for the check: they belong to step 4 if
        it passes and to this step if it does not (field test #23). Set here, not in the worker,
        which starts only after the keys already queued behind Ctrl+N."""
        self._checking_state(True, hold_keys=then_next)
        self.verify(then_next)

    def cancel_check(self) -> None:
        self.workers.cancel_group(self, "verify")
        self._checking_state(False)
        self.query_one("#status", Static).update(t("wiz.cred.check_stopped"))

    def _checking_state(self, checking: bool, *, hold_keys: bool = False) -> None:
        self._checking = checking
        self.query_one("#check", Button).label = t("wiz.cred.stop" if checking else "wiz.cred.check")
        self._hold_keys(checking and hold_keys)

    def _hold_keys(self, hold: bool) -> None:
        if hold != self._holding_keys:
            self._holding_keys = hold
            (self.wiz_app.typeahead.begin_wait if hold else self.wiz_app.typeahead.end_wait)()

    def on_unmount(self) -> None:
        self._hold_keys(False)  # never leave the app's input waiting for a check that is gone

    @work(exclusive=True, group="verify")
    async def verify(self, then_next: bool) -> None:
        try:
            await self._verify(then_next)
        finally:
            self._checking_state(False)

    async def _verify(self, then_next: bool) -> None:
        status_line = self.query_one("#status", Static)
        status_line.update(t("wiz.cred.checking"))
        self.show_problem(None)
        try:
            await self.wizard.verify()
        except SmsapiError as exc:
            status_line.update(t("wiz.cred.diagnosing"))
            finding = await self.wizard.diagnose(exc)
            status_line.update("")
            self.show_problem(f"✗ {finding.text}")
            if finding.check == "platform":
                self.query_one(f"#platform-{self.wizard.setup.platform.value}", CueRadio).value = True
                self.show_problem(f"✗ {finding.text} {t('wiz.cred.switched')}")
            return
        scopes = await self.wizard.token_scope_problem()
        status_line.update(self._status_text())
        if scopes:
            self.show_problem(f"✗ {scopes}")
            return
        self.query_one("#secret", Input).value = ""
        self.query_one("#secret", Input).placeholder = t("wiz.cred.kept")
        if then_next:
            self.wiz_app.go("sender")

"""Step 6: everything reviewed (secrets masked) and saved atomically with 0600; then the
reminder to restart the shop software, or --restart-command after confirmation."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, RadioSet, Static

from sms_tui import rules, systemd
from sms_tui.delivery import Outcome, short_time, short_when
from sms_tui.i18n import t
from sms_tui.rules.text import mask
from sms_tui.settings.model import Watch
from sms_tui.settings.store import ConfigError
from sms_tui.tui.events import DeliveryChanged, SendersChanged
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.choices import LocalRadioSet
from sms_tui.tui.widgets.cues import CueRadio
from sms_tui.tui.widgets.field import Field
from sms_tui.tui.widgets.local_keys import LocalButton
from sms_tui.tui.widgets.path_text import PathText

WATCH_CHOICES: tuple[Watch, ...] = ("off", "hourly", "daily")


class SummaryScreen(StepScreen):
    STEP = "summary"

    def body(self) -> ComposeResult:
        yield Static(self._review(), id="review", markup=False)
        with Horizontal(classes="row"):
            yield Static(t("wiz.save.low_balance"), classes="label-wide")
            yield Field(f"{self.wizard.setup.low_balance:g}", id="low-balance", compact=True, max_length=8, restrict=r"[0-9.,]*")
        with Horizontal(classes="row tight"):
            yield Static(t("wiz.watch.notify_to"), classes="label-wide")
            yield Field(self.wizard.setup.notify_to, id="notify-to", compact=True, max_length=20, restrict=r"[0-9 +()\-]*")
        with Horizontal(classes="row tight"):
            yield Static(t("wiz.watch.every"), classes="label-watch")
            with LocalRadioSet(id="watch", compact=True):
                for value in WATCH_CHOICES:
                    yield CueRadio(t(f"wiz.watch.{value}"), self.wizard.setup.watch == value, id=f"watch-{value}", compact=True)
        with Horizontal(classes="row tight"):
            yield Static(t("wiz.save.files_group"), classes="label-wide")
            yield Field(self.wizard.setup.files_group or "", id="files-group", compact=True, max_length=32, restrict=r"[a-z0-9_$-]*")
        yield PathText(t("wiz.save.path", path=self.wizard.config_path), id="path", classes="hint")
        yield Static(self._after_save(), id="saved", markup=False)
        yield Static(self._outbox(), id="outbox", markup=False, classes="hint")

    def _review(self) -> str:
        u = self.wizard.setup
        secret = u.token if u.secret_kind == "token" else u.password_md5
        rows = [
            (t("wiz.save.platform"), f"smsapi.{u.platform.value}"),
            (t("wiz.save.auth"), t(f"wiz.cred.kind.{u.secret_kind}")),
            (t("wiz.cred.username"), u.username or "—"),
            (t("wiz.save.secret"), mask(secret.get_secret_value()) if secret else "—"),
            (t("wiz.save.sender"), "ECO" if u.sender_mode == "eco" else f"PRO: {u.sender_name}"),
            (t("wiz.save.test"), self._test_line()),
        ]
        rows += self._requested_rows() + self._balance_rows() + self._warning_rows()
        width = max(len(label) for label, _ in rows) + 1
        return "\n".join(f"{label:<{width}} {value}" for label, value in rows)

    def _requested_rows(self) -> list[tuple[str, str]]:
        u = self.wizard.setup
        if not u.requested_sender or (u.sender_mode == "pro" and u.sender_name == u.requested_sender):
            return []
        found = self.wizard.senders.requested_status()
        key = "wiz.save.requested_active" if found is not None and found.active else "wiz.save.requested_waiting"
        return [(t("wiz.save.requested"), t(key, name=u.requested_sender))]

    def _balance_rows(self) -> list[tuple[str, str]]:
        status, threshold = self.wizard.state.status, self.wizard.setup.low_balance
        if status is None or status.balance.points is None:
            return []
        points = status.balance.points
        rows = [(t("wiz.save.balance"), t("wiz.save.points", points=points))]
        if rules.below_threshold(points, threshold):
            rows.append(("!", t("check.low_balance", points=points, threshold=rules.threshold_text(threshold))))
        return rows

    def _warning_rows(self) -> list[tuple[str, str]]:
        checklist = self.wizard.setup.checklist
        unticked = [k for k, v in checklist.items() if not v]
        rows = [("!", t("wiz.save.unticked", n=len(unticked), total=len(checklist)))] if unticked else []
        if "activated" in unticked:
            rows.append(("!", t("wiz.save.not_activated")))
        if self.wizard.config_note:
            rows.append(("!", self.wizard.config_note))
        return rows

    def _test_line(self) -> str:
        s = self.wizard.state
        if s.test_result is not None:
            to, message_id, d = s.tested_to, s.test_result.message_id or "—", s.delivery
            if d is None or not d.history:
                return t("wiz.save.test_ok", to=to, id=message_id) + (" …" if s.following else "")
            if d.outcome is Outcome.DELIVERED:
                return t("wiz.save.test_delivered", to=to, id=message_id, time=short_time(d.delivered_at) if d.delivered_at else "—")
            if d.outcome is Outcome.NOT_DELIVERED:
                return t("wiz.save.test_not_delivered", to=to, id=message_id, status=d.last.status if d.last else "—")
            return t("wiz.save.test_unconfirmed", to=to, id=message_id) + (" …" if s.following else "")
        if s.skipped_test:
            return t("wiz.save.test_skipped")
        if s.kept is not None and self.wizard.test_passed:
            return t("wiz.save.test_kept", to=s.kept.to, id=s.kept.message_id or "—", at=short_when(s.kept.at))
        return t("wiz.save.test_none")

    @on(DeliveryChanged)
    @on(SendersChanged)
    def _delivery_changed(self) -> None:
        self.query_one("#review", Static).update(self._review())

    @on(RadioSet.Changed, "#watch")
    def _watch_changed(self, event: RadioSet.Changed) -> None:
        self.wizard.watch.set_watch(WATCH_CHOICES[event.index])
        self.clear_refusal()

    def _after_save(self) -> str:
        saved = self.wizard.state.saved_to
        if saved is None:
            return ""
        text = "✓ " + t("wiz.save.saved_above") + "\n" + t("apply.restart")  # the path is the line above
        if self.wizard.state.watch_done:
            text += "\n" + self.wizard.state.watch_done
        if self.wizard.demo and not self.wizard.keep_drafts:
            text += "\n" + t("wiz.save.demo_folder")
        return text

    def _outbox(self) -> str:
        """In --demo the test SMS is shown arriving in the sandbox's outbox."""
        sandbox = self.wiz_app.sandbox
        if sandbox is None:
            return ""
        lines = [t("wiz.save.outbox")]
        for item in sandbox.outbox[-3:]:
            text = item.message if len(item.message) <= 40 else item.message[:39] + "…"
            lines.append(f"  → {item.to} [{item.sender}] {text}")
        return "\n".join(lines) if len(lines) > 1 else ""

    def extra_buttons(self) -> ComposeResult:
        if self.wizard.restart_command:
            yield LocalButton(t("wiz.save.restart"), id="restart", compact=True, disabled=self.wizard.state.saved_to is None)

    def next_label(self) -> str:
        return t("wiz.save.finish") if self.wizard.state.saved_to else t("wiz.save.save")

    def store(self) -> str | None:
        return (self.wizard.set_low_balance(self.query_one("#low-balance", Field).value)
                or self.wizard.watch.set_notify_to(self.query_one("#notify-to", Field).value)
                or self.wizard.set_files_group(self.query_one("#files-group", Field).value))

    def problem(self) -> str | None:
        return self.wizard.save_blocker() or self.wizard.watch.watch_problem()

    async def action_next(self) -> None:
        if self.wizard.state.saved_to is not None:
            self.app.exit(0)
            return
        problem = self.store() or self.problem()
        if problem:
            self.show_refusal(problem)
            return
        try:
            self.wizard.save()
        except ConfigError as exc:
            self.show_problem(f"✗ {exc.describe()}")
            return
        self._show_saved()
        self.show_problem(None)
        if self.wizard.restart_command:
            self.query_one("#restart", Button).disabled = False
        if (plan := self.wizard.watch.watch_plan()) is not None:
            self.confirm_watch(plan)

    def _show_saved(self) -> None:
        self.query_one("#saved", Static).update(self._after_save())
        self.query_one("#review", Static).update(self._review())
        self.query_one("#next", Button).label = t("wiz.save.finish")
        # A declined or failed install leaves the watch "off" in the saved file: the choice says so too.
        shown = self.query_one(f"#watch-{self.wizard.setup.watch or 'off'}", CueRadio)
        if not shown.value:
            shown.value = True
        # At 80×24 it is below the fold; scrolled to once the longer text is laid out.
        self.call_after_refresh(self._scroll_to_saved)

    def _scroll_to_saved(self) -> None:
        if self.wizard.state.saved_to is not None:
            self.query_one("#saved", Static).scroll_visible(animate=False)

    def on_mount(self) -> None:
        # The watch's sentence is added while its question covers this screen, and is laid out
        # only later: scrolling follows the body's growth instead of guessing when that happens.
        self.watch(self.query_one("#body"), "virtual_size", self._body_grew, init=False)

    def _body_grew(self) -> None:
        self.call_after_refresh(self._scroll_to_saved)

    @work(exclusive=True, group="watch")
    async def confirm_watch(self, plan: systemd.Outcome) -> None:
        """The timer only after the technician saw exactly what it writes (in --demo nothing is
        written, so nothing is asked)."""
        from sms_tui.tui.screens.confirm import ConfirmScreen  # noqa: PLC0415 — sms_tui.tui.screens.confirm adds 1 ms to sms_tui.tui.screens.summary (python -X importtime)

        if self.wizard.demo or await self.app.push_screen_wait(ConfirmScreen(self.wizard.watch.watch_question(plan))):
            await self.wizard.watch.apply_watch(plan)
        else:
            self.wizard.watch.watch_declined()
        self._show_saved()

    @on(Button.Pressed, "#restart")
    def _restart_pressed(self) -> None:
        self.restart()

    @work(exclusive=True, group="restart")
    async def restart(self) -> None:
        from sms_tui.tui.screens.confirm import ConfirmScreen  # noqa: PLC0415 — sms_tui.tui.screens.confirm adds 1 ms to sms_tui.tui.screens.summary (python -X importtime)

        question = t("wiz.save.restart_question", cmd=self.wizard.restart_command)
        if not await self.app.push_screen_wait(ConfirmScreen(question)):
            return
        self.show_problem(t("wiz.save.restarting"), ok=True)
        code, output = await self.wizard.run_restart()
        key = "wiz.save.restart_ok" if code == 0 else "wiz.save.restart_failed"
        self.show_problem(t(key, code=code) + (f"\n{output}" if output else ""), ok=code == 0)

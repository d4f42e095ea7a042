"""The wizard app: routes between the six step screens; all state is in `Wizard`."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
import time
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import App
from textual.binding import Binding, BindingType

from sms_tui import constants, logs
from sms_tui.i18n import t
from sms_tui.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from sms_tui.tui.typeahead import Settled, TypeAhead
from sms_tui.wizard import Wizard
from sms_tui.wizard.draft import Draft
from sms_tui.wizard.steps import StepName

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.timer import Timer

    from sms_tui.sandbox import Sandbox
    from sms_tui.tui.screens.base import StepScreen

log = logging.getLogger("sms_tui.tui")
# Until the log file is opened (after the first paint), Python's last-resort handler would print
# warnings over the screen.
logging.getLogger("sms_tui").addHandler(logging.NullHandler())
# Each step's screen, imported when first shown: the first paint pays only for the screen it draws.
STEP_SCREENS: dict[StepName, str] = {"welcome": "welcome:WelcomeScreen", "checklist": "checklist:ChecklistScreen",
                                     "credentials": "credentials:CredentialsScreen", "sender": "sender:SenderScreen",
                                     "test": "trial_sms:TestSendScreen", "summary": "summary:SummaryScreen"}


def step_screen(step: StepName) -> type[StepScreen]:
    module, _, name = STEP_SCREENS[step].partition(":")
    screen: type[StepScreen] = getattr(importlib.import_module(f"sms_tui.tui.screens.{module}"), name)
    return screen


class WizardApp(App[int]):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "sms-tui"
    # Tab as a priority binding moves focus before the next key is routed: over a slow link keys
    # arrive in bursts, and a focus change queued behind them sends "demo<Tab>pass" into one field.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", show=False, priority=True),
        Binding("ctrl+l", "repaint", show=False, priority=True),
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        Binding("enter", "enter_in_field", show=False, priority=True),
    ]

    def __init__(self, wizard: Wizard, *, sandbox: Sandbox | None = None, ascii_only: bool = False,
                 log_debug: bool = False) -> None:
        super().__init__()
        self.wizard = wizard
        self.sandbox = sandbox
        self.ascii_only = ascii_only
        self.log_debug = log_debug
        self._last_size: Size | None = None
        self._senders_timer: Timer | None = None
        self._started = False
        self.typeahead = TypeAhead(self)

    def get_driver_class(self) -> type[Driver]:
        """Only changed cells go over the link and the Linux console gets ASCII stand-ins (cell_diff.py);
        SMS_TUI_FULL_REPAINT=1 sends every frame whole, as Textual draws it."""
        driver = super().get_driver_class()
        if driver.__name__ == "LinuxDriver":
            from sms_tui.tui.driver import DiffDriver

            return DiffDriver
        return driver

    def action_enter_in_field(self) -> None:
        """Enter in a field moves on at once, like Tab; anywhere else it is the widget's own Enter."""
        from sms_tui.tui.widgets.field import Field  # loaded with the first field, not for the first paint

        focused = self.focused
        if isinstance(focused, Field) and focused.enter_moves_on:
            chain = self.screen.focus_chain
            following = chain[chain.index(focused) + 1:chain.index(focused) + 2] if focused in chain else []
            if getattr(self.screen, "ENTER_SUBMITS", False) and not any(isinstance(w, Field) for w in following):
                # The step's last field: Enter is the form's "Dalej" (with its check), never the "← Wstecz" after it.
                self.call_later(self.screen.run_action, "next")
                return
            self.action_focus_next()
            return
        raise SkipAction()

    def action_repaint(self) -> None:
        """Ctrl+L, as in every full-screen program: redraw after line noise or a stray message."""
        from sms_tui.tui.driver import DiffDriver

        if isinstance(self._driver, DiffDriver):
            self._driver.repaint_all()
        self.screen.refresh(layout=True, repaint=True)

    # -- input goes out one key (or paste) at a time, so a burst ends on the screen it was typed for --

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self.typeahead.admits(event):
                await self._let_out(event)
            else:
                self.typeahead.hold(event)
            return
        await super().on_event(event)

    async def _let_out(self, event: events.Key | events.Paste) -> None:
        await super().on_event(event)
        self.typeahead.mark(self.focused or self.screen)

    @on(Settled)
    async def _settled(self, message: Settled) -> None:
        self.typeahead.settled(message.ticket)
        while (event := self.typeahead.next_held()) is not None:
            await self._let_out(event)

    def _screen_changed(self, screen: Screen[object]) -> None:
        self.typeahead.mark(screen)  # input waits for the new screen's mount, focus and resume

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        theme = constants.theme()  # checked before the app started (launch.theme_problem)
        if theme and theme != self.theme:  # a theme change restyles and repaints everything
            self.theme = theme
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hang_up)
        saved, dropped = self.wizard.offer_draft()
        self.go(self.wizard.state.step)
        if dropped:
            self.call_after_refresh(lambda: self.screen.show_problem(t("wiz.draft.dropped")))  # type: ignore[attr-defined]
        if saved is not None:
            self._offer_resume(saved)
        self._check_size(self.size.width, self.size.height)
        self.call_after_refresh(self._start_log)

    def _start_log(self) -> None:
        if logs.log_path() is None:
            logs.setup(self.log_debug)
        from sms_tui.tui.driver import DiffDriver

        if isinstance(self._driver, DiffDriver):
            self._driver.check_textual_version()

    def _hang_up(self) -> None:
        """Textual installs no SIGHUP handler: without this a dropped SSH link loses the draft."""
        log.warning("SIGHUP: terminal gone; draft saved at step %s", self.wizard.state.step)
        self._store_current_step()  # what was typed on this step, even under Help or a dialog
        self.wizard.save_draft()
        self.exit(129)

    @work(exclusive=True, group="resume")
    async def _offer_resume(self, saved: Draft) -> None:
        from sms_tui.tui.screens.confirm import ConfirmScreen

        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(saved.saved_at))
        question = t("wiz.draft.question", step=saved.step, when=when)
        # Resume is the default, for Enter and Esc alike: only choosing "start over" drops the draft.
        if await self.push_screen_wait(ConfirmScreen(question, yes=t("wiz.draft.resume", step=saved.step), no=t("wiz.draft.fresh"),
                                                     default=True, escape=True)):
            self.go(self.wizard.resume(saved))
        else:
            self.wizard.discard_draft()

    def go(self, step: StepName) -> None:
        """Show `step`, rebuilt from the wizard state; the draft is saved on every move."""
        self.wizard.move_to(step)
        if self._started:
            self.wizard.save_draft()
        screen = step_screen(step)(self.wizard)
        if self.wizard.waiting_for_sender():  # a name asked for earlier: say when SMSAPI approves it
            self.watch_senders()
        if self._started:
            self.switch_screen(screen)
        else:
            self._started = True
            self.push_screen(screen)

    def on_resize(self, event: events.Resize) -> None:
        # Terminals move their content when a window shrinks (xterm keeps the bottom lines): the
        # diffing writer's model of the screen is no longer true, so everything is sent again.
        if self._last_size is not None and event.size != self._last_size:
            self.action_repaint()
        self._last_size = event.size
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        on_top = isinstance(self.screen, TooSmallScreen)
        if small and not on_top:
            self.push_screen(TooSmallScreen())
        elif not small and on_top:
            self.pop_screen()

    def _store_current_step(self) -> None:
        """What is typed on the step counts, not only what the last Next stored; the step may be
        under Help, a dialog or the too-small screen."""
        for screen in reversed(self.screen_stack):
            store = getattr(screen, "store", None)
            if store is not None:
                with contextlib.suppress(Exception):
                    store()
                return

    def action_help_quit(self) -> None:
        """Textual binds Ctrl+C here (it copies in a field): the technician's reflex to quit gets
        the way out in Polish, instead of nothing (field test #35)."""
        self.notify(t("wiz.ctrl_c"), title=t("wiz.ctrl_c_title"), timeout=6)

    def action_request_quit(self) -> None:
        self._store_current_step()
        if self.wizard.unsaved():
            self._confirm_quit()
        else:
            self.exit(0)

    @work(exclusive=True, group="quit")
    async def _confirm_quit(self) -> None:
        from sms_tui.tui.screens.confirm import ConfirmScreen

        if await self.push_screen_wait(ConfirmScreen(t("wiz.quit_question"), yes=t("wiz.quit_yes"), no=t("wiz.quit_no"))):
            self.wizard.discard_draft()
            self.exit(0)

    def _fatal_error(self) -> None:
        """An unexpected exception: log it (secrets redacted), keep the draft, and show a short
        message with the log path — never Textual's traceback with local variables."""
        error = self._exception
        if logs.log_path() is None:
            logs.setup(self.log_debug)
        log.error("unexpected error in the wizard", exc_info=(type(error), error, error.__traceback__) if error else None)
        with contextlib.suppress(Exception):
            self.wizard.save_draft()
        self.bell()
        self._exit_renderables.append(t("cli.crash", path=logs.log_path() or "-"))
        self._close_messages_no_wait()

    # -- the test SMS followed to the phone: an app worker, so leaving step 5 does not stop it ------

    def follow_delivery(self) -> None:
        self._follow_delivery()

    def stop_following(self) -> None:
        self.workers.cancel_group(self, "delivery")

    @work(exclusive=True, group="delivery")
    async def _follow_delivery(self) -> None:
        try:
            await self.wizard.follow_test(self._delivery_changed)
        finally:
            self._delivery_changed()

    def _delivery_changed(self) -> None:
        from sms_tui.tui.events import DeliveryChanged

        for screen in self.screen_stack:  # the step may be under Help or a dialog
            screen.post_message(DeliveryChanged())

    # -- a requested sender name, asked about again while the wizard is open -------------------

    def watch_senders(self) -> None:
        if self._senders_timer is None:
            self._senders_timer = self.set_interval(self.wizard.senders.refresh, self._refresh_senders)

    def _refresh_senders(self) -> None:
        found = self.wizard.senders.requested_status()
        if found is not None and found.active and self._senders_timer is not None:
            self._senders_timer.stop()  # approved and said: nothing more to wait for
            self._senders_timer = None
            return
        self._read_senders()

    @work(exclusive=True, group="senders")
    async def _read_senders(self) -> None:
        from sms_tui.smsapi.errors import SmsapiError
        from sms_tui.tui.events import SendersChanged

        try:
            approved = await self.wizard.senders.refresh_senders()
        except SmsapiError as exc:  # the next tick asks again; the step keeps what it showed
            log.info("sender list not refreshed: %s", exc)
            return
        for screen in self.screen_stack:
            screen.post_message(SendersChanged(approved.sender if approved else None))
        if approved is not None and getattr(self.screen, "STEP", None) != "sender":
            # Step 4 says it in its own line (a toast there covered its buttons at 80×24).
            self.notify(t("wiz.sender.approved", name=approved.sender), timeout=30)

    async def on_unmount(self) -> None:
        await self.wizard.aclose()

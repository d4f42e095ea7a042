"""Step 6's watch, a part the Wizard holds (`wizard.watch`, like `wizard.senders`): the owner's
number, how often to check, and the timer installed only after the technician confirmed what it
writes.

In `--demo` nothing is installed: the settings are a throw-away folder, a timer for them would
fail every hour on a real server."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sms_tui import checks, rules, systemd
from sms_tui.base.errors import reason
from sms_tui.i18n import language, program, t
from sms_tui.settings.store import ConfigError
from sms_tui.watch import schedule

if TYPE_CHECKING:
    from sms_tui.settings.model import Alerts, Watch
    from sms_tui.settings.setup_model import Setup
    from sms_tui.wizard.state import WizardState


class Host(Protocol):
    """What this part needs of the Wizard."""

    state: WizardState
    config_path: Path
    demo: bool

    @property
    def setup(self) -> Setup: ...

    def save(self) -> Path: ...


class WatchSetup:
    def __init__(self, wizard: Host) -> None:
        self._wizard = wizard
        self.before: Watch = "off"  # what the settings on disk say is installed (before this run's save)

    def set_notify_to(self, raw: str) -> str | None:
        """Checked like the test number; empty means no SMS notices."""
        raw = rules.clean_field(raw).strip()
        if raw:
            problems = checks.phone_problems(raw)
            if problems:
                return t("wiz.watch.bad_number", reason=" ".join(problems))
        self._wizard.setup.notify_to = raw
        return None

    def set_watch(self, value: Watch) -> None:
        self._wizard.setup.watch = value

    def alerts(self) -> Alerts:
        """What the summary step decides, with what it does not show (a notice command set by
        `apply` or by hand, kept from the loaded settings); the notices in the wizard's language."""
        return self._wizard.setup.model_copy(update={"language": "en" if language() == "en" else "pl"}).alert_settings()

    def watch_problem(self) -> str | None:
        u = self._wizard.setup
        if u.watch != "off" and not u.notify_to and not u.notify_command:
            return t("wiz.watch.nobody")
        return None

    def watch_plan(self) -> systemd.Outcome | None:
        """What saving would install or remove (nothing is written here), or None: nothing to do."""
        u = self._wizard.setup
        try:
            if u.watch == "off":
                outcome = schedule.uninstall(self._wizard.config_path, dry_run=True)
            else:
                every: schedule.Every = "daily" if u.watch == "daily" else "hourly"
                outcome = schedule.install(self._wizard.config_path, every, schedule.detect(), dry_run=True)
        except (systemd.UnitError, OSError):
            return None if u.watch == "off" else systemd.Outcome(schedule.detect(), changed=True)
        return outcome if outcome.changed else None

    def watch_question(self, plan: systemd.Outcome) -> str:
        u = self._wizard.setup
        if u.watch == "off":
            return t("wiz.watch.ask_remove", what="\n".join(plan.removed))
        written = "\n".join(plan.written.values() if plan.kind == "cron" else plan.written) or plan.kind
        return t(f"wiz.watch.ask_install.{plan.kind}", every=t(f"schedule.every.{u.watch}"), what=written)

    async def apply_watch(self, plan: systemd.Outcome) -> None:
        """Install or remove after the technician said yes; `watch_done` gets the summary's
        sentence. On a failure the saved `[alerts] watch` goes back to what is really installed."""
        s, u = self._wizard.state, self._wizard.setup
        if self._wizard.demo:
            self.watch_declined()
            s.watch_done = t("wiz.watch.demo", command=f"{program()} watch --install --every {u.watch}")
            return
        every: schedule.Every = "daily" if u.watch == "daily" else "hourly"
        try:
            if u.watch == "off":
                outcome = await asyncio.to_thread(schedule.uninstall, self._wizard.config_path)
            else:
                outcome = await asyncio.to_thread(schedule.install, self._wizard.config_path, every, plan.kind)
        except (systemd.UnitError, OSError) as exc:
            self.watch_declined()
            s.watch_done = "✗ " + t("schedule.failed", reason=reason(exc)) + " " + t("schedule.try_cron")
            return
        self.before = u.watch or "off"
        if u.watch == "off":
            s.watch_done = "✓ " + t("schedule.uninstalled", kind=outcome.kind)
            return
        text = t(f"schedule.installed.{outcome.kind}", every=t(f"schedule.every.{u.watch}"), name=schedule.unit_name(self._wizard.config_path))
        if outcome.warnings:
            text += "\n" + " ".join(t(key, user=getpass.getuser()) for key in outcome.warnings)
        s.watch_done = "✓ " + text

    def watch_declined(self) -> None:
        """The saved record must say what is installed, not what was wished for."""
        self._wizard.setup.watch = self.before
        self._wizard.state.watch_done = t("wiz.watch.declined") if self._wizard.setup.watch == "off" else None
        if self._wizard.state.saved_to is not None:
            try:
                self._wizard.save()
            except ConfigError:
                pass  # the save itself said why moments ago; the timer's absence is what matters

"""Step 2: the panel steps from the vendor's manual as a checklist. Unticked items are allowed
and remembered; the sender step warns when full activation is missing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Checkbox, Static

from sms_tui.i18n import t
from sms_tui.settings.vocabulary import CHECKLIST
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.cues import CueCheckbox


class ChecklistScreen(StepScreen):
    STEP = "checklist"

    def body(self) -> ComposeResult:
        yield Static(t("wiz.checklist.intro"))
        for key in CHECKLIST:
            yield CueCheckbox(t(f"wiz.check.{key}"), self.wizard.setup.checklist.get(key, False), id=f"chk-{key}", compact=True)
            yield Static(t(f"wiz.check.{key}.why"), classes="why")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.wizard.set_checked((event.checkbox.id or "").removeprefix("chk-"), event.value)

    def store(self) -> str | None:
        for key in CHECKLIST:
            self.wizard.set_checked(key, self.query_one(f"#chk-{key}", Checkbox).value)
        return None

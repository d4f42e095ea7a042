"""F1: what this step is for and where things are in the SMSAPI panel."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from sms_tui.diagnose import panel_link
from sms_tui.i18n import t
from sms_tui.smsapi.auth import Platform

# The panel pages each step sends the technician to (text the terminal can link or copy).
LINKS = {"welcome": ("registration",), "credentials": ("md5", "tokens"), "sender": ("sendernames",)}


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss_help", show=False, priority=True)]

    def __init__(self, step: str, platform: Platform = Platform.PL) -> None:
        super().__init__()
        self.step, self.platform = step, platform

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(f"[b]{t('wiz.help.title')}: {t(f'wiz.step.{self.step}')}[/]")
            yield Static(t(f"wiz.help.{self.step}"))
            links = LINKS.get(self.step, ())
            if links:
                yield Static("\n".join(panel_link(page, self.platform) for page in links), markup=False)
            yield Static(f"[dim]{t('wiz.help.close')}[/]")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)

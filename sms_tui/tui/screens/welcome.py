"""Step 1: what will be set up, and the registration link with the referral code AC6K —
as text, an OSC 8 link, a QR code for a phone, and a key that copies it (OSC 52). No browser
is ever started on the server."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from sms_tui.constants import REFERRAL_CODE, REGISTRATION_URL
from sms_tui.i18n import t
from sms_tui.tui.screens.base import StepScreen
from sms_tui.tui.widgets.local_keys import LocalButton
from sms_tui.tui.widgets.qr import QrCode


class WelcomeScreen(StepScreen):
    STEP = "welcome"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_link", show=False),
        Binding("m", "have_account", show=False),
    ]

    def body(self) -> ComposeResult:
        with Horizontal(id="welcome"):
            # One widget for the text: each widget more is CSS matching, layout and a render pass
            # on the first paint, and the paragraphs need nothing of their own.
            paragraphs = [
                Content.from_markup(t("wiz.welcome.intro")),
                Content.from_markup(t("wiz.welcome.need")),
                Content.from_markup(t("wiz.welcome.link_label")),
                Content.from_markup(f"[link=\"{REGISTRATION_URL}\"]{REGISTRATION_URL}[/link]"),
                Content.styled(t("wiz.welcome.code", code=REFERRAL_CODE), "bold"),
            ]
            with Vertical(id="welcome-text"):
                yield Static(Content("\n\n").join(paragraphs))
                yield Static(t("wiz.welcome.keys"), classes="hint")
            yield QrCode(REGISTRATION_URL, ascii_only=self.wiz_app.ascii_only, id="qr")

    def extra_buttons(self) -> ComposeResult:
        yield LocalButton(t("wiz.welcome.copy"), id="copy", compact=True)
        yield LocalButton(t("wiz.welcome.have_account"), id="have-account", compact=True)

    def next_label(self) -> str:
        return t("wiz.welcome.register")

    def action_copy_link(self) -> None:
        self.app.copy_to_clipboard(REGISTRATION_URL)
        self.show_problem(t("wiz.welcome.copied"), ok=True)

    def action_have_account(self) -> None:
        self.wiz_app.go("credentials")

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy_link()

    @on(Button.Pressed, "#have-account")
    def _have_account_pressed(self) -> None:
        self.action_have_account()

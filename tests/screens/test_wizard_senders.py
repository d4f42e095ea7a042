"""Step 4's own name: the Wizard directly, then the dialog with Pilot — name checked as typed,
the statement that must be ticked, the request, ECO meanwhile, the approval noticed by itself."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Static

from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions
from sms_tui.tui.app import WizardApp
from sms_tui.wizard import Wizard
from tests.conftest import DEMO_MD5
from tests.wizard_helpers import click_when_ready, log_in, make_app, ready, screen_name, settle, wait_until


def _text(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def _verified_wizard(sandbox: Sandbox, tmp_path: Path) -> Wizard:
    """The demo account logged in on step 3, without Pilot."""
    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions(api_url=sandbox.url, retry_delay=0.01))
    wizard.setup.username = "demo"
    assert wizard.set_secret("md5", DEMO_MD5) is None
    await wizard.verify()
    return wizard


async def test_wizard_requests_refreshes_and_saves_the_request(sandbox: Sandbox, tmp_path: Path) -> None:
    wizard = await _verified_wizard(sandbox, tmp_path)
    try:
        wizard.set_sender_mode("pro")
        await wizard.senders.sender_statement()
        sender = await wizard.senders.request_sender("AutoSerwis")
        assert not sender.active and wizard.setup.sender_mode == "eco" and wizard.setup.requested_sender == "AutoSerwis"
        assert await wizard.senders.refresh_senders() is None  # still waiting
        sandbox.state.decide("AutoSerwis", "ACTIVE")
        approved = await wizard.senders.refresh_senders()
        assert approved is not None and approved.sender == "AutoSerwis"
        assert await wizard.senders.refresh_senders() is None  # said once
        assert wizard.build_settings().sender.requested == "AutoSerwis"  # until used, the reminder stays
        wizard.senders.use_requested()
        assert wizard.build_settings().sender.model_dump(exclude_none=True) == {"mode": "pro", "name": "AutoSerwis"}
    finally:
        await wizard.aclose()


async def test_a_name_used_after_the_eco_test_needs_its_own_test(sandbox: Sandbox, tmp_path: Path) -> None:
    """Issue 13's gap: "Użyj NAME" after an ECO test kept that test as the gate for saving PRO."""
    wizard = await _verified_wizard(sandbox, tmp_path)
    try:
        await wizard.senders.sender_statement()
        await wizard.senders.request_sender("AutoSerwis")
        wizard.set_test_to("500000000")
        await wizard.send_test()
        assert wizard.test_passed and wizard.save_blocker() is None
        sandbox.state.decide("AutoSerwis", "ACTIVE")
        await wizard.senders.refresh_senders()
        wizard.senders.use_requested()
        assert not wizard.test_passed
        assert "Test poszedł jako ECO, a zapisujesz nadawcę AutoSerwis" in (wizard.save_blocker() or "")
        await wizard.send_test()
        assert wizard.test_passed and sandbox.outbox[-1].sender == "AutoSerwis"
    finally:
        await wizard.aclose()


async def _dialog_open(pilot: Pilot[int], app: WizardApp) -> None:
    """F2's dialog is up once SMSAPI's statement is read and the name field has the cursor."""
    await wait_until(pilot, lambda: screen_name(app) == "AddSenderScreen" and app.focused is not None
                     and app.focused.id == "new-name", "the add-name dialog open")


async def test_step4_add_a_name_accept_the_statement_and_go_on_with_eco(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await pilot.press("f2")
        await settle(pilot, app, workers=False)
        await _dialog_open(pilot, app)
        assert screen_name(app) == "AddSenderScreen" and "Oświadczenie" in str(app.screen.query_one("#statement").query_one(Static).render())
        await pilot.press(*"Kraśnik")
        await pilot.pause()
        assert "Propozycja: Krasnik" in _text(app, "#new-name-check")
        await pilot.click("#use-suggestion")
        await pilot.pause()
        assert app.screen.query_one("#new-name", Input).value == "Krasnik"
        await pilot.click("#add")
        await pilot.pause()
        assert t("wiz.add.tick") in _text(app, "#add-problem")  # not ticked: refused, nothing asked
        assert "Krasnik" not in sandbox.state.accounts["demo"].senders
        app.screen.query_one("#accept", Checkbox).value = True
        await click_when_ready(pilot, app, "#add")  # a Button ignores a second press within its 0.2 s "active" effect
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen"
        assert sandbox.state.accounts["demo"].senders["Krasnik"] == "INACTIVE"
        assert "czeka na zatwierdzenie" in _text(app, "#requested") and app.wizard.setup.sender_mode == "eco"
        assert not app.screen.query_one("#use-requested", Button).display
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        app.screen.query_one("#to", Input).value = "500000000"
        await pilot.click("#send")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert "Krasnik — czeka na SMSAPI" in _text(app, "#review")
        await pilot.press("ctrl+n")  # Save
        await settle(pilot, app)
    saved = tomllib.loads(config.read_text())["sender"]
    assert saved["mode"] == "eco" and saved["requested"] == "Krasnik"


async def test_step4_notices_the_approval_and_offers_the_name(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    app.wizard.senders.refresh = 0.1
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await log_in(pilot, app)
        await app.wizard.senders.sender_statement()
        await app.wizard.senders.request_sender("AutoSerwis")
        app.watch_senders()
        sandbox.state.decide("AutoSerwis", "ACTIVE")
        await wait_until(pilot, lambda: ready(app.screen.query_one("#use-requested", Button)), "Użyj AutoSerwis offered")
        assert "zatwierdziło nazwę „AutoSerwis”" in str(app.screen.query_one("#problem").render())
        assert "zatwierdzona" in _text(app, "#requested")
        assert not app.screen.query("Toast")  # said on the step itself: no toast over its buttons at 80×24
        await click_when_ready(pilot, app, "#use-requested")
        await pilot.pause()
        assert app.wizard.setup.sender_mode == "pro" and app.wizard.setup.sender_name == "AutoSerwis"
        assert app.screen.query_one("#name", Input).value == "AutoSerwis"
        await app.workers.wait_for_complete()


async def test_step4_esc_closes_the_dialog_and_asks_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await pilot.click("#add-name")
        await settle(pilot, app, workers=False)
        await _dialog_open(pilot, app)
        await pilot.press(*"NowaFirma", "escape")
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen" and "NowaFirma" not in sandbox.state.accounts["demo"].senders


async def test_f1_in_the_add_name_dialog_shows_help(sandbox: Sandbox, tmp_path: Path) -> None:
    """Finding 13g: the footer under the dialog says F1, and F1 works there."""
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await pilot.press("f2")
        await _dialog_open(pilot, app)
        await pilot.press("f1")
        await wait_until(pilot, lambda: screen_name(app) == "HelpScreen", "the help")
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen_name(app) == "AddSenderScreen", "back in the dialog")


def test_a_waiting_name_is_translated_whatever_smsapi_calls_it() -> None:
    """Finding 13f: INACTIVE (the official enum's waiting) reads like PENDING, not as SMSAPI's word."""
    from sms_tui.smsapi.models import SenderName
    from sms_tui.tui.screens.sender import sender_label

    for status in ("INACTIVE", "PENDING", "UNKNOWN"):
        label = sender_label(SenderName(sender="NowaFirma", status=status))
        assert status not in label and "OCZEKUJE" in label
    assert "ODRZUCONA" in sender_label(SenderName(sender="Stara", status="DELETED"))

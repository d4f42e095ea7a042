"""Support-style diagnoses in the wizard (Pilot at 80×24 against the sandbox): the account on the other
platform, a token without the scopes, an account not activated, an IP filter."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sms_tui import i18n
from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import Platform
from tests.wizard_helpers import fill, log_in_with_token, make_app, plain_password_next, press_settled, problem, screen_name, settle


async def test_wizard_switches_platform(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    app.wizard.options = app.wizard.options.__class__(api_url=sandbox.url + "{platform}/", retry_delay=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        await press_settled(pilot, app, "m")
        await plain_password_next(pilot, app, "komercja", "komercja")
        assert "należy do smsapi.com" in problem(app)
        assert app.wizard.setup.platform is Platform.COM
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen"


async def test_wizard_names_missing_token_scope(sandbox: Sandbox, tmp_path: Path) -> None:
    i18n.set_language("en")
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_with_token(pilot, app, "demo-token-bez-sms")  # said on step 3, not when the test SMS fails
        assert screen_name(app) == "CredentialsScreen"
        assert "lacks permissions: Sendernames, SMS" in problem(app)
        assert "wrong password" not in problem(app).lower()
        await pilot.press("ctrl+n")  # Next again: checked again, still refused
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen" and "lacks permissions" in problem(app)
    await asyncio.sleep(0)


@pytest.mark.parametrize(("token", "lang", "text"), [
    ("nowy-token", "pl", "numer podany przy rejestracji"),
    ("nowy-token", "en", "number used at registration"),
    ("filtr-token", "pl", "widzi ten serwer jako 127.0.0.1"),
    ("filtr-token", "en", "sees this server as 127.0.0.1"),
])
async def test_wizard_activation_and_ip_filter(sandbox: Sandbox, tmp_path: Path, token: str, lang: str, text: str) -> None:
    i18n.set_language(lang)
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_with_token(pilot, app, token)
        if token == "nowy-token":  # credentials pass; the send is refused
            await pilot.press("ctrl+n")
            await settle(pilot, app)
            fill(app, "#to", "600123456")
            await pilot.click("#send")
            await settle(pilot, app)
        assert text in problem(app)

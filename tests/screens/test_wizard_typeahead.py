"""Screens: keys typed ahead over a slow link belong to the screen they were typed for (field test
#23), and the step-3 live check can be stopped (field test #35)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Button, Input, RadioSet

from sms_tui.sandbox import Sandbox
from sms_tui.tui.app import WizardApp
from tests.wizard_helpers import make_app, screen_name, settle, typed_credentials

MD5 = "fe01ce2a7fbac8fafaed7c982a04e229"


def burst(app: WizardApp, *keys: str) -> None:
    """Keys as one read from a laggy SSH link brings them: all queued before any is handled."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_during_a_step_change_land_on_the_new_step(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "m", "d", "e", "m", "o", "tab", *MD5)
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"
        assert app.screen.query_one("#username", Input).value == "demo"
        assert app.screen.query_one("#secret", Input).value == MD5


async def test_keys_typed_during_the_live_check_wait_for_its_outcome(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await typed_credentials(pilot, app, "demo", MD5)
        sandbox.inject("delay", "/user.do", seconds=0.3)
        burst(app, "ctrl+n", "right", "space")  # Next, then PRO on step 4 — typed before the check answered
        await settle(pilot, app)
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen"
        mode = app.screen.query_one("#mode", RadioSet)
        assert mode.pressed_button is not None and mode.pressed_button.id == "mode-pro"


async def test_a_failed_check_gets_the_keys_typed_during_it(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await typed_credentials(pilot, app, "demo", "0" * 32)  # refused by SMSAPI: the step stays
        app.screen.query_one("#secret", Input).focus()
        sandbox.inject("delay", "/user.do", seconds=0.3)
        burst(app, "ctrl+n", "shift+tab", "x")
        await settle(pilot, app)
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"
        assert app.screen.query_one("#username", Input).value == "demox"


async def test_esc_stops_the_live_check(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await typed_credentials(pilot, app, "demo", MD5)
        sandbox.inject("delay", "/user.do", seconds=3)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert str(app.screen.query_one("#check", Button).label) == "Przerwij"
        await pilot.press("escape")
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"  # Esc stopped the check, it did not go back
        assert "przerwane" in str(app.screen.query_one("#status").render())
        assert str(app.screen.query_one("#check", Button).label) == "Sprawdź"
        assert app.wizard.state.status is None
        await pilot.press("x")  # the keys are the step's again
        assert app.screen.query_one("#username", Input).value == "demox"

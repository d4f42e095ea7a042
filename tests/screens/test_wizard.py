"""The wizard driven by keys at 80×24 against the sandbox (pilot tests)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual import events
from textual.widgets import Checkbox, Input

from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.wizard_helpers import (
    choose_pro,
    fill,
    log_in,
    log_in_with_token,
    make_app,
    plain_password_next,
    press_settled,
    problem,
    screen_name,
    settle,
    shrink_on_credentials,
    to_credentials,
    to_test_send,
    wait_until,
)


async def test_eco_with_md5_typed_by_keys(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "smsapi.toml"
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        assert screen_name(app) == "WelcomeScreen"
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press("space", "tab", "space", "tab", "space", "tab", "space", "tab", "space")
        assert all(app.wizard.setup.checklist.values())
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press(*"demo", "tab")
        app.screen.focused.post_message(events.Paste(DEMO_MD5))  # type: ignore[union-attr]  # pasted, as from the panel
        await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen"
        await pilot.press("ctrl+n")  # ECO is the default
        await settle(pilot, app)
        assert screen_name(app) == "TestSendScreen"
        await pilot.press(*"+48 500-000-000", "enter", "enter")
        await settle(pilot, app)
        assert sandbox.outbox[0].sender == "ECO"
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "SummaryScreen"
        await pilot.press("ctrl+n")
        await settle(pilot, app)
    data = tomllib.loads(config.read_text())
    assert data["account"]["password_md5"] == DEMO_MD5 and data["sender"] == {"mode": "eco"}
    assert data["verified"]["to"] == "48500000000" and not data["verified"]["skipped"]
    assert len(sandbox.outbox) == 1


async def test_pro_with_token(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "smsapi.toml"
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        await pilot.press("shift+tab", "right", "right", "space")  # login kind: token
        assert app.wizard.setup.secret_kind == "token"
        fill(app, "#secret", "demo-token")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press("right", "space")  # PRO
        fill(app, "#name", "DemoSerwis")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        fill(app, "#to", "600123456")
        await pilot.click("#send")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
    data = tomllib.loads(config.read_text())
    assert data["account"]["auth"] == "token" and data["account"]["token"] == "demo-token"
    assert data["sender"] == {"mode": "pro", "name": "DemoSerwis"}
    assert [(m.to, m.sender) for m in sandbox.outbox] == [("48600123456", "DemoSerwis")]


async def test_wrong_credentials_then_corrected(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        fill(app, "#username", "demo")
        fill(app, "#secret", "0" * 32)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"
        assert "hasło do API jest inne niż hasło do panelu" in problem(app)
        fill(app, "#secret", DEMO_MD5)
        assert await press_settled(pilot, app, "ctrl+n") == "SenderScreen"


async def test_plain_password_is_hashed_and_not_kept(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        await plain_password_next(pilot, app, "demo", "demo")
        assert screen_name(app) == "SenderScreen"
        assert app.wizard.setup.password_md5 is not None
        assert app.wizard.setup.password_md5.get_secret_value() == DEMO_MD5


async def test_pending_name_refused_then_eco(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await pilot.press("right", "space", "tab", "down", "enter")  # PRO, second name: NowySklep
        assert app.screen.query_one("#name", Input).value == "NowySklep"
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen"
        assert "czeka na zatwierdzenie" in problem(app)
        await pilot.click("#use-eco")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "TestSendScreen"
        assert app.wizard.sender().from_field == "ECO"


async def test_no_points_shows_the_fix(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in_with_token(pilot, app, "pusty-token")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        fill(app, "#to", "500000000")
        await pilot.click("#send")
        await settle(pilot, app)
        assert "Doładuj konto" in problem(app) and "103" in problem(app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "TestSendScreen"  # saving needs a good test
        assert t("wiz.test.needed") in problem(app)


async def test_back_from_5_to_3_and_forward_keeps_values(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await choose_pro(pilot, app)
        fill(app, "#to", "500 000 000")
        fill(app, "#message", "Mój tekst")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"
        assert app.screen.query_one("#username", Input).value == "demo"
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.query_one("#name", Input).value == "DemoSerwis"
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen.query_one("#to", Input).value == "500 000 000"
        assert app.screen.query_one("#message", Input).value == "Mój tekst"


async def test_retry_after_lost_answer_sends_once(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        sandbox.inject("drop_after", "/sms.do", times=3)  # every attempt's answer is lost
        await pilot.click("#send")
        await settle(pilot, app)
        assert t("wiz.test.retry_safe") in problem(app)
        await pilot.click("#send")  # Retry
        await settle(pilot, app)
    assert len(sandbox.outbox) == 1


async def test_quit_with_unsaved_changes_asks(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press("space")
        await pilot.press("ctrl+q")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot, app)
        assert screen_name(app) == "ChecklistScreen"
        assert app.screen.query_one("#chk-registered", Checkbox).value
        await pilot.press("ctrl+q")
        await settle(pilot, app, workers=False)
        await pilot.press("t")
        await settle(pilot, app)
    assert app.return_code == 0 and not (tmp_path / "s.toml").exists()


async def test_quit_without_changes_does_not_ask(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await settle(pilot, app)
    assert app.return_code == 0


async def test_f1_opens_help(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        assert await press_settled(pilot, app, "f1") == "HelpScreen"
        assert await press_settled(pilot, app, "escape") == "CredentialsScreen"


async def test_too_small_then_restored(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await shrink_on_credentials(pilot, app, "kept")
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"
        assert app.screen.query_one("#username", Input).value == "kept"


async def test_existing_settings_prefill(sandbox: Sandbox, tmp_path: Path) -> None:
    from sms_tui.cli import main

    config = tmp_path / "s.toml"
    answers = tmp_path / "a.toml"
    answers.write_text('[account]\ntoken = "demo-token"\n[sender]\nmode = "pro"\nname = "DemoSerwis"\n[test]\nto = "500000000"\n')
    import asyncio

    assert await asyncio.to_thread(main, ["apply", str(answers), "--config", str(config), "--api-url", sandbox.url]) == 0
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        text = " ".join(str(w.render()) for w in app.screen.query(".hint"))
        assert "sprawdzone" in text and "48500000000" in text
        assert app.wizard.setup.secret_kind == "token" and app.wizard.setup.sender_name == "DemoSerwis"


async def test_secret_field_cannot_be_copied(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        app.screen.query_one("#secret", Input).focus()
        await pilot.press(*"tajne-haslo", "ctrl+shift+a", "ctrl+c", "ctrl+x")
        assert "tajne" not in (app.clipboard or "")
        assert app.screen.query_one("#secret", Input).value == "tajne-haslo"


async def test_slow_answer_keeps_ui_responsive_and_cancel_works(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        sandbox.inject("delay", "/sms.do", seconds=3)
        await pilot.click("#send")
        await wait_until(pilot, lambda: "wysyłam" in str(app.screen.query_one("#result").render()), "sending shown")
        await pilot.press("f1")  # the UI still answers keys while the request runs
        await pilot.pause()
        assert screen_name(app) == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#cancel")
        await settle(pilot, app)
        assert "Anulowano" in problem(app)
        assert app.wizard.state.test_result is None
        assert not app.screen.query_one("#send").disabled


async def test_low_balance_threshold_is_saved_and_warned(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        await pilot.click("#send")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        fill(app, "#low-balance", "25")
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert "mniej niż próg 25" in str(app.screen.query_one("#review").render())
    assert tomllib.loads(config.read_text())["alerts"]["low_balance"] == 25.0


async def test_pasted_escape_sequences_are_dropped(sandbox: Sandbox, tmp_path: Path) -> None:
    from textual import events

    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        field = app.screen.query_one("#username", Input)
        field.focus()
        field.post_message(events.Paste("de\x1b[2J\x1b]0;x\x07mo\x00\nsecond line"))
        await pilot.pause()
        assert field.value == "demo second line"  # the lines are joined and shown, never silently dropped


async def test_save_without_test_needs_confirmation_and_is_recorded(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        await pilot.click("#skip")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("n")  # not confirmed: still no way forward
        await settle(pilot, app, workers=False)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "TestSendScreen"
        await pilot.click("#skip")
        await settle(pilot, app, workers=False)
        await pilot.press("t")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
    data = tomllib.loads(config.read_text())
    assert data["verified"]["skipped"] is True and sandbox.outbox == []


async def test_restart_command_runs_after_confirmation(sandbox: Sandbox, tmp_path: Path) -> None:
    marker = tmp_path / "restarted"
    app = make_app(sandbox, tmp_path / "s.toml", restart_command=f"sh -c 'echo sklep-zrestartowany; touch {marker}'")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        await pilot.click("#send")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        await pilot.press("ctrl+n")  # save
        await settle(pilot, app)
        await pilot.click("#restart")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen" and not marker.exists()
        await pilot.press("t")
        await settle(pilot, app)
        assert marker.exists()
        assert "sklep-zrestartowany" in problem(app)


async def test_truncated_md5_is_refused_beside_the_reason(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        fill(app, "#username", "demo")
        fill(app, "#secret", DEMO_MD5[:31])
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "CredentialsScreen"
        assert "długość 31, a powinno mieć 32 znaki" in problem(app)
        assert sandbox.state.requests == []  # refused locally, no round trip


async def test_enter_in_the_secret_checks_it_and_goes_on(sandbox: Sandbox, tmp_path: Path) -> None:
    """Newcomer 4: Enter in the MD5 field moved focus to "← Wstecz", and a second Enter went back a
    step. Enter in the step's last field is its "Dalej": the check, then step 4."""
    app = make_app(sandbox, tmp_path / "smsapi.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        await pilot.press(*"demo", "enter")  # the username: Enter moves to the secret, like Tab
        assert app.focused is not None and app.focused.id == "secret"
        await pilot.press(*DEMO_MD5, "enter")
        await settle(pilot, app)
        await wait_until(pilot, lambda: screen_name(app) == "SenderScreen")
        assert app.wizard.state.status is not None  # checked on the way


async def test_verified_settings_are_kept_without_a_new_paid_sms(sandbox: Sandbox, tmp_path: Path) -> None:
    """The wizard re-run on settings apply verified: same account, sender and number → an offer to
    keep the verification; taken, the file keeps its [verified] record and no SMS is sent. Another
    number withdraws the offer (a test to it was never made)."""
    import asyncio

    from sms_tui.cli import main

    config = tmp_path / "s.toml"
    answers = tmp_path / "a.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n')
    assert await asyncio.to_thread(main, ["apply", str(answers), "--config", str(config), "--api-url", sandbox.url]) == 0
    before = tomllib.loads(config.read_text())["verified"]
    assert len(sandbox.outbox) == 1
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        for _ in range(2):  # credentials (checked against the sandbox), sender
            await pilot.press("ctrl+n")
            await settle(pilot, app)
        assert screen_name(app) == "TestSendScreen"
        offer = str(app.screen.query_one("#keep-offer").render())
        assert "48500000000" in offer and before["message_id"] in offer and app.screen.query_one("#keep").display
        await pilot.pause()
        assert not app.screen.query_one("#skip").display  # the offer stands in for "save without a test"
        for button in ("#keep", "#next"):  # at 80×24 the whole row is on screen, "Dalej →" included
            region = app.screen.query_one(button).region
            assert region.width and region.right <= 80, (button, region)
        fill(app, "#to", "500000001")
        await pilot.pause()
        assert not app.screen.query_one("#keep").display and app.wizard.save_blocker() == t("wiz.test.needed")
        assert app.screen.query_one("#skip").display  # no verification to keep: saving without a test is offered again
        fill(app, "#to", "500 000 000")
        await pilot.pause()
        assert app.screen.query_one("#keep").display
        app.screen.query_one("#keep").focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert "Zachowano sprawdzenie" in str(app.screen.query_one("#result").render())
        assert app.wizard.test_passed and not app.screen.query_one("#keep").display
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "SummaryScreen"
        assert "zachowany" in str(app.screen.query_one("#review").render())
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.wizard.state.saved_to == config
    assert tomllib.loads(config.read_text())["verified"] == before
    assert len(sandbox.outbox) == 1

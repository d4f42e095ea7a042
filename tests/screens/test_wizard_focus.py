"""Screens: what a refused step or a failed send leaves under the technician's fingers."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from tests.wizard_helpers import fill, log_in, make_app, problem, screen_name, settle, to_test_send, wait_until


async def test_a_refusal_is_cleared_when_the_input_is_fixed(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await pilot.press("right", "space")
        fill(app, "#name", "NowySklep")  # PENDING: Next is refused
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "SenderScreen" and "NowySklep" in problem(app)
        fill(app, "#name", "DemoSerwis")
        await settle(pilot, app)
        assert problem(app) == ""


async def test_after_a_failed_send_retry_has_the_focus_and_the_text_is_not_selected(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        assert screen_name(app) == "TestSendScreen"
        sandbox.inject("http503", "/sms.do", times=3)
        await pilot.click("#send")
        await settle(pilot, app)
        await settle(pilot, app)
        assert "503" in problem(app)
        assert app.focused is not None and app.focused.id == "send"
        message = app.screen.query_one("#message", Input)
        before = message.value
        message.focus()
        await pilot.press("Z")
        assert message.value.startswith(before[: len(before) - 1]) and len(message.value) == len(before) + 1


async def test_help_links_follow_the_platform(sandbox: Sandbox, tmp_path: Path) -> None:
    from sms_tui.smsapi import Platform
    from tests.wizard_helpers import to_credentials

    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        app.wizard.setup.platform = Platform.COM
        await pilot.press("f1")
        await settle(pilot, app)
        text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "ssl.smsapi.com" in text and "ssl.smsapi.pl" not in text


async def test_a_multi_line_paste_keeps_every_line(sandbox: Sandbox, tmp_path: Path) -> None:
    from textual import events

    from tests.wizard_helpers import to_test_send

    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        message = app.screen.query_one("#message", Input)
        message.value = ""
        message.focus()
        message.post_message(events.Paste("Pierwsza linia\r\nDruga linia\r\n\r\nTrzecia"))
        await settle(pilot, app)
        assert message.value == "Pierwsza linia Druga linia Trzecia"
        assert sandbox.outbox == []  # a paste never sends


async def test_the_too_small_screen_goes_when_a_dialog_opened_while_small_is_answered(sandbox: Sandbox, tmp_path: Path) -> None:
    from tests.wizard_helpers import shrink_on_credentials

    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await shrink_on_credentials(pilot, app, "sklep17")
        await pilot.press("ctrl+q")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen"
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app, workers=False)
        await pilot.press("n")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "CredentialsScreen"


async def test_the_arrows_walk_the_checklist(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert screen_name(app) == "ChecklistScreen"
        first = app.focused
        await pilot.press("down", "down", "space", "up")
        await settle(pilot, app)
        from textual.widgets import Checkbox

        boxes = list(app.screen.query(Checkbox))
        assert [b.value for b in boxes[:3]] == [False, False, True] and app.focused is boxes[1] and first is boxes[0]


async def test_switching_the_login_kind_keeps_the_verified_md5(sandbox: Sandbox, tmp_path: Path) -> None:
    from tests.wizard_helpers import log_in

    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        app.screen.query_one("#kind-token").value = True  # type: ignore[attr-defined]
        await settle(pilot, app)
        app.screen.query_one("#kind-md5").value = True  # type: ignore[attr-defined]
        await settle(pilot, app)
        assert app.wizard.setup.password_md5 is not None
        assert app.wizard.credentials().complete


async def test_ctrl_c_says_how_to_quit(sandbox: Sandbox, tmp_path: Path) -> None:
    """Field test #35: Ctrl+C did nothing, with no hint."""
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: app.screen.query("Toast"), "a toast")
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert app.is_running and any("Ctrl+Q" in text and t("wiz.ctrl_c_title") in text for text in toasts), toasts


def test_a_path_breaks_only_after_a_slash() -> None:
    from sms_tui.tui.widgets.path_text import break_after_slashes

    text = "Plik ustawień: /srv/bardzo-dluga-nazwa-folderu-sklepu-internetowego/konfiguracja-bramki-sms/smsapi.toml"
    lines = break_after_slashes(text, 60).split("\n")
    assert lines == ["Plik ustawień: /srv/", "bardzo-dluga-nazwa-folderu-sklepu-internetowego/",
                     "konfiguracja-bramki-sms/smsapi.toml"]
    assert break_after_slashes("/a/" + "x" * 30, 10).split("\n") == ["/a/", "x" * 10, "x" * 10, "x" * 10]
    assert break_after_slashes("/short", 80) == "/short"


async def test_after_saving_a_long_path_and_the_restart_reminder_are_on_screen(sandbox: Sandbox, tmp_path: Path) -> None:
    from textual.widgets import Static

    from tests.wizard_helpers import to_summary

    folder = tmp_path / "bardzo-dluga-nazwa-folderu-sklepu-internetowego" / "konfiguracja-bramki-sms"
    folder.mkdir(parents=True)
    app = make_app(sandbox, folder / "smsapi.toml", demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_summary(pilot, app)
        await pilot.press("ctrl+n")  # Zapisz
        await settle(pilot, app, workers=False)
        assert app.wizard.state.saved_to is not None
        path_lines = str(app.screen.query_one("#path", Static).render()).split("\n")
        assert all(line.rstrip().endswith(("/", ".toml", ":")) for line in path_lines[:-1]), path_lines
        saved = app.screen.query_one("#saved", Static)
        assert "Uruchom ponownie" in str(saved.render())
        assert saved.region.y >= 0 and saved.region.bottom <= app.screen.query_one("#problem").region.y

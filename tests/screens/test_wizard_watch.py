"""Step 6's watch: the owner's number and the interval, the timer installed only after "yes"."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioSet, Static

from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from sms_tui.settings import store as settings_store
from sms_tui.smsapi import ClientOptions
from sms_tui.tui.app import WizardApp
from sms_tui.tui.screens.confirm import ConfirmScreen
from sms_tui.watch import schedule
from sms_tui.wizard import Wizard, draft
from tests.samples import FAKE_TOOL
from tests.wizard_helpers import make_app, problem, screen_name, settle, to_summary, wait_until


@pytest.fixture
def crontab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A recording crontab on PATH, and cron as the kind (no systemd here)."""
    bin_dir, tab = tmp_path / "bin", tmp_path / "crontab.txt"
    bin_dir.mkdir()
    for name in ("crontab", "loginctl", "systemctl"):
        (bin_dir / name).write_text(FAKE_TOOL.format(log=tmp_path / "calls.log", tab=tab))
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setattr(schedule, "detect", lambda: "cron")
    return tab


async def _save_with_watch(pilot: Pilot[int], app: WizardApp, number: str, choice: int) -> None:
    """On the summary step: the owner's number, the `choice`-th interval (1 hourly, 2 daily), Save."""
    app.screen.query_one("#notify-to", Input).value = number
    app.screen.query_one("#watch").focus()
    await pilot.press(*["right"] * choice, "space", "ctrl+n")
    await settle(pilot, app, workers=False)


async def _watch_done(pilot: Pilot[int], app: WizardApp) -> None:
    await wait_until(pilot, lambda: app.wizard.state.watch_done, "the watch installed or declined")


def _wizard(tmp_path: Path) -> Wizard:
    return Wizard(tmp_path / "s.toml", ClientOptions(api_url="http://127.0.0.1:9/"))


def test_owner_number_is_checked_like_the_test_number(tmp_path: Path) -> None:
    wizard = _wizard(tmp_path)
    assert wizard.watch.set_notify_to("12") is not None and wizard.setup.notify_to == ""
    assert wizard.watch.set_notify_to("600 100 200") is None
    assert wizard.watch.alerts().notify_to == "48600100200"
    wizard.watch.set_watch("hourly")
    assert wizard.watch.watch_problem() is None
    wizard.watch.set_notify_to("")
    assert wizard.watch.watch_problem() == t("wiz.watch.nobody")


def test_watch_choice_survives_a_dropped_link(tmp_path: Path) -> None:
    wizard = _wizard(tmp_path)
    wizard.watch.set_notify_to("600100200")
    wizard.watch.set_watch("daily")
    wizard.save_draft()
    saved, _ = draft.load(wizard.config_path)
    assert saved is not None
    resumed = _wizard(tmp_path)
    resumed.resume(saved)
    assert (resumed.setup.notify_to, resumed.setup.watch) == ("600100200", "daily")


def test_a_notice_command_set_by_apply_is_kept(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    config.write_text('schema = 1\n[account]\nusername = "demo"\npassword_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\n'
                      '[alerts]\nnotify_command = ["/usr/local/bin/powiadom"]\nwatch = "daily"\n')
    wizard = Wizard(config, ClientOptions(api_url="http://127.0.0.1:9/"))
    wizard.prefill_from_disk()
    assert wizard.setup.watch == "daily"
    assert wizard.watch.alerts().notify_command == ["/usr/local/bin/powiadom"]
    assert wizard.watch.watch_problem() is None  # the command is someone to tell


@pytest.mark.parametrize("answer", ["t", "n"])
async def test_summary_installs_the_watch_only_after_yes(sandbox: Sandbox, tmp_path: Path, crontab: Path, answer: str) -> None:
    config = tmp_path / "s.toml"
    app = make_app(sandbox, config, demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_summary(pilot, app)
        await _save_with_watch(pilot, app, "600 100 200", 1)
        assert isinstance(app.screen, ConfirmScreen)
        assert schedule.cron_line(config, "hourly")[:40] in str(app.screen.query_one("#question", Static).render())
        assert not crontab.exists()  # nothing before the answer
        await pilot.press(answer)
        await settle(pilot, app, workers=False)
        await _watch_done(pilot, app)
        assert screen_name(app) == "SummaryScreen"
        saved = str(app.screen.query_one("#saved", Static).render())
        shown = app.screen.query_one("#watch", RadioSet).pressed_button
        assert shown is not None and shown.id == f"watch-{app.wizard.setup.watch}"  # the choice shows what is installed
        block = app.screen.query_one("#saved", Static)  # at 80×24 every line of it on screen, the watch's sentence too
        # The summary scrolls it into view after its next refresh: a condition, which a loaded machine only delays.
        await wait_until(pilot, lambda: block.region.bottom <= app.screen.query_one("#problem").region.y, f"on screen: {saved}")
    alerts = tomllib.loads(config.read_text())["alerts"]
    if answer == "t":
        assert "crontab" in saved and f"{settings_store.invocation(config)} watch --uninstall" in saved
        assert crontab.read_text().strip() == schedule.cron_line(config, "hourly")
        assert alerts == {"low_balance": 0.0, "notify_to": "48600100200", "watch": "hourly", "language": "pl"}
    else:
        assert "nie jest zainstalowane" in saved and not crontab.exists()
        assert alerts["watch"] == "off" and alerts["notify_to"] == "48600100200"


async def test_summary_refuses_a_watch_with_nobody_to_tell(sandbox: Sandbox, tmp_path: Path, crontab: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml", demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_summary(pilot, app)
        await _save_with_watch(pilot, app, "", 1)
        assert t("wiz.watch.nobody") in problem(app) and app.wizard.state.saved_to is None


async def test_demo_installs_nothing(sandbox: Sandbox, tmp_path: Path, crontab: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_summary(pilot, app)
        await _save_with_watch(pilot, app, "600100200", 1)
        assert not isinstance(app.screen, ConfirmScreen)  # nothing will be written: nothing to ask
        await _watch_done(pilot, app)
        assert "Tryb demo" in str(app.screen.query_one("#saved", Static).render())
    assert not crontab.exists()


def test_what_was_saved_stays_in_the_scrollback(tmp_path: Path) -> None:
    """Field test #37: a long settings path wraps mid-word on the summary and cannot be copied;
    after the wizard the path is printed whole, with the restart reminder and the watch's line."""
    from sms_tui.tui.launch import after_exit

    wizard = _wizard(tmp_path)
    assert after_exit(wizard, throwaway=False) == []  # nothing saved: nothing to say
    wizard.state.saved_to = tmp_path / "bardzo-dluga-nazwa-folderu-sklepu-internetowego" / "smsapi.toml"
    wizard.state.watch_done = "✓ obserwacja włączona"
    lines = after_exit(wizard, throwaway=False)
    assert str(wizard.state.saved_to) in lines[0] and "Uruchom ponownie" in lines[1] and lines[2] == "✓ obserwacja włączona"
    assert after_exit(wizard, throwaway=True) == []  # --demo's folder is gone on exit

"""Nothing lost on a dropped SSH link: the draft, resume or start over, a real SIGHUP in a pty."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

import pytest

from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from sms_tui.wizard import draft
from tests.conftest import DEMO_MD5
from tests.ptyprog import PtyProgram
from tests.wizard_helpers import choose_pro, log_in, make_app, problem, screen_name, settle


async def test_resume_after_leaving_mid_way(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, app)
        await choose_pro(pilot, app)
        assert screen_name(app) == "TestSendScreen"
    saved = json.loads(draft.draft_path(config).read_text())
    assert saved["values"]["step"] == 5 and saved["values"]["sender_name"] == "DemoSerwis"
    assert DEMO_MD5 not in draft.draft_path(config).read_text()
    assert oct(draft.draft_path(config).stat().st_mode & 0o777) == "0o600"

    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press("t")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "CredentialsScreen"  # the secret is typed again
        assert app.wizard.setup.username == "demo" and app.wizard.setup.sender_name == "DemoSerwis"


async def test_start_over_discards_the_draft(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    draft.save({"step": 2, "username": "x"}, config)
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, workers=False)
        await pilot.press("n")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "WelcomeScreen"
    assert draft.load(config) == (None, False)


async def test_old_draft_is_dropped_with_a_note(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    draft.save({"step": 4}, config)
    data = json.loads(draft.draft_path(config).read_text())
    data["saved_at"] -= 8 * 24 * 3600
    draft.draft_path(config).write_text(json.dumps(data))
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "WelcomeScreen"
        assert t("wiz.draft.dropped") in problem(app)
    assert not draft.draft_path(config).exists()


@pytest.mark.faults
def test_sighup_saves_the_draft(tmp_path: Path, isolated_home: Path) -> None:
    """A real hang-up: the wizard in a pty gets SIGHUP while the technician is typing."""
    config = tmp_path / "s.toml"
    prog = PtyProgram([sys.executable, "-m", "sms_tui", "--demo", "--config", str(config)])
    try:
        prog.read_until(b"Krok 1 z 6")
        prog.send(b"m")
        prog.read_until(b"Krok 3 z 6")
        prog.send(b"sklep17")
        prog.read_until(b"sklep17")
        prog.proc.send_signal(signal.SIGHUP)
        assert prog.proc.wait(timeout=15) != 0
    finally:
        prog.close()
    saved = json.loads(draft.draft_path(config).read_text())
    assert saved["values"]["step"] == 3 and saved["values"]["username"] == "sklep17"


@pytest.mark.parametrize("bad", [{"platform": "xx"}, {"step": "x"}, {"low_balance": "2.5.1"}, {"low_balance": [1]}, {"checklist": "tak"},
                                 {"checklist": None}, {"username": None}])
def test_one_bad_value_in_a_draft_never_stops_the_resume(bad: dict[str, object], tmp_path: Path) -> None:
    """The Wizard itself, no screen: a hand-edited or older draft resumes with defaults for what it cannot read."""
    from sms_tui.smsapi import ClientOptions
    from sms_tui.wizard import Wizard
    from sms_tui.wizard.draft import Draft

    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions())
    values = {"step": 4, "username": "demo", "sender_mode": "pro", "sender_name": "DemoSerwis", **bad}
    step = wizard.resume(Draft(values=values, config_path=str(tmp_path / "smsapi.toml"), saved_at=0.0))
    assert step in ("welcome", "credentials")  # no secret in a draft: never past the credentials step
    assert wizard.setup.platform.value in ("pl", "com") and wizard.setup.low_balance >= 0


@pytest.mark.parametrize("key", ["enter", "escape"])
async def test_enter_or_esc_on_the_resume_question_resumes(key: str, sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    draft.save({"step": 2, "username": "sklep17"}, config)
    app = make_app(sandbox, config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen"
        await pilot.press(key)
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ChecklistScreen" and app.wizard.setup.username == "sklep17"
    assert draft.load(config)[0] is not None


async def test_quit_asks_with_credentials_typed_but_not_moved_on(sandbox: Sandbox, tmp_path: Path) -> None:
    from tests.wizard_helpers import typed_credentials

    app = make_app(sandbox, tmp_path / "s.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await typed_credentials(pilot, app, "sklep17", DEMO_MD5)
        await pilot.press("ctrl+q")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "ConfirmScreen"


async def test_a_hang_up_while_help_is_open_keeps_the_steps_input(sandbox: Sandbox, tmp_path: Path) -> None:
    from tests.wizard_helpers import fill, to_credentials

    config = tmp_path / "s.toml"
    app = make_app(sandbox, config, keep_drafts=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, app)
        fill(app, "#username", "sklep17")
        await pilot.press("f1")
        await settle(pilot, app)
        assert screen_name(app) == "HelpScreen"
        app._hang_up()
    saved, _ = draft.load(config)
    assert saved is not None and saved.values["username"] == "sklep17"

"""Step 5 follows the test SMS to the phone: the Wizard directly (no screen), then the screens with
Pilot — delivered, not delivered, Cancel while waiting, and going on before the report came."""

from __future__ import annotations

import asyncio
import contextlib
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from sms_tui.delivery import Outcome, Timing
from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from sms_tui.settings import store as settings_store
from sms_tui.smsapi import ClientOptions, Credentials
from sms_tui.tui.app import WizardApp
from sms_tui.wizard import Wizard
from tests.conftest import DEMO_MD5
from tests.sandbox_time import SandboxTime
from tests.wizard_helpers import click_when_ready, make_app, screen_name, settle, to_test_send, wait_until


async def _sent(pilot: Pilot[int], app: WizardApp) -> None:
    """The send answered (the follow may still be waiting at the gate): `settle` would wait for both."""
    await pilot.pause()
    sends = [w for w in app.workers if w.group == "send"]
    if sends:  # an empty list would mean "every worker", the gated follow too
        await app.workers.wait_for_complete(sends)
    await pilot.pause()
    assert app.wizard.state.test_result is not None


def _text(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


class Gate(SandboxTime):
    """The sandbox's clock, but each sleep waits until the test opens the gate: the report
    arrives exactly when the test wants it."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(sandbox)
        self.open = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        await self.open.wait()
        await super().sleep(seconds)

    @property
    def timing(self) -> Timing:
        return Timing(clock=self.clock, sleep=self.sleep, now=self.now)


async def _sent_wizard(sandbox: Sandbox, tmp_path: Path, to: str) -> Wizard:
    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions(api_url=sandbox.url, retry_delay=0.01))
    wizard.setup.username, wizard.setup.test_to = "demo", to
    assert wizard.set_secret("md5", DEMO_MD5) is None
    await wizard.verify()
    await wizard.send_test()
    return wizard


async def test_wizard_follows_and_saves_the_delivery(sandbox: Sandbox, tmp_path: Path) -> None:
    wizard = await _sent_wizard(sandbox, tmp_path, "500000000")
    wizard.timing = SandboxTime(sandbox).timing
    changes: list[str] = []
    try:
        result = await wizard.follow_test(lambda: changes.append(wizard.state.delivery.last.status))  # type: ignore[union-attr]
        assert result is wizard.state.delivery and result is not None and result.outcome is Outcome.DELIVERED
        assert changes == ["QUEUE", "SENT", "DELIVERED"] and not wizard.state.following
        wizard.save()
    finally:
        await wizard.aclose()
    verified = tomllib.loads(wizard.config_path.read_text())["verified"]
    assert verified["status"] == "DELIVERED" and verified["delivered_at"].startswith("2026-12-02T")


async def test_wizard_a_new_send_forgets_the_old_delivery(sandbox: Sandbox, tmp_path: Path) -> None:
    wizard = await _sent_wizard(sandbox, tmp_path, "500000405")
    wizard.timing = SandboxTime(sandbox).timing
    try:
        await wizard.follow_test()
        assert wizard.state.delivery is not None and wizard.state.delivery.outcome is Outcome.NOT_DELIVERED
        wizard.setup.test_to = "500000000"
        await wizard.send_test()
        assert wizard.state.delivery is None and not wizard.state.stopped_waiting
    finally:
        await wizard.aclose()


async def test_wizard_cancelled_follow_says_so(sandbox: Sandbox, tmp_path: Path) -> None:
    wizard = await _sent_wizard(sandbox, tmp_path, "500000000")
    gate = Gate(sandbox)
    wizard.timing = gate.timing
    try:
        task = asyncio.ensure_future(wizard.follow_test())
        while not wizard.state.following:  # the follow has begun (a condition, not a time)
            await asyncio.sleep(0)
        assert wizard.state.following
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert wizard.state.stopped_waiting and not wizard.state.following
        assert wizard.state.delivery is not None and wizard.state.delivery.outcome is Outcome.WAITING
    finally:
        await wizard.aclose()


async def test_wizard_refused_status_read_keeps_the_test(sandbox: Sandbox, tmp_path: Path) -> None:
    """The API password changed in the panel after the send: the read is refused, the test stays accepted."""
    wizard = await _sent_wizard(sandbox, tmp_path, "500000000")
    wizard.timing = SandboxTime(sandbox).timing
    try:
        wizard.setup.password_md5 = Credentials.md5("demo", "0" * 32).password_md5
        delivery = await wizard.follow_test()
        assert delivery is not None and delivery.last_failure is not None and wizard.test_passed
    finally:
        await wizard.aclose()


@contextlib.asynccontextmanager
async def _after_send(sandbox: Sandbox, tmp_path: Path, gate: Gate | None = None,
                      config: Path | None = None) -> AsyncIterator[tuple[Pilot[int], WizardApp]]:
    """Step 5 with the test SMS sent: its delivery followed to the end on the sandbox's clock, or
    with a `gate`, accepted and the follow held until the gate opens."""
    app = make_app(sandbox, config or tmp_path / "s.toml")
    app.wizard.timing = gate.timing if gate is not None else SandboxTime(sandbox).timing
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        await pilot.click("#send")
        if gate is not None:
            await _sent(pilot, app)
        else:
            await settle(pilot, app)
        yield pilot, app


async def test_step5_shows_the_delivery(sandbox: Sandbox, tmp_path: Path) -> None:
    async with _after_send(sandbox, tmp_path) as (_pilot, app):
        text = _text(app, "#delivery")
        assert "w kolejce → wysłano do operatora → ✓ doręczono 14:02:08 (po 5 s)" in text
        assert app.screen.query_one("#delivery").has_class("ok") and app.screen.query_one("#cancel").disabled


async def test_step5_not_delivered_is_a_warning_and_offers_another_number(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    app.wizard.timing = SandboxTime(sandbox).timing
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app, "500000402")
        await pilot.click("#send")
        await settle(pilot, app)
        assert "✗ nie doręczono (EXPIRED)" in _text(app, "#delivery") and "telefon był wyłączony" in _text(app, "#delivery")
        assert app.screen.query_one("#delivery").has_class("warning")
        assert isinstance(app.focused, Input) and app.focused.id == "to"  # the retry is to another number
        await pilot.press("ctrl+n")  # SMSAPI accepted it: saving is still allowed
        await settle(pilot, app)
        assert screen_name(app) == "SummaryScreen" and "NIE doręczony (EXPIRED" in _text(app, "#review")


async def test_step5_cancel_stops_waiting(sandbox: Sandbox, tmp_path: Path) -> None:
    app = make_app(sandbox, tmp_path / "s.toml")
    app.wizard.timing = Gate(sandbox).timing  # the report never comes until the gate opens
    async with app.run_test(size=(80, 24)) as pilot:
        await to_test_send(pilot, app)
        await pilot.click("#send")
        await _sent(pilot, app)
        await wait_until(pilot, lambda: app.wizard.state.following and not app.screen.query_one("#cancel").disabled, "following")
        assert "w kolejce" in _text(app, "#delivery") and "poczekać" in _text(app, "#delivery")
        await pilot.click("#cancel")
        await settle(pilot, app)
        assert app.wizard.state.stopped_waiting and f"{settings_store.invocation(tmp_path / 's.toml')} status 7074294081650020450" in _text(app, "#delivery")
        assert app.screen.query_one("#cancel").disabled and not app.screen.query_one("#send").disabled
    assert len(sandbox.outbox) == 1


async def test_going_on_before_the_report_still_records_it(sandbox: Sandbox, tmp_path: Path) -> None:
    """The vendor's rule lets the technician save once SMSAPI accepted the test; the report that
    arrives on the summary step updates the screen and the saved `[verified]`."""
    config = tmp_path / "s.toml"
    gate = Gate(sandbox)
    async with _after_send(sandbox, tmp_path, gate, config) as (pilot, app):
        await pilot.press("ctrl+n")
        await settle(pilot, app, workers=False)
        assert screen_name(app) == "SummaryScreen" and "…" in _text(app, "#review")
        await pilot.press("ctrl+n")  # Save
        await settle(pilot, app, workers=False)
        assert tomllib.loads(config.read_text())["verified"]["status"] == "QUEUE"  # the last seen
        gate.open.set()
        await settle(pilot, app)
        # The report reaches the screen as a message, after the worker ended. Its time is not the
        # point here (on a loaded machine the sandbox's real-time clock can deliver a poll earlier).
        await wait_until(pilot, lambda: "doręczony " in _text(app, "#review"), "the report on the summary")
    verified = tomllib.loads(config.read_text())["verified"]
    assert verified["status"] == "DELIVERED" and config.stat().st_mode & 0o777 == 0o600


async def test_step5_a_status_read_lost_on_the_network_is_tried_again(sandbox: Sandbox, tmp_path: Path) -> None:
    gate = Gate(sandbox)
    async with _after_send(sandbox, tmp_path, gate) as (pilot, app):
        sandbox.inject("drop_before", "/sms.do", times=6)  # every attempt of the first reads is cut off
        gate.open.set()
        await settle(pilot, app)
        delivery = app.wizard.state.delivery
        assert delivery is not None and delivery.outcome is Outcome.DELIVERED and delivery.read_failures >= 1
        assert "✓ doręczono" in _text(app, "#delivery") and screen_name(app) == "TestSendScreen"


async def test_wizard_records_the_number_the_test_went_to(sandbox: Sandbox, tmp_path: Path) -> None:
    """Found in tmux: the number changed (or cleared) after the test was saved as if tested."""
    wizard = await _sent_wizard(sandbox, tmp_path, "500000405")
    try:
        wizard.setup.test_to = ""
        assert wizard.build_settings().verified.to == "48500000405"  # type: ignore[union-attr]
    finally:
        await wizard.aclose()


async def test_step5_next_waits_for_a_send_in_flight(sandbox: Sandbox, tmp_path: Path) -> None:
    """Found in tmux: Enter in the text, then Ctrl+N at once left the step with the send's answer unseen."""
    async with _after_send(sandbox, tmp_path) as (pilot, app):
        sandbox.inject("delay", "/sms.do", seconds=1.0)
        await click_when_ready(pilot, app, "#send")  # a Button ignores a second press within its 0.2 s "active" effect
        await wait_until(pilot, lambda: sandbox.state.faults == [], "the send under way, held by the delay")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert screen_name(app) == "TestSendScreen" and t("wiz.test.in_flight") in str(app.screen.query_one("#problem").render())
        await settle(pilot, app)
    assert len(sandbox.outbox) == 1  # the same number and text: the retry kept its idx

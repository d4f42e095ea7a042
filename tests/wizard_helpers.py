"""Shared pilot helpers: build the app against the sandbox, move through steps with keys."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Input

from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions
from sms_tui.tui.app import WizardApp
from sms_tui.wizard import Wizard
from tests.sandbox_time import SandboxTime


def make_app(sandbox: Sandbox, config: Path, **kwargs: object) -> WizardApp:
    kwargs.setdefault("demo", True)
    wizard = Wizard(config, ClientOptions(api_url=sandbox.url, retry_delay=0.01), **kwargs)  # type: ignore[arg-type]
    wizard.prefill_from_disk()
    # The delivery report followed on the sandbox's clock (its QUEUE, SENT, DELIVERED in order, at
    # the same moments every run) rather than 5 s of each test waiting for a phone that is not there.
    wizard.timing = SandboxTime(sandbox).timing
    return WizardApp(wizard, sandbox=sandbox)


def screen_name(app: WizardApp) -> str:
    return type(app.screen).__name__


def problem(app: WizardApp) -> str:
    return str(app.screen.query_one("#problem").render())


async def settle(pilot: Pilot[int], app: WizardApp, *, workers: bool = True) -> None:
    """Wait for screen switches (Textual delays them) and for running workers (not when a worker
    is waiting for a dialog's answer: it would wait forever)."""
    await pilot.pause()
    if workers:
        await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot: Pilot[int], condition: Callable[[], object], what: str = "", timeout: float = 60.0) -> None:
    """Wait for a condition, never for a time: a loaded machine only makes it come later. The
    deadline only ends a run that hangs."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await pilot.pause(0.01)


def ready(button: Button) -> bool:
    """Clickable as a person would click it: shown, laid out, enabled, and not in its 0.2 s
    "active" effect (a Button ignores a click then)."""
    return bool(button.display and button.region.area and not button.disabled and not button.has_class("-active")
                and button.screen.is_current)


async def click_when_ready(pilot: Pilot[int], app: WizardApp, selector: str) -> None:
    await wait_until(pilot, lambda: ready(app.screen.query_one(selector, Button)), f"{selector} clickable")
    await pilot.pause()  # one refresh more: the layout that made it visible has reached the compositor
    await pilot.click(selector)


def fill(app: WizardApp, selector: str, value: str) -> None:
    app.screen.query_one(selector, Input).value = value


async def to_credentials(pilot: Pilot[int], app: WizardApp) -> None:
    """From the welcome screen: "I already have an account"."""
    await pilot.press("m")
    await settle(pilot, app)
    assert screen_name(app) == "CredentialsScreen"


async def press_settled(pilot: Pilot[int], app: WizardApp, *keys: str) -> str:
    """Press `keys`, let the wizard settle, and say which screen it is on."""
    await pilot.press(*keys)
    await settle(pilot, app)
    return screen_name(app)


async def plain_password_next(pilot: Pilot[int], app: WizardApp, username: str, password: str) -> None:
    """On step 3 (focus in the username): the plain API password kind, both fields typed, Next."""
    await pilot.press("shift+tab", "right", "space")
    fill(app, "#username", username)
    fill(app, "#secret", password)
    await pilot.press("ctrl+n")
    await settle(pilot, app)


async def typed_credentials(pilot: Pilot[int], app: WizardApp, username: str, secret: str) -> None:
    """On step 3 with the username and the secret typed, nothing checked yet."""
    await to_credentials(pilot, app)
    fill(app, "#username", username)
    fill(app, "#secret", secret)


async def choose_pro(pilot: Pilot[int], app: WizardApp, name: str = "DemoSerwis") -> None:
    """On the sender step: PRO with `name`, then Next."""
    await pilot.press("right", "space")
    fill(app, "#name", name)
    await pilot.press("ctrl+n")
    await settle(pilot, app)


async def log_in(pilot: Pilot[int], app: WizardApp, username: str = "demo",
                 secret: str = "fe01ce2a7fbac8fafaed7c982a04e229") -> None:
    """Steps 1→4 with the demo account's MD5 password."""
    await to_credentials(pilot, app)
    fill(app, "#username", username)
    fill(app, "#secret", secret)
    await pilot.press("ctrl+n")
    await settle(pilot, app)


async def to_test_send(pilot: Pilot[int], app: WizardApp, to: str = "500000000") -> None:
    """Steps 1→5 with ECO, the number filled in."""
    await log_in(pilot, app)
    await pilot.press("ctrl+n")
    await settle(pilot, app)
    fill(app, "#to", to)


async def log_in_with_token(pilot: Pilot[int], app: WizardApp, token: str) -> None:
    """Steps 1→3 choosing "OAuth token", then Next (the live check)."""
    await to_credentials(pilot, app)
    await pilot.press("shift+tab", "right", "right", "space")
    fill(app, "#secret", token)
    await pilot.press("ctrl+n")
    await settle(pilot, app)


async def shrink_on_credentials(pilot: Pilot[int], app: WizardApp, username: str) -> None:
    """Step 3 with a username typed, then the window made too small."""
    await to_credentials(pilot, app)
    fill(app, "#username", username)
    await pilot.resize_terminal(60, 20)
    await settle(pilot, app)
    assert screen_name(app) == "TooSmallScreen"


async def to_summary(pilot: Pilot[int], app: WizardApp) -> None:
    """Steps 1→6: ECO, a test SMS accepted (its delivery still followed in the background)."""
    await to_test_send(pilot, app)
    await pilot.click("#send")
    await wait_until(pilot, lambda: app.wizard.state.test_result is not None, "the test SMS accepted")
    await pilot.press("ctrl+n")
    await settle(pilot, app, workers=False)
    assert screen_name(app) == "SummaryScreen"

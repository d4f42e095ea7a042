"""The wizard's steps as recipes: used by the snapshot tests and by screenshots/generate.py, so
the README's pictures are exactly what the tests compare."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from textual.pilot import Pilot

from sms_tui.sandbox import Sandbox
from sms_tui.tui.app import WizardApp
from tests.sandbox_time import SandboxTime
from tests.wizard_helpers import fill, make_app, settle, wait_until

DEMO_MD5 = "fe01ce2a7fbac8fafaed7c982a04e229"
CONFIG = Path("/etc/sklep/smsapi.toml")  # shown on the summary, never written by a snapshot


async def _step2(pilot: Pilot[int]) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]
    await pilot.press("space", "tab", "space", "tab", "space", "tab")


async def _step3(pilot: Pilot[int]) -> None:
    await pilot.press("m")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]
    fill(pilot.app, "#username", "demo")  # type: ignore[arg-type]
    fill(pilot.app, "#secret", DEMO_MD5[:20])  # type: ignore[arg-type]


async def _step4(pilot: Pilot[int]) -> None:
    await _step3(pilot)
    fill(pilot.app, "#secret", DEMO_MD5)  # type: ignore[arg-type]
    await pilot.press("ctrl+n")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]
    await pilot.press("right", "space", "tab", "down", "enter")  # PRO, the PENDING name
    await settle(pilot, pilot.app)  # type: ignore[arg-type]


async def _step4_add(pilot: Pilot[int]) -> None:
    """"Dodaj nową nazwę" (F2) with a Polish letter typed: the reason and the transliteration offered."""
    await _step3(pilot)
    fill(pilot.app, "#secret", DEMO_MD5)  # type: ignore[arg-type]
    await pilot.press("ctrl+n")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]
    await pilot.press("f2")
    await settle(pilot, pilot.app, workers=False)  # type: ignore[arg-type]
    await wait_until(pilot, lambda: pilot.app.focused is not None and pilot.app.focused.id == "new-name", "the add-name dialog open")
    await pilot.press(*"Kraśnik")
    await pilot.pause()


async def _step5(pilot: Pilot[int]) -> None:
    await _step4(pilot)
    fill(pilot.app, "#name", "DemoSerwis")  # type: ignore[arg-type]
    await pilot.press("ctrl+n")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]
    fill(pilot.app, "#to", "+48 500-000-000")  # type: ignore[arg-type]
    await pilot.click("#send")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]


async def _step5_undelivered(pilot: Pilot[int]) -> None:
    """The sandbox's number that ends UNDELIVERED: the cause, and the retry to another number."""
    await _step4(pilot)
    fill(pilot.app, "#name", "DemoSerwis")  # type: ignore[arg-type]
    await pilot.press("ctrl+n")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]
    fill(pilot.app, "#to", "500 000 405")  # type: ignore[arg-type]
    await pilot.click("#send")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]


async def _step6(pilot: Pilot[int]) -> None:
    await _step5(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot, pilot.app)  # type: ignore[arg-type]


async def _step1(pilot: Pilot[int]) -> None:
    await settle(pilot, pilot.app)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Stop:
    name: str
    run_before: Callable[[Pilot[int]], Awaitable[None]]
    lang: str = "pl"
    no_color: bool = False


TOUR = [
    Stop("1-welcome", _step1),
    Stop("2-checklist", _step2),
    Stop("3-credentials", _step3),
    Stop("4-sender", _step4),
    Stop("4-add-sender", _step4_add),
    Stop("5-test-send", _step5),
    Stop("5-test-undelivered", _step5_undelivered),
    Stop("6-summary", _step6),
    Stop("1-welcome-en", _step1, lang="en"),
    Stop("5-test-send-en", _step5, lang="en"),
    Stop("2-checklist-no-color", _step2, no_color=True),
    Stop("4-sender-no-color", _step4, no_color=True),
]


def tour_app(sandbox: Sandbox) -> WizardApp:
    app = make_app(sandbox, CONFIG)
    app.wizard.timing = SandboxTime(sandbox).timing  # the delivery followed on the sandbox's clock: same times every run
    return app

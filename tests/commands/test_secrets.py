"""A canary API password goes through the wizard and every headless command, on success and
failure paths (an unexpected exception and --debug too); afterwards neither it nor its MD5 may
appear in any file under HOME/XDG or in any captured output — the settings file alone may hold
the MD5."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sms_tui import operations
from sms_tui.cli import main
from sms_tui.sandbox import Account, Sandbox, SandboxState
from tests.wizard_helpers import fill, make_app, plain_password_next, press_settled, settle

CANARY = "Kanarek-7f3a9-haslo"
CANARY_MD5 = hashlib.md5(CANARY.encode()).hexdigest()


@pytest.fixture
def canary_sandbox() -> Sandbox:
    state = SandboxState([Account("kanarek", CANARY, 10.0, token=None, senders={"Test": "ACTIVE"})])
    with Sandbox(state=state) as server:
        yield server  # type: ignore[misc]


def _leaks(root: Path, allowed: set[Path], texts: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if CANARY.encode() in data or (CANARY_MD5.encode() in data and path not in allowed):
                found.append(str(path))
    for index, text in enumerate(texts):
        if CANARY in text or CANARY_MD5 in text:
            found.append(f"output #{index}: {text[:200]!r}")
    return found


async def test_canary_never_leaks(canary_sandbox: Sandbox, isolated_home: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    config = isolated_home / "cfg" / "smsapi.toml"
    answers = isolated_home / "answers.toml"
    answers.write_text('[account]\nusername = "kanarek"\n[test]\nto = "500000000"\n')
    url = canary_sandbox.url
    outputs: list[str] = []

    def run(*argv: str, password: str = CANARY) -> int:
        monkeypatch.setenv("SMSAPI_PASSWORD", password)
        code = main([*argv, "--config", str(config), "--api-url", url, "--debug"])
        captured = capsys.readouterr()
        outputs.extend([captured.out, captured.err])
        return code

    # failure paths first: wrong password (its own canary-like value), unreachable, crash
    assert await asyncio.to_thread(run, "apply", str(answers), "--json", password=CANARY + "x") == 4
    with monkeypatch.context() as patch:
        patch.setattr(operations, "verify", _boom)
        assert await asyncio.to_thread(run, "apply", str(answers)) == 1
    assert await asyncio.to_thread(run, "apply", str(answers), "--dry-run", "--json") == 0
    assert await asyncio.to_thread(run, "apply", str(answers)) == 0
    for argv in (("check",), ("check", "--json"), ("show",), ("show", "--json"),
                 ("send", "--to", "500000000", "--message", "x", "--json")):
        assert await asyncio.to_thread(run, *argv) == 0
    assert CANARY_MD5 in config.read_text()

    # the wizard: plain password typed, refused once, then right; a draft is written on the way
    app = make_app(canary_sandbox, isolated_home / "cfg2" / "smsapi.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await press_settled(pilot, app, "m")
        await plain_password_next(pilot, app, "kanarek", CANARY + "zle")
        fill(app, "#secret", CANARY)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        outputs.append(app.screen.query_one("#problem").render().plain)  # type: ignore[attr-defined]
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        outputs.append(json.dumps([str(w.render()) for w in app.screen.query("Static")]))
        fill(app, "#to", "500000000")
        await pilot.click("#send")
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        outputs.append(json.dumps([str(w.render()) for w in app.screen.query("Static")]))
        await pilot.press("ctrl+n")
        await settle(pilot, app)
    outputs.append(repr(app.wizard.state))

    allowed = {config, isolated_home / "cfg2" / "smsapi.toml"}
    assert _leaks(isolated_home, allowed, outputs) == []
    assert _leaks(tmp_path, set(), []) == []
    logs = list(isolated_home.rglob("*.log"))
    assert logs and "sms.do" in logs[0].read_text()  # the log exists and says something


async def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError(f"unexpected failure while holding {CANARY}")

"""The core imports without Textual, and the headless commands never load it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["sms_tui.smsapi", "sms_tui.rules", "sms_tui.settings.store", "sms_tui.settings.model", "sms_tui.settings.setup_model",
        "sms_tui.settings.answers", "sms_tui.settings.files", "sms_tui.operations", "sms_tui.sandbox", "sms_tui.delivery",
        "sms_tui.diagnose", "sms_tui.sender_flow", "sms_tui.watch.monitor", "sms_tui.watch.schedule", "sms_tui.wizard.wizard",
        "sms_tui.wizard.senders", "sms_tui.wizard.watch_setup", "sms_tui.wizard.draft", "sms_tui.wizard.steps",
        "sms_tui.commands.apply", "sms_tui.commands.check", "sms_tui.commands.send", "sms_tui.commands.show",
        "sms_tui.commands.watch", "sms_tui.commands.sender", "sms_tui.commands.doctor", "sms_tui.commands.status"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_core_imports_without_textual() -> None:
    modules = _modules_after("\n".join(f"import {m}" for m in CORE))
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


@pytest.mark.parametrize("argv", [["--version"], ["show"], ["check"], ["apply", "/nonexistent.toml"],
                                  ["send", "--to", "500000000", "--message", "x"]])
def test_commands_do_not_import_textual(argv: list[str], tmp_path: object) -> None:
    code = (f"import sys; from sms_tui.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass")
    modules = _modules_after(code)
    assert "textual" not in modules
    assert "sms_tui.tui" not in modules


def test_wizard_start_defers_heavy_imports() -> None:
    """First paint over SSH: what the first screen does not use loads on first use, not at start."""
    modules = _modules_after("import sms_tui.tui.launch, sms_tui.tui.app, sms_tui.tui.screens.welcome")
    deferred = {"pydantic", "httpx", "phonenumbers", "tomli_w", "json", "tomllib", "hashlib", "logging.handlers",
                "sms_tui.diagnose", "sms_tui.smsapi.errors", "sms_tui.rules.phone", "sms_tui.tui.screens.credentials",
                "sms_tui.tui.widgets.choices", "textual.widgets._checkbox"}
    assert not deferred & modules


def test_version_imports_almost_nothing() -> None:
    modules = _modules_after("from sms_tui.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass")
    assert not {"pydantic", "httpx", "phonenumbers", "textual", "asyncio"} & modules


def test_show_imports_no_network_or_logging(tmp_path: object) -> None:
    """`show` only reads a file: no HTTP stack, no event loop, no logging machinery at start-up."""
    code = f"from sms_tui.cli import main\nmain(['show', '--config', {str(tmp_path) + '/none.toml'!r}])"
    modules = _modules_after(code)
    assert not {"httpx", "asyncio", "logging", "ssl", "textual"} & modules


def test_check_does_not_build_the_models_of_calls_it_never_makes(tmp_path: object) -> None:
    """Status, statement, ping and price models are pydantic classes (milliseconds each to build):
    they load with the calls that use them, not with every client."""
    code = ("from sms_tui.cli import main\n"
            f"main(['check', '--config', {str(tmp_path) + '/none.toml'!r}, '--api-url', 'http://127.0.0.1:9/'])\n"
            "import sms_tui.smsapi.client")
    modules = _modules_after(code)
    assert "sms_tui.smsapi.client" in modules
    assert not {"sms_tui.smsapi.message_status", "sms_tui.smsapi.sender_statement", "sms_tui.smsapi.profile_models"} & set(modules)

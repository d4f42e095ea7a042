"""`--restart-command` runs after the settings are saved: a typo in it is reported as the
restart's result, never a crash (and never "nothing was saved")."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_tui.smsapi import ClientOptions
from sms_tui.wizard import Wizard


@pytest.mark.parametrize(("command", "code", "words"), [
    ("systemctl-nie-ma restart sklep", 127, "systemctl-nie-ma"),
    ("sh -c 'systemctl restart sklep", 2, "zapisane"),
    ("   ", 2, "zapisane"),
])
async def test_a_bad_restart_command_is_a_result(command: str, code: int, words: str, tmp_path: Path) -> None:
    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions(), restart_command=command)
    try:
        returncode, text = await wizard.run_restart()
    finally:
        await wizard.aclose()
    assert returncode == code and words in text and "zapisane" in text


async def test_a_good_restart_command_reports_its_output(tmp_path: Path) -> None:
    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions(), restart_command="sh -c 'echo gotowe; exit 3'")
    try:
        assert await wizard.run_restart() == (3, "gotowe")
    finally:
        await wizard.aclose()

"""The Wizard (the setup's only writer) tested directly, without a screen: `--restart-command`
after the save, the low-balance threshold."""

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


async def test_a_threshold_that_is_not_a_number_is_refused_and_the_old_one_kept(tmp_path: Path) -> None:
    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions())
    try:
        assert wizard.set_low_balance("20") is None and wizard.state.low_balance == 20.0
        for bad in ("2.5.1", "1,5,0", "nan", "-5"):
            problem = wizard.set_low_balance(bad)
            assert problem is not None and bad in problem
            assert wizard.state.low_balance == 20.0
        assert wizard.set_low_balance("2,5") is None and wizard.state.low_balance == 2.5
        assert wizard.set_low_balance("") is None and wizard.state.low_balance == 0.0
    finally:
        await wizard.aclose()

"""The Wizard (the setup's only writer) tested directly, without a screen: `--restart-command`
after the save, the low-balance threshold."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_tui.i18n import t
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
        assert wizard.set_low_balance("20") is None and wizard.setup.low_balance == 20.0
        for bad in ("2.5.1", "1,5,0", "nan", "-5"):
            problem = wizard.set_low_balance(bad)
            assert problem is not None and bad in problem
            assert wizard.setup.low_balance == 20.0
        assert wizard.set_low_balance("2,5") is None and wizard.setup.low_balance == 2.5
        assert wizard.set_low_balance("") is None and wizard.setup.low_balance == 0.0
    finally:
        await wizard.aclose()


def _wizard(path: Path, **kwargs: object) -> Wizard:
    return Wizard(path, ClientOptions(api_url="http://127.0.0.1:9/"), **kwargs)  # type: ignore[arg-type]


async def test_unsaved_work_is_what_differs_from_the_last_save(tmp_path: Path) -> None:
    from pydantic import SecretStr

    wizard = _wizard(tmp_path / "smsapi.toml")
    try:
        assert not wizard.unsaved()
        wizard.setup.username, wizard.setup.password_md5 = "sklep17", SecretStr("0123456789abcdef0123456789abcdef")
        assert wizard.unsaved()  # typed on step 3, never moved on: still work to lose
        wizard.skip_test()
        wizard.save()
        assert not wizard.unsaved()
        wizard.save_draft()
        from sms_tui.wizard import draft

        assert draft.load(wizard.config_path) == (None, False)  # saved and unchanged: no "unfinished setup" next time
        wizard.setup.sender_mode = "pro"
        assert wizard.unsaved()  # a change after the save
    finally:
        await wizard.aclose()


async def test_a_draft_belongs_to_its_settings_file(tmp_path: Path) -> None:
    from sms_tui.wizard import draft

    real, other, demo = _wizard(tmp_path / "real.toml"), _wizard(tmp_path / "other.toml"), _wizard(tmp_path / "demo.toml", keep_drafts=False)
    try:
        for wizard, name in ((real, "prawdziwy"), (other, "inny"), (demo, "demo")):
            wizard.setup.username, wizard.state.step = name, "sender"
            wizard.save_draft()
        other.discard_draft()
        demo.discard_draft()
        saved, _ = draft.load(real.config_path)
        assert saved is not None and saved.values["username"] == "prawdziwy"
        assert draft.load(other.config_path) == (None, False) and draft.load(demo.config_path) == (None, False)
    finally:
        for wizard in (real, other, demo):
            await wizard.aclose()


async def test_the_wizard_saves_the_api_url_it_was_given(tmp_path: Path) -> None:
    from pydantic import SecretStr

    wizard = _wizard(tmp_path / "smsapi.toml")
    wizard.setup.username, wizard.setup.password_md5 = "demo", SecretStr("fe01ce2a7fbac8fafaed7c982a04e229")
    try:
        assert wizard.build_settings().account.api_url == "http://127.0.0.1:9/"
    finally:
        await wizard.aclose()


def test_a_draft_from_before_drafts_were_per_settings_file_is_still_offered_then_cleared(tmp_path: Path) -> None:
    from sms_tui.wizard import draft

    config = tmp_path / "smsapi.toml"
    draft.save({"step": 4, "username": "sklep17"}, config, path=draft.draft_path())  # the old shared draft.json
    saved, _ = draft.load(config)
    assert saved is not None and saved.values["username"] == "sklep17"
    assert draft.load(tmp_path / "other.toml") == (None, False)
    draft.clear(config)
    assert draft.load(config) == (None, False) and not draft.draft_path().exists()


@pytest.mark.parametrize(("raw", "unit"), [("shop", "shop.service"), ("shop.service", "shop.service"), ("php8.2-fpm", "php8.2-fpm.service"),
                                           ("sklep@1.service", "sklep@1.service"), ("shop.target", "shop.target"), (" nginx ", "nginx.service"),
                                           ("shop; reboot", None), ("-shop", None), ("sklep@", None), ("$(id)", None), ("", None), ("\x1b[2J", None)])
def test_a_restart_unit_is_a_unit_systemctl_takes(raw: str, unit: str | None) -> None:
    from sms_tui import rules

    assert rules.systemd_unit(raw) == unit


async def test_restart_unit_runs_systemctl_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--restart-unit shop becomes `systemctl restart shop.service`, run as one argument list."""
    import argparse

    from sms_tui.tui.launch import restart_for

    calls = tmp_path / "calls.log"
    tool = tmp_path / "bin" / "systemctl"
    tool.parent.mkdir()
    tool.write_text(f'#!/bin/sh\necho "$@" >> {calls}\necho restarted\n')
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tool.parent}:/usr/bin:/bin")
    command, problem = restart_for(argparse.Namespace(restart_command=None, restart_unit="shop"))
    assert (command, problem) == ("systemctl restart shop.service", None)
    wizard = Wizard(tmp_path / "smsapi.toml", ClientOptions(), restart_command=command)
    assert await wizard.run_restart() == (0, "restarted")
    assert calls.read_text() == "restart shop.service\n"
    command, problem = restart_for(argparse.Namespace(restart_command=None, restart_unit="shop; reboot"))
    assert command is None and problem == t("cli.bad_unit", unit="shop; reboot")

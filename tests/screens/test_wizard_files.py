"""Step 6's shop group: the settings the wizard saves can be read by the shop software's group
(root:GROUP 0640), an unknown group is refused on the step, and a group the file already names
is kept by a wizard that only changes something else."""

from __future__ import annotations

import grp
import os
import stat
import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input

from sms_tui.i18n import t
from sms_tui.sandbox import Sandbox
from tests.wizard_helpers import make_app, problem, settle, to_summary, wait_until

GROUP = "nogroup"  # Debian's and Ubuntu's; the group `nobody` runs in
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another group needs root")


async def _save_with_group(sandbox: Sandbox, config: Path, group: str) -> str | None:
    app = make_app(sandbox, config, demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_summary(pilot, app)
        app.screen.query_one("#files-group", Input).value = group
        await pilot.press("ctrl+n")
        await settle(pilot, app, workers=False)
        if app.wizard.state.saved_to is None:
            return problem(app)
        await wait_until(pilot, lambda: app.wizard.state.saved_to is not None, "saved")
    return None


async def test_an_unknown_group_is_refused_on_the_step(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "shop" / "smsapi.toml"
    refused = await _save_with_group(sandbox, config, "nie-ma-takiej")
    assert refused is not None and t("wiz.save.files_group_unknown", name="nie-ma-takiej") in refused
    assert not config.exists()


@as_root
async def test_the_shop_group_reads_what_the_wizard_saves(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "shop" / "smsapi.toml"
    assert await _save_with_group(sandbox, config, GROUP) is None
    info = config.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o640, grp.getgrnam(GROUP).gr_gid)
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o750
    assert tomllib.loads(config.read_text())["files"] == {"group": GROUP}


@as_root
async def test_a_wizard_run_keeps_the_group_the_file_names(sandbox: Sandbox, tmp_path: Path) -> None:
    config = tmp_path / "shop" / "smsapi.toml"
    assert await _save_with_group(sandbox, config, GROUP) is None
    app = make_app(sandbox, config, demo=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_summary(pilot, app)
        assert app.screen.query_one("#files-group", Input).value == GROUP  # shown as loaded
        app.screen.query_one("#low-balance", Input).value = "5"
        await pilot.press("ctrl+n")
        await settle(pilot, app, workers=False)
        await wait_until(pilot, lambda: app.wizard.state.saved_to is not None, "saved")
    saved = tomllib.loads(config.read_text())
    assert saved["files"] == {"group": GROUP} and saved["alerts"]["low_balance"] == 5
    assert stat.S_IMODE(config.stat().st_mode) == 0o640

"""`relay --install`: a unit systemd itself accepts (`systemd-analyze verify`), restarting after a
failure, running this same sms-tui with the settings; installed twice it changes nothing; removed,
only what it wrote goes; `--dry-run` writes nothing and says what it would."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox import service
from tests.conftest import DEMO_MD5


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sklep" / "smsapi.toml"
    path.parent.mkdir()
    path.write_text(f'schema = 1\n[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n')
    return path


class Systemctl:
    """Records what would have been run; `is-enabled` answers as told."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.enabled = False

    def __call__(self, argv: list[str], stdin: str | None) -> subprocess.CompletedProcess[str]:
        self.calls.append(argv)
        if "is-enabled" in argv:
            return subprocess.CompletedProcess(argv, 0 if self.enabled else 1, "", "")
        if "enable" in argv:
            self.enabled = True
        return subprocess.CompletedProcess(argv, 0, "", "")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path, config: Path) -> None:
    name = service.unit_name(config)
    (tmp_path / name).write_text(service.unit_text(config))
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / name)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    text = service.unit_text(config)
    assert "Restart=on-failure" in text and f"relay --config {config}" in text


def test_install_twice_then_uninstall(tmp_path: Path, config: Path) -> None:
    units, systemctl = tmp_path / "units", Systemctl()
    first = service.install(config, runner=systemctl, unit_dir=units)
    name = service.unit_name(config)
    assert first.changed and [p.name for p in units.iterdir()] == [name]
    assert systemctl.calls[-1][-3:] == ["enable", "--now", name]
    before = list(systemctl.calls)
    assert not service.install(config, runner=systemctl, unit_dir=units).changed
    assert [c for c in systemctl.calls if "is-enabled" not in c] == [c for c in before if "is-enabled" not in c]
    (units / "inny.service").write_text("[Service]\nExecStart=/bin/true\n")
    removed = service.uninstall(config, runner=systemctl, unit_dir=units)
    assert removed.changed and [p.name for p in units.iterdir()] == ["inny.service"]
    assert not service.uninstall(config, runner=systemctl, unit_dir=units).changed


def test_a_failed_enable_leaves_no_unit(tmp_path: Path, config: Path) -> None:
    units = tmp_path / "units"

    def refusing(argv: list[str], stdin: str | None) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 1, "", "Failed to enable unit")

    with pytest.raises(service.ScheduleError):
        service.install(config, runner=refusing, unit_dir=units)
    assert list(units.iterdir()) == []


def test_dry_run_says_what_it_would_do_and_writes_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "--install", "--dry-run", "--json", "--config", str(config)]) == ExitCode.OK
    planned = json.loads(capsys.readouterr().out)
    (where, text), = planned["written"].items()
    assert planned["dry_run"] and planned["changed"] and not Path(where).exists()
    assert "relay --config" in text and ["enable", "--now", service.unit_name(config)] == planned["ran"][-1][-3:]
    assert main(["relay", "--install", "--uninstall", "--config", str(config)]) == ExitCode.USAGE

"""`relay --install`: a unit systemd itself accepts (`systemd-analyze verify`), restarting after a
failure, running this same sms-tui with the settings; installed twice it changes nothing; removed,
only what it wrote goes; `--dry-run` writes nothing and says what it would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox import service
from sms_tui.outbox.spool import Spool
from sms_tui.systemd import UnitError
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


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(tmp_path / "spool")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path, config: Path, spool: Spool) -> None:
    name = service.unit_name(config)
    text = service.unit_text(config, spool.root, "nogroup")
    (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", str(tmp_path / name)], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Restart=on-failure" in text and f"SMS_TUI_OUTBOX={spool.root}" in text
    if os.geteuid() == 0:  # the system unit: its own user, the settings through systemd, never root
        assert f"relay --config %d/{service.CREDENTIAL}" in text and f"LoadCredential={service.CREDENTIAL}:{config}" in text
        assert "User=sms-tui\n" in text and "SupplementaryGroups=nogroup\n" in text and f"ReadWritePaths={spool.root}\n" in text
    else:
        assert f"relay --config {config}" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
@pytest.mark.skipif(os.geteuid() != 0, reason="the system unit (a user's unit runs as that user, unsandboxed) needs root")
def test_systemd_rates_the_relay_unit_safe(tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`systemd-analyze security` on the unit `relay --install --dry-run` would write: 2.0 or lower
    (an unhardened root service is 9.6, "UNSAFE")."""
    capsys.readouterr()
    assert main(["relay", "--install", "--dry-run", "--json", "--config", str(config)]) == ExitCode.OK
    (where, text), = json.loads(capsys.readouterr().out)["written"].items()
    unit = tmp_path / Path(where).name
    unit.write_text(text)
    done = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True, text=True, timeout=120,
                          check=False)
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout)
    assert found is not None, done.stdout + done.stderr
    assert float(found.group(1)) <= 2.0, done.stdout


def test_install_twice_then_uninstall(tmp_path: Path, config: Path, spool: Spool) -> None:
    units, systemctl = tmp_path / "units", Systemctl()
    user = "nobody"  # as root: an existing user stands in for sms-tui (the test makes no user)
    first = service.install(config, spool, runner=systemctl, unit_dir=units, user=user)
    name = service.unit_name(config)
    assert first.changed and [p.name for p in units.iterdir()] == [name]
    assert systemctl.calls[-1][-3:] == ["enable", "--now", name]
    if os.geteuid() == 0:  # the outbox handed to the relay's user, and the program tried as that user first
        assert spool.root.stat().st_uid == 65534 and (spool.root / "queue").stat().st_uid == 65534
        assert ["runuser", "-u", user, "--"] == next(c for c in systemctl.calls if c[0] == "runuser")[:4]
    before = list(systemctl.calls)
    assert not service.install(config, spool, runner=systemctl, unit_dir=units, user=user).changed
    assert [c for c in systemctl.calls if "is-enabled" not in c] == [c for c in before if "is-enabled" not in c]
    (units / "inny.service").write_text("[Service]\nExecStart=/bin/true\n")
    removed = service.uninstall(config, runner=systemctl, unit_dir=units)
    assert removed.changed and [p.name for p in units.iterdir()] == ["inny.service"]
    assert not service.uninstall(config, runner=systemctl, unit_dir=units).changed


def test_a_failed_enable_leaves_no_unit(tmp_path: Path, config: Path) -> None:
    units = tmp_path / "units"

    def refusing(argv: list[str], stdin: str | None) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 1, "", "Failed to enable unit")

    with pytest.raises(UnitError):
        service.install(config, Spool(tmp_path / "spool"), runner=refusing, unit_dir=units, user="nobody")
    assert not units.exists() or list(units.iterdir()) == []


def test_dry_run_says_what_it_would_do_and_writes_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "--install", "--dry-run", "--json", "--config", str(config)]) == ExitCode.OK
    planned = json.loads(capsys.readouterr().out)
    (where, text), = planned["written"].items()
    assert planned["dry_run"] and planned["changed"] and not Path(where).exists()
    assert "relay --config" in text and ["enable", "--now", service.unit_name(config)] == planned["ran"][-1][-3:]
    assert main(["relay", "--install", "--uninstall", "--config", str(config)]) == ExitCode.USAGE

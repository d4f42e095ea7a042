"""What `--config` / SMS_TUI_CONFIG may point at: only a regular file (or nothing) is ever opened,
chmodded or replaced. Folders, devices and FIFOs are refused untouched with exit 2; a symlinked
settings file is written through to its target; a file that tomllib cannot take is "corrupt",
never a crash. Run as root (CI, shop servers) and as an unprivileged user (a forked child that
drops to `nobody`)."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.settings import store as settings_store
from tests.identity import as_nobody, need
from tests.samples import saved_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder both root and `nobody` can reach (pytest's tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix="sms-tui-paths-"))
    path.chmod(0o755)
    yield path
    import shutil

    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("command", [["show"], ["show", "--json"], ["check"], ["doctor", "--json"]])
def test_a_folder_is_refused_untouched(command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "orders.csv").write_text("x")
    shop.chmod(0o755)
    code = main([*command, "--config", str(shop)])
    out = capsys.readouterr()
    assert code == ExitCode.USAGE
    assert _mode(shop) == 0o755 and sorted(p.name for p in tmp_path.iterdir()) == ["shop"]  # no shop.lock either
    assert "nie jest plik" in out.out + out.err
    if "--json" in command:
        json.loads(out.out)


def test_apply_to_a_folder_sends_nothing(tmp_path: Path, sandbox: Any) -> None:
    from tests.samples import PRO_TOKEN, answers_file

    shop = tmp_path / "shop"
    shop.mkdir(mode=0o755)
    code = main(["apply", answers_file(tmp_path, PRO_TOKEN), "--config", str(shop), "--api-url", sandbox.url])
    assert code == ExitCode.USAGE and sandbox.outbox == [] and _mode(shop) == 0o755
    assert not (tmp_path / "shop.lock").exists()


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo, 0o644)
    assert main(["show", "--config", str(fifo)]) == ExitCode.USAGE
    assert main(["check", "--config", str(fifo)]) == ExitCode.USAGE
    assert _mode(fifo) == 0o644


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_a_device_is_refused_untouched(tmp_path: Path) -> None:
    device = tmp_path / "mynull"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    device.chmod(0o666)
    assert main(["show", "--config", str(device)]) == ExitCode.USAGE
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.save(saved_settings(), device)
    assert caught.value.key == "config.not_file" and _mode(device) == 0o666


def test_a_link_to_a_foreign_file_is_not_chmodded(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd-copy"
    passwd.write_text("root:x:0:0\n")
    passwd.chmod(0o644)
    link = tmp_path / "link.toml"
    link.symlink_to(passwd)
    assert main(["show", "--config", str(link)]) == ExitCode.USAGE
    assert _mode(passwd) == 0o644


def test_a_symlinked_settings_file_is_written_through(tmp_path: Path) -> None:
    shop = tmp_path / "shop" / "smsapi.toml"
    settings_store.save(saved_settings(), shop)
    link = tmp_path / "conf" / "smsapi.toml"
    link.parent.mkdir()
    link.symlink_to(shop)
    settings_store.save(saved_settings().model_copy(update={"sender": saved_settings().sender.model_copy(update={"mode": "eco", "name": None})}), link)
    assert link.is_symlink() and os.readlink(link) == str(shop)
    loaded, _ = settings_store.load(shop)
    assert loaded is not None and loaded.sender.mode == "eco" and _mode(shop) == 0o600
    assert sorted(p.name for p in link.parent.iterdir()) == ["smsapi.toml"]  # the lock sits by the target


@pytest.mark.parametrize("text", ["a = " + "[" * 5000 + "]" * 5000, "schema = " + "9" * 5000, "x" * (settings_store.MAX_BYTES + 10)])
def test_what_tomllib_cannot_take_is_corrupt_and_replaced(text: str, tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    path.write_text(text)
    path.chmod(0o600)
    assert main(["show", "--config", str(path)]) == ExitCode.USAGE
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.load(path)
    assert caught.value.key in ("config.corrupt", "config.corrupt_file")
    settings_store.save(saved_settings(), path)
    assert (tmp_path / "smsapi.toml.bak").read_text() == text and settings_store.load(path)[0] is not None


def test_wide_permissions_are_tightened_after_the_file_parsed(tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    settings_store.save(saved_settings(), path)
    path.chmod(0o644)
    _, warnings = settings_store.load(path)
    assert [w.key for w in warnings] == ["config.tightened"] and _mode(path) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="needs a file owned by someone else: run as root")
def test_a_file_that_cannot_be_tightened_says_so_as_a_normal_user(shared_dir: Path) -> None:
    """Root's 0644 settings read by `nobody`: the chmod fails, the warning names the real mode,
    and doctor does not claim 0600."""
    path = shared_dir / "smsapi.toml"
    settings_store.save(saved_settings(), path)
    path.chmod(0o644)
    shared_dir.chmod(0o755)

    def load_as_user() -> tuple[list[str], str]:
        _, warnings = settings_store.load(path)
        return [w.key for w in warnings], warnings[0].describe()

    need("nobody")
    keys, text = as_nobody(load_as_user)
    assert keys == ["config.wide"] and "0644" in text and _mode(path) == 0o644


def test_a_folder_is_refused_as_a_normal_user_too(shared_dir: Path) -> None:
    shop = shared_dir / "shop"
    shop.mkdir(mode=0o777)
    shop.chmod(0o777)

    def load_as_user() -> str:
        try:
            settings_store.load(shop)
        except settings_store.ConfigError as exc:
            return exc.key
        return "loaded"

    if os.geteuid() == 0:
        need("nobody")
    key = as_nobody(load_as_user) if os.geteuid() == 0 else load_as_user()
    assert key == "config.not_file" and _mode(shop) == 0o777

"""The settings file: 0600/0700, atomic replace, .bak for what could not be read, clear messages."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from pydantic import SecretStr

from sms_tui.base.locks import locked
from sms_tui.i18n import set_language
from sms_tui.settings import store as settings_store
from sms_tui.settings.model import AccountSettings, Settings
from sms_tui.smsapi import AuthMode
from tests.samples import saved_settings


def _load_refused(path: Path, text: str) -> settings_store.ConfigError:
    path.write_text(text)
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.load(path)
    return caught.value


def test_roundtrip_and_permissions(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "smsapi.toml"
    settings_store.save(saved_settings(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded, warnings = settings_store.load(path)
    assert loaded is not None and warnings == []
    assert loaded.account.password_md5 is not None
    assert loaded.account.password_md5.get_secret_value() == "fe01ce2a7fbac8fafaed7c982a04e229"
    data = tomllib.loads(path.read_text())
    assert data["schema"] == 1 and data["sender"] == {"mode": "pro", "name": "DemoSerwis"}


def test_secret_not_in_repr() -> None:
    settings = saved_settings()
    assert "fe01ce2a" not in repr(settings) and "fe01ce2a" not in str(settings.masked())


@pytest.mark.faults
def test_failure_between_write_and_replace_keeps_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "smsapi.toml"
    settings_store.save(saved_settings(), path)
    before = path.read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.save(saved_settings("0" * 32), path)
    assert caught.value.key == "config.unwritable"
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.faults
def test_disk_full_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int, mode: str) -> None:
            self.inner = real_fdopen(fd, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *a: object) -> None:
            self.inner.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.save(saved_settings(), tmp_path / "smsapi.toml")
    assert "disk" in caught.value.describe()
    assert not (tmp_path / "smsapi.toml").exists()


@pytest.mark.faults
def test_corrupt_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    error = _load_refused(path, 'schema = 1\n[account]\nusername = "demo\n')
    assert str(path) in error.describe() and "wiersz 3" in error.describe()
    set_language("en")
    assert "line 3" in error.describe()


def test_corrupt_file_is_kept_as_bak(tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    path.write_text("not = [toml")
    settings_store.save(saved_settings(), path)
    assert (tmp_path / "smsapi.toml.bak").read_text() == "not = [toml"
    assert settings_store.load(path)[0] is not None


def test_invalid_values_are_listed(tmp_path: Path) -> None:
    message = _load_refused(tmp_path / "smsapi.toml", '[account]\nauth = "md5"\nusername = "demo"\n[sender]\nmode = "pro"\ncolour = 1\n').describe()
    assert "password_md5" in message and "colour" in message


def test_newer_schema_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    path.write_text("schema = 7\n")
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.save(saved_settings(), path)
    assert caught.value.key == "config.newer"
    assert path.read_text() == "schema = 7\n"


def test_wide_permissions_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    settings_store.save(saved_settings(), path)
    path.chmod(0o644)
    settings, warnings = settings_store.load(path)
    assert settings is not None and [w.key for w in warnings] == ["config.tightened"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.save(saved_settings(), folder / "smsapi.toml")
    assert caught.value.key == "config.unwritable"


def test_missing_file_is_none(tmp_path: Path) -> None:
    assert settings_store.load(tmp_path / "nope.toml") == (None, [])


def test_second_writer_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "smsapi.toml"
    with locked(path):
        with pytest.raises(settings_store.ConfigError) as caught:
            settings_store.save(saved_settings(), path)
    assert caught.value.key == "config.locked" and str(os.getpid()) in caught.value.describe()
    settings_store.save(saved_settings(), path)  # released: the next writer goes through


def test_default_path_order(tmp_path: Path) -> None:
    assert settings_store.default_path("/x/a.toml", {"SMS_TUI_CONFIG": "/y/b.toml"}) == Path("/x/a.toml")
    assert settings_store.default_path(None, {"SMS_TUI_CONFIG": "/y/b.toml"}) == Path("/y/b.toml")
    assert settings_store.default_path(None, {}).name == "smsapi.toml"


def test_token_settings() -> None:
    settings = Settings(account=AccountSettings(auth=AuthMode.TOKEN, token=SecretStr("abc")))
    assert settings.account.credentials().headers() == {"Authorization": "Bearer abc"}
    with pytest.raises(ValueError):
        AccountSettings(auth=AuthMode.TOKEN)


@pytest.mark.faults
def test_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "smsapi.toml"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from sms_tui.base.locks import locked\n"
        f"with locked(Path({str(path)!r})):\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.save(saved_settings(), path)
    assert str(holder.pid) in caught.value.describe()
    holder.kill()
    holder.wait()
    settings_store.save(saved_settings(), path)  # the dead holder's lock is gone with it
    assert settings_store.load(path)[0] is not None


def test_the_state_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`mkdir(parents=True)` left `~/.local/state/sms-tui/` 0755: every folder it creates is 0700."""
    import stat

    from sms_tui import logs

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("SMS_TUI_LOG", raising=False)
    path = logs.setup()
    assert path is not None
    for folder in (tmp_path / "state", tmp_path / "state" / "sms-tui", path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder

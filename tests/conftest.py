"""Every test gets its own HOME and XDG folders (the developer's settings never leak in or get
written) and Polish as the language; the sandbox is a real server on a free loopback port."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from sms_tui import i18n
from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions, Credentials

if sys.version_info < (3, 11):  # the tests read TOML as tomllib; on Python 3.10 that parser is tomli
    import tomli

    sys.modules.setdefault("tomllib", tomli)

DEMO_MD5 = "fe01ce2a7fbac8fafaed7c982a04e229"

# Hypothesis: "full" (CI, the default) tries 100 inputs per property (Hypothesis's own default); "fast" (the quick loop, tox -e
# fast) 20. No deadline: a loaded machine is slow, not wrong. HYPOTHESIS_PROFILE chooses.
hypothesis_settings.register_profile("full", max_examples=100, deadline=None, print_blob=True)
hypothesis_settings.register_profile("fast", max_examples=20, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "full"))

# Pilot apps and real ptys take minutes on 2 cores: the quick loop (-m "not slow") leaves them out,
# as it leaves out subprocesses and real tools. Run tests/screens and tests/terminals when touching the UI.
SLOW_FOLDERS = ("screens", "terminals")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent.name in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)


def need_tool(name: str, package: str, why: str) -> str:
    """A system tool a test runs for real: its path; missing, the test skips saying how to add it —
    except in CI, which installs it (.ci/run) and so fails instead."""
    import shutil

    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing: apt-get install {package} (.ci/run installs it)")
        pytest.skip(f"{why} needs {name}: apt-get install {package}")
    return found


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state"),
                     ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("SMS_TUI_CONFIG", "SMS_TUI_LOG", "SMSAPI_PASSWORD", "SMSAPI_PASSWORD_MD5", "SMSAPI_TOKEN",
                "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    # As root (CI) the default settings are /etc/sms-tui/smsapi.toml: never the machine's own.
    monkeypatch.setenv("SMS_TUI_SYSTEM_CONFIG", str(home / "etc" / "sms-tui" / "smsapi.toml"))
    monkeypatch.setenv("SMS_TUI_OUTBOX", str(home / "spool" / "sms-tui"))  # likewise /var/spool/sms-tui
    monkeypatch.setenv("LANG", "pl_PL.UTF-8")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    i18n.set_language("pl")
    return home


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder root and `nobody` can both reach and write (pytest's tmp_path is 0700)."""
    from tests.identity import shared_folder

    with shared_folder() as path:
        yield path


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture
def options(sandbox: Sandbox) -> ClientOptions:
    return ClientOptions(api_url=sandbox.url, retry_delay=0.01, read_timeout=5.0, connect_timeout=2.0)


@pytest.fixture(params=["md5", "token"])
def demo_credentials(request: pytest.FixtureRequest) -> Credentials:
    if request.param == "md5":
        return Credentials.md5("demo", DEMO_MD5)
    return Credentials.bearer("demo-token")

"""The single file for servers without a package index (packaging/build_pyz.py), built and run as
a technician would: `--version`; `apply` against the sandbox; `watch --install --dry-run`, whose
cron line must run that same file (`python3 -m sms_tui` cannot run there: the watch would be
silently dead) — and the line is then run; and, as root, by a user without a writable HOME."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sms_tui import __version__
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5, need_tool

ROOT = Path(__file__).parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pyz")]  # one worker builds the file once


@pytest.fixture(scope="module")
def pyz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once, as the README's offline recipe builds it: `pip download` (hatchling too: the wheel
    of sms-tui itself is built from the checkout) on a machine with the index, then the build with
    no index at all. The module's tests share one xdist worker, so this runs once a session."""
    wheelhouse, out = tmp_path_factory.mktemp("wheelhouse"), tmp_path_factory.mktemp("dist")
    downloaded = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheelhouse), "-c", str(ROOT / "constraints.txt"),
                                 str(ROOT), "hatchling"], capture_output=True, text=True, timeout=600, check=False)
    assert downloaded.returncode == 0, downloaded.stderr[-2000:]
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "build_pyz.py"), "--out", str(out), "--wheelhouse", str(wheelhouse)],
                          capture_output=True, text=True, timeout=900, check=False, env={**os.environ, "PIP_NO_INDEX": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    built = Path(done.stdout.strip().splitlines()[-1])
    assert built.name == f"sms-tui-{__version__}-py{sys.version_info.major}{sys.version_info.minor}.pyz"
    return built


def _run(pyz: Path, *argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}  # nothing of the test's venv helps
    return subprocess.run([sys.executable, str(pyz), *argv], capture_output=True, text=True, timeout=120,
                          env={**clean, **(env or {})}, check=False)


def test_it_starts_and_names_its_version(pyz: Path) -> None:
    done = _run(pyz, "--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"sms-tui {__version__}")
    shebang = pyz.read_bytes().split(b"\n", 1)[0]
    assert shebang == f"#!/usr/bin/env python{sys.version_info.major}.{sys.version_info.minor}".encode()
    assert os.access(pyz, os.X_OK)


def test_apply_and_a_watch_that_runs_this_file(pyz: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    answers, config = tmp_path / "answers.toml", tmp_path / "shop" / "smsapi.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n')
    applied = _run(pyz, "apply", str(answers), "--api-url", sandbox.url, "--config", str(config), "--json")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert len(sandbox.outbox) == 1 and config.is_file()

    need_tool("crontab", "cron", "a cron line")
    planned = _run(pyz, "watch", "--install", "--cron", "--dry-run", "--json", "--config", str(config))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    line = json.loads(planned.stdout)["written"]["crontab"]
    schedule, command = " ".join(line.split()[:5]), line.split(" ", 5)[5].split(" >/dev/null")[0]
    argv = shlex.split(command)
    assert schedule.split()[1:] == ["*", "*", "*", "*"]
    assert argv[:3] == [sys.executable, str(pyz), "watch"] and "-m" not in argv
    watched = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)  # what cron would run
    assert watched.returncode == 0, watched.stdout + watched.stderr


def test_copied_under_any_name_its_timers_and_units_run_it(pyz: Path, tmp_path: Path) -> None:
    """Copied to bin/sms-tui as the README and the Ansible role do (no .pyz in its name): the cron line and the
    relay unit it writes run this file, and that command starts (finding 37: they wrote `-m sms_tui`)."""
    copy = tmp_path / "bin" / "sms-tui"
    copy.parent.mkdir()
    copy.write_bytes(pyz.read_bytes())
    copy.chmod(0o755)
    config = tmp_path / "smsapi.toml"
    config.write_text(f'schema = 1\n[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n')
    config.chmod(0o600)
    need_tool("crontab", "cron", "a cron line")
    planned = _run(copy, "watch", "--install", "--cron", "--dry-run", "--json", "--config", str(config))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    line = json.loads(planned.stdout)["written"]["crontab"]
    argv = shlex.split(line.split(" ", 5)[5].split(" >/dev/null")[0])
    assert argv[:2] == [sys.executable, str(copy)] and "-m" not in argv
    unit = _run(copy, "relay", "--install", "--dry-run", "--json", "--config", str(config))
    assert unit.returncode == 0, unit.stdout + unit.stderr
    (text,) = json.loads(unit.stdout)["written"].values()
    exec_start = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    assert shlex.split(exec_start.removeprefix("ExecStart="))[:2] == [sys.executable, str(copy)]
    for started in (argv[:2], shlex.split(exec_start.removeprefix("ExecStart="))[:2]):
        done = subprocess.run([*started, "--version"], capture_output=True, text=True, timeout=120, check=False)
        assert (done.returncode, done.stdout.strip()) == (0, f"sms-tui {__version__}"), done.stderr[-2000:]


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming a user without a HOME needs root")
@pytest.mark.parametrize("planted", [False, True], ids=["fresh", "someone-else-made-the-cache"])
def test_a_user_without_a_writable_home_runs_it(pyz: Path, shared: Path, planted: bool) -> None:
    copy = shared / pyz.name
    copy.write_bytes(pyz.read_bytes())
    copy.chmod(0o755)
    cache = shared / "sms-tui-pyz-65534"
    if planted:  # made by another user, writable by all: code run from it could be anyone's
        cache.mkdir()
        cache.chmod(0o777)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "XDG_", "SHIV"))}
    env = {**clean, "HOME": "/nonexistent", "TMPDIR": str(shared)}
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    argv = [*drop, _python_for_nobody(drop, env), str(copy), "--version"]
    for _ in range(2):  # the second run reuses what the first unpacked
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, check=False)
        assert (done.returncode, done.stdout.strip()) == (0, f"sms-tui {__version__}"), done.stderr[-2000:]
    if planted:
        assert list(cache.iterdir()) == [] and cache.stat().st_uid == 0
        own = [p for p in shared.iterdir() if p.name.startswith("sms-tui-pyz-65534-")]
        assert len(own) == 1 and own[0].stat().st_uid == 65534  # one folder of its own, found again: not 26 MB a run
    else:
        info = cache.stat()
        assert info.st_uid == 65534 and info.st_mode & 0o077 == 0 and any(cache.iterdir())


def _python_for_nobody(drop: list[str], env: dict[str, str]) -> str:
    """An interpreter of this Python version that nobody can start: this one, unless it lives
    where nobody cannot go (pyenv's under /root, with its libpython), else the system's."""
    wanted = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/python{wanted}"):
        done = subprocess.run([*drop, python, "-c", "import sys; print(*sys.version_info[:2], sep='.')"], capture_output=True,
                              text=True, env=env, timeout=60, check=False)
        if done.returncode == 0 and done.stdout.strip() == wanted:
            return python
    pytest.skip(f"no Python {wanted} that nobody can start here (this one is under a folder nobody cannot enter)")


@pytest.mark.skipif(os.geteuid() != 0, reason="root with another user's HOME needs root")
def test_root_never_runs_code_another_user_planted_in_its_home(pyz: Path, shared: Path) -> None:
    """Finding 10: `HOME=/home/tech sms-tui` as root (sudo -E, a unit with Environment=HOME=…) ran
    what that user planted in ~/.shiv. A HOME or ~/.shiv that is not root's own is not used."""
    home = shared / "techhome"
    home.mkdir()
    os.chown(home, 65534, 65534)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "XDG_", "SHIV"))}
    done = subprocess.run([sys.executable, str(pyz), "--version"], capture_output=True, text=True, timeout=120,
                          env={**clean, "HOME": str(home), "TMPDIR": str(shared)}, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, f"sms-tui {__version__}"), done.stderr[-2000:]
    assert not (home / ".shiv").exists()  # nothing of root's unpacked where that user could change it, nothing run from there

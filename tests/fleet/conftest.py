"""The Ansible tools the fleet tests run: ansible-core (and ansible-lint) in a venv of their own that
`.ci/run` installs from ansible/requirements-test.txt and names by ANSIBLE_PLAYBOOK; the other
tools are its neighbours in the same bin/. Without it the fleet tests skip (saying how to add it),
except in CI where they fail. The collection is built and installed from ansible/ once per session,
the way a technician does (`ansible-galaxy collection build`, then `install`)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
COLLECTION = ROOT / "ansible"
PLAYBOOK = os.environ.get("ANSIBLE_PLAYBOOK", "")
HOW = "ansible-playbook not installed: .ci/run installs it (ansible/requirements-test.txt) and names it in ANSIBLE_PLAYBOOK"


def need_ansible() -> Path:
    if PLAYBOOK:
        return Path(PLAYBOOK).parent
    if os.environ.get("CI"):
        pytest.fail(HOW)
    pytest.skip(HOW)


def ansible_env(home: Path, collections: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "ANSIBLE_HOME": str(home / "ansible-home"), "ANSIBLE_LOCAL_TEMP": str(home / "ansible-tmp"),
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "0", "ANSIBLE_FORKS": "2",
           "PYTHONWARNINGS": "ignore", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}  # ansible refuses a locale the machine lacks
    if collections is not None:
        env["ANSIBLE_COLLECTIONS_PATH"] = str(collections)
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout, check=False)


@dataclass(frozen=True)
class Collection:
    bin: Path          # ansible-core's bin/ (ansible-playbook, ansible-galaxy, ansible-doc, python)
    tarball: Path      # what `ansible-galaxy collection build ansible/` made
    path: Path         # ANSIBLE_COLLECTIONS_PATH where it is installed
    home: Path


@pytest.fixture(scope="session")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    tools = need_ansible()
    home = tmp_path_factory.mktemp("collection")
    env = ansible_env(home)
    built = run([str(tools / "ansible-galaxy"), "collection", "build", str(COLLECTION), "--output-path", str(home)], env)
    assert built.returncode == 0, built.stdout + built.stderr
    tarball = next(home.glob("sms_tui-gateway-*.tar.gz"))
    installed = run([str(tools / "ansible-galaxy"), "collection", "install", "--offline", str(tarball),
                     "-p", str(home / "collections")], env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return Collection(bin=tools, tarball=tarball, path=home / "collections", home=home)

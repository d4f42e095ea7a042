"""The README's first command, as a technician runs it on a shop server: Debian's own python3
(PEP 668: no `pip install` into it) in a HOME of its own, a venv, the lock, and sms-tui answers.
Where this machine has no Debian python3 with its venv module, the test says so and skips."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.samples import checkout_copy

ROOT = Path(__file__).parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"

pytestmark = pytest.mark.slow


def _readme_first_command() -> str:
    block = re.search(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert block is not None
    return block.group(1).splitlines()[0].split("  #")[0].strip()


def test_the_readme_installs_with_the_system_python(tmp_path: Path) -> None:
    if not Path(SYSTEM_PYTHON).exists():
        pytest.skip("no system python3 at /usr/bin/python3")
    if subprocess.run([SYSTEM_PYTHON, "-c", "import ensurepip, venv"], capture_output=True, check=False).returncode != 0:
        pytest.skip("the system python3 has no venv module (apt-get install python3-venv)")
    command = _readme_first_command()
    assert command.startswith("python3 -m venv ") and command.endswith("--demo")
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = tmp_path / "bin"  # python3 is the system's, whatever pyenv puts first on PATH
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(SYSTEM_PYTHON)
    env = {"HOME": str(home), "PATH": f"{bin_dir}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):  # the registry as set up here
        if name in os.environ:
            env[name] = os.environ[name]
    done = subprocess.run(["bash", "-c", command.replace("--demo", "--version")], cwd=checkout_copy(tmp_path),
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().startswith("sms-tui ")
    refused = subprocess.run([SYSTEM_PYTHON, "-m", "pip", "install", "--dry-run", "sms-tui"], capture_output=True, text=True,
                             env=env, check=False)
    assert refused.returncode != 0  # PEP 668 (or no pip at all): why the README uses a venv

"""Docs that run: every shell block (```sh, ```bash, ```shell) in README.md and docs/ is executed as
written, by bash with -e and pipefail, in a throwaway HOME, in a copy of the checkout, with
`sms-tui` on PATH and settings saved against the sandbox — so a command that fails verbatim fails
here. A block that cannot run here (the full-screen wizard, an install into the system, a real
server's systemd) carries the line `<!-- not run: REASON -->` right above it, and is reported as
skipped with that reason."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sms_tui.sandbox import Sandbox
from tests.conftest import need_tool
from tests.samples import ECO_MD5, checkout_copy

ROOT = Path(__file__).parents[2]
TOOLS = {"curl": "curl", "man": "man-db", "groff": "groff-base"}
FENCE = re.compile(r"(?:^<!-- not run: (?P<why>.+?) -->\n)?^```(?:sh|bash|shell)\n(?P<body>.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    body: str
    not_run: str | None


def blocks_in(page: str, text: str) -> list[Block]:
    return [Block(page, text.count("\n", 0, match.start("body")), match.group("body"), match.group("why"))
            for match in FENCE.finditer(text)]


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [block for path in PAGES for block in blocks_in(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))]


def test_the_pages_have_shell_blocks_and_the_reader_finds_them() -> None:
    """The collection below cannot pass by finding nothing: the README's examples are there, run."""
    readme = [b for b in BLOCKS if b.page == "README.md"]
    assert len(readme) >= 4 and sum(b.not_run is None for b in readme) >= 3
    sample = blocks_in("sample", "<!-- not run: why -->\n```sh\nfalse\n```\ntext\n```bash\ntrue\n```\n```toml\nx = 1\n```\n")
    assert [(b.body, b.not_run, b.line) for b in sample] == [("false\n", "why", 2), ("true\n", None, 6)]


@pytest.fixture
def shop(tmp_path: Path, sandbox: Sandbox) -> dict[str, str]:
    """A configured shop server in miniature: settings saved by `apply` against the sandbox."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "sms-tui").symlink_to(Path(sys.executable).with_name("sms-tui"))
    (bin_dir / "python3").symlink_to(sys.executable)
    config = tmp_path / "home" / ".config" / "sms-tui" / "smsapi.toml"
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", "SMS_TUI_CONFIG": str(config), "HOME": str(tmp_path / "home")}
    answers = tmp_path / "answers.toml"
    answers.write_text(ECO_MD5)
    done = subprocess.run(["sms-tui", "apply", str(answers), "--api-url", sandbox.url], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return env


@pytest.mark.slow
@pytest.mark.parametrize("block", BLOCKS, ids=[f"{b.page}:{b.line}" for b in BLOCKS])
def test_every_shell_block_runs_as_written(block: Block, shop: dict[str, str], tmp_path: Path, sandbox: Sandbox) -> None:
    if block.not_run is not None:
        pytest.skip(f"{block.page}:{block.line}: {block.not_run}")
    for tool, package in TOOLS.items():  # what a block runs besides sms-tui and the shell's own
        if re.search(rf"(^|[\s;&|(]){tool}\s", block.body):
            need_tool(tool, package, f"{block.page}:{block.line}")
    before = len(sandbox.outbox)
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.body], cwd=checkout_copy(tmp_path), env=shop,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"{block.page}:{block.line} exited {done.returncode}:\n{block.body}\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
    if "send" in block.body or "sms.do" in block.body:
        assert len(sandbox.outbox) > before, "a block that sends reached the sandbox"

"""sms-tui(1): written from the argument parser (packaging/build_manpage.py); the committed page is
what the parser says now, and groff reads it without a warning."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import need_tool

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "sms-tui.1"


def _render() -> str:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import build_manpage
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    return str(build_manpage.render())


def test_the_committed_page_is_the_parsers() -> None:
    assert PAGE.read_text(encoding="utf-8") == _render(), "stale: python3 packaging/build_manpage.py"


def test_it_names_every_command_and_option() -> None:
    text = PAGE.read_text(encoding="utf-8").replace("\\-", "-")
    for word in ("apply", "relay", "queue", "doctor", "export", "--dry-run", "--queue", "--config"):
        assert word in text, word


def test_groff_reads_it_without_a_warning() -> None:
    groff = need_tool("groff", "groff-base", "checking the manual page")
    done = subprocess.run([groff, "-k", "-man", "-Tutf8", "-ww", "-z", str(PAGE)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")

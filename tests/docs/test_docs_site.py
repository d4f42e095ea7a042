"""The documentation as a site: `mkdocs build --strict` (Material theme) from mkdocs.yml, every page
in the navigation, no broken link or anchor. mkdocs lives in a venv of its own that .ci/run
installs from docs/requirements.txt and names by MKDOCS; without it this skips, except in CI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
MKDOCS = os.environ.get("MKDOCS", "")


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    if not MKDOCS:
        if os.environ.get("CI"):
            pytest.fail("MKDOCS is not set: .ci/run installs mkdocs (docs/requirements.txt) and names it")
        pytest.skip("mkdocs not installed: python3 -m venv /tmp/d && /tmp/d/bin/pip install -r docs/requirements.txt, then MKDOCS=/tmp/d/bin/mkdocs")
    done = subprocess.run([MKDOCS, "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    pages = {p.parent.name for p in (tmp_path / "site").rglob("index.html")}
    assert {"install", "outbox", "fleet", "troubleshooting", "benchmarks", "man"} <= pages
    assert (tmp_path / "site" / "screenshots" / "3-credentials.svg").is_file()


def test_every_page_is_in_the_navigation() -> None:
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text())["nav"]
    listed = {page for entry in nav for page in entry.values()}
    assert listed == {p.name for p in (ROOT / "docs").glob("*.md")}

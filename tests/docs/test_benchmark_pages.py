"""docs/benchmarks.md is written by the benchmarks: each script's section is there to be replaced,
and the writer replaces only its own."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_each_benchmark_has_its_section() -> None:
    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for name in ("run", "relay"):
        assert page.count(f"<!-- {name}: begin -->") == 1 and page.count(f"<!-- {name}: end -->") == 1


def test_the_writer_replaces_only_its_own_section(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import record
    finally:
        sys.path.remove(str(ROOT))
    page = tmp_path / "benchmarks.md"
    page.write_text("# B\n<!-- run: begin -->\nold run\n<!-- run: end -->\n<!-- relay: begin -->\nold relay\n<!-- relay: end -->\n")
    record.LINES[:] = ["goal  figure", "x     1 ms"]
    record.record("relay", "python benchmarks/relay.py --messages 10", page)
    text = page.read_text()
    assert "old run" in text and "old relay" not in text
    assert "`python benchmarks/relay.py --messages 10` — " in text and "x     1 ms" in text and record.machine() in text

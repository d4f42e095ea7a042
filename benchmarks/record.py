"""Where the benchmarks write their figures: docs/benchmarks.md, each script its own section
between `<!-- NAME: begin -->` and `<!-- NAME: end -->`, with the command, the date and the machine.
No figure in the docs is typed by hand; `--no-record` leaves the page alone."""

from __future__ import annotations

import datetime
import os
import re
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
LINES: list[str] = []


def say(text: str = "") -> None:
    """Print a line of the table and keep it for the page."""
    print(text)
    LINES.append(text)


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}"


def record(name: str, command: str, page: Path = PAGE) -> None:
    """Replace the script's section of the page with what it printed this run."""
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    section = (f"<!-- {name}: begin -->\n`{command}` — {today}, {machine()}:\n\n```text\n"
               + "\n".join(LINES).strip("\n") + f"\n```\n<!-- {name}: end -->")
    text = page.read_text(encoding="utf-8")
    pattern = re.compile(rf"<!-- {re.escape(name)}: begin -->.*?<!-- {re.escape(name)}: end -->", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{page} has no section for {name}: add `<!-- {name}: begin -->` and `<!-- {name}: end -->`")
    page.write_text(pattern.sub(lambda _: section, text), encoding="utf-8")
    print(f"\nwritten into {page}")

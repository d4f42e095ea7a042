"""Write the manual page sms-tui(1) from the argument parser itself (argparse-manpage), so it can
never describe options the program does not have:

    python3 packaging/build_manpage.py            # writes docs/sms-tui.1
    man ./docs/sms-tui.1                          # read it; install: /usr/local/share/man/man1/

tests/docs/test_manpage.py rebuilds it and fails when the committed page is stale or groff warns."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "sms-tui.1"


def render() -> str:
    sys.path.insert(0, str(ROOT))
    from argparse_manpage.manpage import Manpage  # type: ignore[import-untyped]  # noqa: PLC0415 — after sys.path: the checkout first

    from sms_tui import __version__  # noqa: PLC0415
    from sms_tui.cli import build_parser  # noqa: PLC0415

    parser = build_parser()
    data = {"project_name": "sms-tui", "prog": "sms-tui", "version": __version__, "manual_section": "1",
            "manual_title": "sms-tui manual", "description": "connect a shop's software to the SMSAPI SMS gateway",
            "url": "https://www.smsapi.pl/docs", "authors": ["sms-tui developers"], "format": "pretty",
            "date": f"version {__version__}"}  # reproducible: the page changes with the program, not the calendar
    return str(Manpage(parser, _data=data, format="pretty"))


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--output", type=Path, default=PAGE)
    args = options.parse_args()
    args.output.write_text(render(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

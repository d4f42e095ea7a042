"""Reading TOML: the standard library's tomllib from Python 3.11, tomli (the same parser, as
published for older Pythons) on 3.10. Imported only where a file is read."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, loads
else:  # pragma: no cover - exercised by CI's Python 3.10 run
    from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "loads"]

"""Python 3.10 (Ubuntu 22.04 LTS's) beside 3.11 and newer: the names the code needs that 3.10
lacks. TOML reading is in `toml_read.py`: it loads only where a file is read."""

from __future__ import annotations

import sys
from datetime import timezone

UTC = timezone.utc  # datetime.UTC is 3.11's name for the same object

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - exercised by CI's Python 3.10 run
    from enum import Enum

    class StrEnum(str, Enum):
        """3.11's StrEnum: members are their values as text (format and str alike)."""

        def __str__(self) -> str:
            return str(self.value)

        def __format__(self, spec: str) -> str:
            return str(self.value).__format__(spec)


__all__ = ["UTC", "StrEnum"]

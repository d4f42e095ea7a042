"""The low-balance threshold as typed: points, at most two decimals, comma or dot."""

from __future__ import annotations

import re

_POINTS = re.compile(r"\d{1,6}(?:[.,]\d{1,2})?")


def parse_threshold(text: str) -> float | None:
    """The threshold in points (0 = off, also for an empty field); None for anything else — "2.5.1"
    must never quietly become 0 and switch the warning off."""
    value = text.strip()
    if not value:
        return 0.0
    if not _POINTS.fullmatch(value):
        return None
    return float(value.replace(",", "."))


def below_threshold(points: float | None, threshold: float) -> bool:
    """The one low-balance rule (check, watch, doctor, apply, the wizard): 0 means off; a balance
    SMSAPI did not say counts as none."""
    return bool(threshold) and (points or 0) < threshold


def threshold_text(value: object) -> object:
    """50.0 reads "50" wherever a threshold is written (a check line, a notice, the summary); the
    JSON keeps the number."""
    return int(value) if isinstance(value, float) and value.is_integer() else value

"""The wizard's steps, in order, by name: the one registry the Wizard, the draft, the step bar and
the app's screen table all use. Names, not numbers, travel in the code; a number is only what
the technician reads ("Krok 3 z 6") and what a draft stores."""

from __future__ import annotations

from typing import Literal, get_args

StepName = Literal["welcome", "checklist", "credentials", "sender", "test", "summary"]
STEPS: tuple[StepName, ...] = ("welcome", "checklist", "credentials", "sender", "test", "summary")
assert STEPS == get_args(StepName)  # one list, in the order shown


def number(name: StepName) -> int:
    return STEPS.index(name) + 1


def by_number(value: object) -> StepName:
    """A step from a number as a draft keeps it; anything out of range is the nearest end."""
    n: int
    try:
        n = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        n = 1
    return STEPS[min(max(n, 1), len(STEPS)) - 1]


def after(name: StepName) -> StepName | None:
    i = STEPS.index(name)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def before(name: StepName) -> StepName | None:
    i = STEPS.index(name)
    return STEPS[i - 1] if i > 0 else None

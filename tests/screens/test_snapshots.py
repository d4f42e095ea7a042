"""Every step at 80×24 in Polish, plus English and NO_COLOR variants (pytest-textual-snapshot).
Re-baseline with `pytest --snapshot-update` only after looking at the report."""

from __future__ import annotations

from typing import Any

import pytest

from sms_tui import i18n
from sms_tui.sandbox import Sandbox
from tests.tour import TOUR, Stop, tour_app


@pytest.mark.parametrize("stop", TOUR, ids=[s.name for s in TOUR])
def test_step_snapshot(stop: Stop, snap_compare: Any, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    i18n.set_language(stop.lang)
    if stop.no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(tour_app(sandbox), run_before=stop.run_before, terminal_size=(80, 24))

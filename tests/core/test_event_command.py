"""Handing a payload to a program the settings name: a typed result, and a missing program named
with the setting that names it (an on_event program is no notify_command problem)."""

from __future__ import annotations

import sys
from pathlib import Path

from sms_tui.event_command import Ran, run_command, run_handler


def test_a_program_that_takes_it(tmp_path: Path) -> None:
    out = tmp_path / "got.json"
    ran = run_command([sys.executable, "-c", f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"], {"a": 1}, "[outbox] on_event")
    assert ran == Ran("sent") and out.read_text() == '{"a": 1}'


def test_a_missing_program_is_named_with_its_setting() -> None:
    for setting in ("[outbox] on_event", "[alerts] notify_command", "[outbox] eventhandler"):
        ran = run_command(["/nie/ma/takiego"], {}, setting)
        assert ran.outcome == "failed" and "/nie/ma/takiego" in ran.detail and setting in ran.detail
    code, said = run_handler(["/nie/ma/takiego"], "[outbox] checkhandler")
    assert code == 127 and "[outbox] checkhandler" in said


def test_a_failing_program_says_its_code_and_last_line() -> None:
    ran = run_command([sys.executable, "-c", "import sys; print('zly adres', file=sys.stderr); sys.exit(3)"], {}, "[outbox] on_event")
    assert ran.outcome == "failed" and "3" in ran.detail and "zly adres" in ran.detail

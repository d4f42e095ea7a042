"""Small functions: no function in sms_tui/ (the sandbox aside) above cyclomatic complexity 15, as
radon counts it. The ones still above are listed with their count today: none may grow, none may
join, and one brought down must leave the list (so it only shrinks)."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).parents[2]
LIMIT = 15
STILL_ABOVE = {  # to split, like answers.from_mapping was (49 → 15)
    ("sms_tui/cli.py", "main"): 21,
    ("sms_tui/commands/apply.py", "_apply"): 31,
    ("sms_tui/commands/doctor.py", "_doctor"): 22,
    ("sms_tui/commands/queue.py", "_list"): 22,
    ("sms_tui/outbox/arrivals.py", "Arrivals._take"): 17,
    ("sms_tui/outbox/intake.py", "Intake.claim"): 22,
    ("sms_tui/outbox/message.py", "parse"): 25,
    ("sms_tui/outbox/relay.py", "Relay._send_locked"): 20,
    ("sms_tui/outbox/service.py", "install"): 20,
    ("sms_tui/rules/phone.py", "check_phone"): 21,
    ("sms_tui/smsapi/transport.py", "classify"): 26,
    ("sms_tui/tui/cell_diff.py", "ScreenDiff._diff"): 26,
    ("sms_tui/tui/cell_diff.py", "ScreenDiff._emit"): 18,
    ("sms_tui/tui/cell_diff.py", "ScreenDiff._write"): 16,
    ("sms_tui/tui/cell_diff.py", "apply_sgr"): 23,
}


def complexities(path: Path, text: str) -> dict[tuple[str, str], int]:
    found = {}
    for block in cc_visit(text):
        for item in [block, *getattr(block, "methods", [])]:
            for function in [item, *getattr(item, "closures", [])]:
                name = f"{function.classname}.{function.name}" if getattr(function, "classname", None) else function.name
                found[(path.as_posix(), name)] = function.complexity
    return found


def test_no_function_grows_past_the_limit_and_the_list_only_shrinks() -> None:
    measured: dict[tuple[str, str], int] = {}
    for path in sorted((ROOT / "sms_tui").rglob("*.py")):
        if "sandbox" not in path.parts:
            measured |= complexities(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    above = {key: value for key, value in measured.items() if value > LIMIT}
    grown = {key: (value, STILL_ABOVE.get(key)) for key, value in above.items() if value > STILL_ABOVE.get(key, LIMIT)}
    assert grown == {}, "split these (now, allowed)"
    assert set(STILL_ABOVE) - set(above) == set(), "brought down: take them off STILL_ABOVE"


def test_the_count_sees_a_tangled_function() -> None:
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(16))
    assert complexities(Path("x.py"), f"def tangled(x):\n{branches}    return -1\n") == {("x.py", "tangled"): 17}

"""Small functions: no function in sms_tui/ (the sandbox aside) above cyclomatic complexity 15, as
radon counts it."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).parents[2]
LIMIT = 15


def complexities(path: Path, text: str) -> dict[tuple[str, str], int]:
    found = {}
    for block in cc_visit(text):
        for item in [block, *getattr(block, "methods", [])]:
            for function in [item, *getattr(item, "closures", [])]:
                name = f"{function.classname}.{function.name}" if getattr(function, "classname", None) else function.name
                found[(path.as_posix(), name)] = function.complexity
    return found


def test_no_function_above_the_limit() -> None:
    measured: dict[tuple[str, str], int] = {}
    for path in sorted((ROOT / "sms_tui").rglob("*.py")):
        if "sandbox" not in path.parts:
            measured |= complexities(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    assert len(measured) > 500  # the walk found the package
    assert {key: value for key, value in measured.items() if value > LIMIT} == {}, "split these"


def test_the_count_sees_a_tangled_function() -> None:
    branches = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(16))
    assert complexities(Path("x.py"), f"def tangled(x):\n{branches}    return -1\n") == {("x.py", "tangled"): 17}

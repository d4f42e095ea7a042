"""The TUI's shape, held by tests: one step registry, and no screen writing the setup — the Wizard
is its only writer (screens call its methods)."""

from __future__ import annotations

import ast
from pathlib import Path

from sms_tui import steps

TUI = Path(__file__).parent.parent / "sms_tui" / "tui"


def _chain(node: ast.AST) -> list[str]:
    names = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        node = node.value
    return names


def test_no_screen_or_app_writes_the_setup_or_the_wizard_state() -> None:
    writes = []
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[ast.AST] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and node.args:
                targets = [node.args[0]]
            for target in targets:
                for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                    if {"state", "setup"} & set(_chain(element)):
                        writes.append(f"{path.name}:{node.lineno}")
    assert writes == []


def test_one_step_registry() -> None:
    from sms_tui.tui.app import STEP_SCREENS, step_screen

    assert tuple(STEP_SCREENS) == steps.STEPS
    assert [step_screen(name).STEP for name in steps.STEPS] == list(steps.STEPS)
    assert [steps.number(name) for name in steps.STEPS] == [1, 2, 3, 4, 5, 6]
    assert steps.by_number("x") == "welcome" and steps.by_number(99) == "summary" and steps.by_number(10**400) == "summary"
    assert steps.after("summary") is None and steps.before("welcome") is None


def test_screens_use_on_handlers_not_hand_made_hooks() -> None:
    for path in (TUI / "screens").glob("*.py"):
        text = path.read_text()
        assert "def handle_button" not in text and "def handle_submit" not in text, path.name
        assert "def on_button_pressed" not in text, path.name

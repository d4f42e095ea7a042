"""The TUI's shape, held by tests: one step registry, and no screen writing the setup — the Wizard
is its only writer (screens call its methods)."""

from __future__ import annotations

import ast
from pathlib import Path

from sms_tui.wizard import steps

TUI = Path(__file__).parents[2] / "sms_tui" / "tui"


SHARED = {"state", "setup"}
MUTATORS = {"append", "extend", "update", "clear", "pop", "popitem", "setdefault", "remove", "insert", "discard", "add"}


def _chain(node: ast.AST) -> tuple[list[str], str | None]:
    """The attribute names from the outside in, and the name at the root (`u` in `u.x[1].y`)."""
    names = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        node = node.value
    return names, node.id if isinstance(node, ast.Name) else None


def _aliases(tree: ast.AST) -> set[str]:
    """Local names bound to the shared objects: `s, u = self.wizard.state, self.wizard.setup`."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = zip(target.elts, node.value.elts, strict=False) if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple) \
                    else [(target, node.value)]
                for name, value in pairs:
                    if isinstance(name, ast.Name) and _chain(value)[0][:1] and _chain(value)[0][0] in SHARED:
                        found.add(name.id)
    return found


def _writes(tree: ast.AST) -> list[int]:
    aliases = _aliases(tree)

    def shared(node: ast.AST) -> bool:
        names, root = _chain(node)
        return bool(SHARED & set(names)) or (root in aliases and isinstance(node, (ast.Attribute, ast.Subscript)))

    lines = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = [e for t in node.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") and node.args:
            targets = [ast.Attribute(value=node.args[0], attr="?")]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            targets = [node.func.value] if shared(node.func.value) else []
        lines += [node.lineno for target in targets if isinstance(target, (ast.Attribute, ast.Subscript)) and shared(target)]
    return lines


def test_no_screen_or_app_writes_the_setup_or_the_wizard_state() -> None:
    writes = [f"{path.name}:{line}" for path in TUI.rglob("*.py") for line in _writes(ast.parse(path.read_text()))]
    assert writes == []


def test_the_write_finder_finds_writes() -> None:
    """The check above must not pass by finding nothing: each of these is a write it must see."""
    for code in ("self.wizard.setup.username = 'x'", "self.wizard.state.step = 'x'", "u = self.wizard.setup\nu.username = 'x'",
                 "s, u = self.wizard.state, self.wizard.setup\nu.checklist['a'] = True",
                 "self.wizard.setup.checklist.update(a=True)", "setattr(self.wizard.setup, 'username', 'x')",
                 "u = self.wizard.setup\nu.checklist.clear()", "self.wizard.state.dirty += 1"):
        assert _writes(ast.parse(code)), code
    for code in ("x = self.wizard.setup.username", "self.value = self.wizard.state.step", "items.append(self.wizard.setup.username)"):
        assert not _writes(ast.parse(code)), code


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

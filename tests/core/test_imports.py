"""The core imports without Textual, and the headless commands never load it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["sms_tui.smsapi", "sms_tui.rules", "sms_tui.settings.store", "sms_tui.settings.model", "sms_tui.settings.setup_model",
        "sms_tui.settings.answers", "sms_tui.base.files", "sms_tui.operations", "sms_tui.sandbox", "sms_tui.delivery",
        "sms_tui.diagnose", "sms_tui.sender_flow", "sms_tui.watch.monitor", "sms_tui.watch.schedule", "sms_tui.wizard.wizard",
        "sms_tui.wizard.senders", "sms_tui.wizard.watch_setup", "sms_tui.wizard.draft", "sms_tui.wizard.steps",
        "sms_tui.commands.apply", "sms_tui.commands.check", "sms_tui.commands.send", "sms_tui.commands.show",
        "sms_tui.commands.watch", "sms_tui.commands.sender", "sms_tui.commands.doctor", "sms_tui.commands.status"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_core_imports_without_textual() -> None:
    modules = _modules_after("\n".join(f"import {m}" for m in CORE))
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


@pytest.mark.parametrize("argv", [["--version"], ["show"], ["check"], ["apply", "/nonexistent.toml"],
                                  ["send", "--to", "500000000", "--message", "x"]])
def test_commands_do_not_import_textual(argv: list[str], tmp_path: object) -> None:
    code = (f"import sys; from sms_tui.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass")
    modules = _modules_after(code)
    assert "textual" not in modules
    assert "sms_tui.tui" not in modules


def test_wizard_start_defers_heavy_imports() -> None:
    """First paint over SSH: what the first screen does not use loads on first use, not at start."""
    modules = _modules_after("import sms_tui.tui.launch, sms_tui.tui.app, sms_tui.tui.screens.welcome")
    deferred = {"pydantic", "httpx", "phonenumbers", "tomli_w", "json", "tomllib", "hashlib", "logging.handlers",
                "sms_tui.diagnose", "sms_tui.smsapi.errors", "sms_tui.rules.phone", "sms_tui.tui.screens.credentials",
                "sms_tui.tui.widgets.choices", "textual.widgets._checkbox"}
    assert not deferred & modules


def test_version_imports_almost_nothing() -> None:
    modules = _modules_after("from sms_tui.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass")
    assert not {"pydantic", "httpx", "phonenumbers", "textual", "asyncio"} & modules


def test_show_imports_no_network_or_logging(tmp_path: object) -> None:
    """`show` only reads a file: no HTTP stack, no event loop, no logging machinery at start-up."""
    code = f"from sms_tui.cli import main\nmain(['show', '--config', {str(tmp_path) + '/none.toml'!r}])"
    modules = _modules_after(code)
    assert not {"httpx", "asyncio", "logging", "ssl", "textual"} & modules


def test_check_does_not_build_the_models_of_calls_it_never_makes(tmp_path: object) -> None:
    """Status, statement, ping and price models are pydantic classes (milliseconds each to build):
    they load with the calls that use them, not with every client."""
    code = ("from sms_tui.cli import main\n"
            f"main(['check', '--config', {str(tmp_path) + '/none.toml'!r}, '--api-url', 'http://127.0.0.1:9/'])\n"
            "import sms_tui.smsapi.client")
    modules = _modules_after(code)
    assert "sms_tui.smsapi.client" in modules
    assert not {"sms_tui.smsapi.message_status", "sms_tui.smsapi.sender_statement", "sms_tui.smsapi.profile_models"} & set(modules)


def _import_graph() -> dict[str, set[str]]:
    """Every import of sms_tui by sms_tui, read from the source: at the top, inside functions and
    under TYPE_CHECKING alike (the run-time test above cannot see a deferred or type-only one)."""
    import ast
    from pathlib import Path

    root = Path(__file__).parents[2] / "sms_tui"
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def known(name: str) -> str:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("sms_tui"):
                for alias in node.names:
                    target = known(f"{node.module}.{alias.name}") or known(node.module or "")
                    if target and target != name:
                        graph[name].add(target)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("sms_tui") and (target := known(alias.name)) and target != name:
                        graph[name].add(target)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, or None."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_import_cycle_not_even_for_type_hints() -> None:
    cycle = _cycle(_import_graph())
    assert cycle is None, " → ".join(cycle or [])


def test_the_check_finds_a_cycle() -> None:
    """The walk can fail: a cycle through a type-only import, as the mixins had, is found."""
    graph = {**_import_graph(), "sms_tui.wizard.senders": {"sms_tui.wizard.wizard"}}
    graph["sms_tui.wizard.wizard"] = graph["sms_tui.wizard.wizard"] | {"sms_tui.wizard.senders"}
    assert _cycle(graph) is not None


def test_no_module_reaches_another_by_a_string_name() -> None:
    """Moving a module must break an import, not a lookup that silently finds nothing: no
    sys.modules by name; importlib by name only in the loaders made for it (lazy packages, the
    catalogues, the command table's deferred import, the screens' table)."""
    import re
    from pathlib import Path

    allowed = {"lazy.py", "i18n/__init__.py", "cli.py", "tui/app.py"}
    root = Path(__file__).parents[2] / "sms_tui"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(root).as_posix()
        assert "sys.modules" not in text, name
        if name not in allowed:
            assert not re.search(r"import_module\(|__import__\(", text), name


def _floors() -> tuple[object, object]:
    """The layers contract as pyproject.toml writes it, and the graph of sms_tui's imports (grimp)."""
    import tomllib
    from pathlib import Path

    import grimp
    from importlinter.contracts.layers import LayersContract

    config = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["tool"]["importlinter"]
    (spec,) = [c for c in config["contracts"] if c["id"] == "floors"]
    options = {key: value for key, value in spec.items() if key not in ("id", "name", "type")}
    contract = LayersContract(name=spec["name"], session_options={"root_packages": [config["root_package"]]},
                              contract_options=options)
    return contract, grimp.build_graph(config["root_package"])


def test_the_floor_plan_holds() -> None:
    """No module imports a floor above its own (pyproject.toml's [tool.importlinter], as `lint-imports` reads it)."""
    contract, graph = _floors()
    check = contract.check(graph, verbose=False)  # type: ignore[attr-defined]
    assert check.kept, contract.render_broken_contract(check)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("importer", "imported"), [
    ("sms_tui.base.files", "sms_tui.settings.store"),  # the ground floor reaching up
    ("sms_tui.settings.setup_model", "sms_tui.wizard.steps"),  # the arrow this contract removed
    ("sms_tui.outbox.spool", "sms_tui.wizard.wizard"),  # two rooms side by side
])
def test_the_floor_plan_fails_on_a_back_arrow(importer: str, imported: str) -> None:
    contract, graph = _floors()
    graph.add_import(importer=importer, imported=imported)  # type: ignore[attr-defined]
    assert not contract.check(graph, verbose=False).kept  # type: ignore[attr-defined]

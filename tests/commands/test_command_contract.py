"""The headless commands' one contract (commands/registry.py): each declares its arguments in the
table, runs as `run(ctx, args)`, and writes only to the streams its Context carries."""

from __future__ import annotations

import importlib
import inspect
import io
import json
from argparse import Namespace
from pathlib import Path

import pytest

from sms_tui.cli import build_parser, main
from sms_tui.commands.common import Context
from sms_tui.commands.registry import commands
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.samples import PRO_TOKEN, answers_file

COMMANDS = commands(lambda _: None)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_runs_with_one_signature(command: object) -> None:
    module = importlib.import_module(command.module_name)  # type: ignore[attr-defined]
    assert list(inspect.signature(module.run).parameters) in (["ctx", "args"], ["_ctx", "args"])


def test_the_parser_is_the_table() -> None:
    parser = build_parser()
    names = next(a for a in parser._actions if a.dest == "command").choices
    assert list(names) == [c.name for c in COMMANDS]


def _ctx(tmp_path: Path, stdin: str = "", **options: object) -> tuple[Context, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    return Context(config_path=tmp_path / "smsapi.toml", out=out, err=err, stdin=io.StringIO(stdin), **options), out, err  # type: ignore[arg-type]


def test_a_command_writes_only_to_its_contexts_streams(tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    from sms_tui.commands import apply, show

    ctx, out, err = _ctx(tmp_path, api_url=sandbox.url, json=True)
    assert apply.run(ctx, Namespace(answers=answers_file(tmp_path, PRO_TOKEN), dry_run=False, wait=None, retest=False)) == ExitCode.OK
    assert json.loads(out.getvalue())["ok"] is True
    ctx, out, err = _ctx(tmp_path)
    assert show.run(ctx, Namespace()) == ExitCode.OK and "DemoSerwis" in out.getvalue() and "demo-token" not in out.getvalue() + err.getvalue()
    assert capsys.readouterr() == ("", "")  # nothing went to the process's own streams


def test_send_reads_the_message_from_the_contexts_stdin(tmp_path: Path, sandbox: Sandbox) -> None:
    from sms_tui.commands import apply, send

    ctx, _, _ = _ctx(tmp_path, api_url=sandbox.url)
    assert apply.run(ctx, Namespace(answers=answers_file(tmp_path, PRO_TOKEN), dry_run=False, wait=None, retest=False)) == ExitCode.OK
    ctx, out, _ = _ctx(tmp_path, stdin="Zamowienie 7 gotowe\n", api_url=sandbox.url)
    assert send.run(ctx, Namespace(to="500000000", message=None, stdin=True, idx=None, wait=None)) == ExitCode.OK
    assert "48500000000" in out.getvalue()
    assert sandbox.outbox[-1].message == "Zamowienie 7 gotowe"


def test_watch_install_and_uninstall_together_is_one_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--install", "--uninstall", "--json", "--config", str(tmp_path / "s.toml")]) == ExitCode.USAGE
    payload = json.loads(capsys.readouterr().out)
    assert payload["exit_code"] == 2 and payload["steps"][0]["step"] == "input"


def test_a_reporter_printing_lines_keeps_none_of_them() -> None:
    """`relay` as a service prints a line per message for months: the lines go to the journal and
    nothing of them stays in memory; only --json keeps the steps, for the object it prints."""
    from sms_tui.commands.common import Reporter

    out, err = io.StringIO(), io.StringIO()
    lines = Reporter(False, out, err)
    for n in range(1000):
        lines.step("sent", True, f"wysłano {n}")
        lines.warn("retry", f"ponowię {n}")
    assert lines.steps == [] and out.getvalue().count("wysłano") == 1000 and err.getvalue().count("ponowię") == 1000
    as_json = Reporter(True, io.StringIO(), io.StringIO())
    as_json.step("sent", True, "wysłano")
    assert as_json.steps == [{"step": "sent", "ok": True, "message": "wysłano"}]

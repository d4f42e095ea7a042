"""SMS_TUI_* variables: read in constants.py only, each documented (docs/headless.md); a wrong theme
is a usage error before the terminal is taken over."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sms_tui import constants
from sms_tui.exitcodes import ExitCode

ROOT = Path(__file__).parents[2]


def test_only_constants_reads_sms_tui_variables() -> None:
    reads = re.compile(r"""(environ\.get\(|environ\[|getenv\(|env\.get\(|env\[)\s*["']SMS_TUI_""")
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "sms_tui").rglob("*.py")
                 if path.name != "constants.py" and reads.search(path.read_text())]
    assert offenders == []


def test_every_variable_is_documented_and_every_documented_one_exists() -> None:
    readme = "\n".join(page.read_text() for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    sources = "\n".join(p.read_text() for p in (ROOT / "sms_tui").rglob("*.py"))
    mentioned = set(re.findall(r"SMS_TUI_[A-Z_]+", readme + sources))
    assert mentioned == set(constants.VARIABLES)
    table = set(re.findall(r"^\| `(SMS_TUI_[A-Z_]+)` \|", readme, flags=re.M))
    assert table == set(constants.VARIABLES)


def test_values_are_read_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert constants.config_path() is None and not constants.full_repaint()
    monkeypatch.setenv("SMS_TUI_CONFIG", "~/x.toml")
    monkeypatch.setenv("SMS_TUI_FULL_REPAINT", "1")
    monkeypatch.setenv("SMS_TUI_PUBLIC_IP", "  ")
    assert constants.config_path() == Path("~/x.toml").expanduser() and constants.full_repaint()
    assert constants.public_ip() is None  # blank is unset
    monkeypatch.setenv("SMS_TUI_FULL_REPAINT", "0")
    assert not constants.full_repaint()


def test_a_wrong_theme_is_a_usage_error_listing_the_themes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from sms_tui.tui.launch import run_wizard, theme_problem

    assert theme_problem(None) is None and theme_problem("nord") is None
    monkeypatch.setenv("SMS_TUI_THEME", "nordd")
    args = argparse.Namespace(api_url=None, config=str(tmp_path / "s.toml"), demo=False, ca_bundle=None,
                              restart_command=None, debug=False, ascii=False, mouse=False)
    assert run_wizard(args) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "SMS_TUI_THEME=nordd" in err and "textual-dark" in err and "nord," in err

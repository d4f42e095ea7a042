"""Every private Textual name or copied piece of Textual this wizard relies on, checked against
the installed Textual: an upgrade that moves one fails here, by name, before it fails on a
technician's screen. (Textual is pinned; this is the list to read when the pin moves.)"""

from __future__ import annotations

import inspect
import logging

import pytest
import textual
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.widget import Widget
from textual.widgets import Button, Input
from textual.widgets._toggle_button import ToggleButton

from sms_tui.tui import driver


def test_the_pinned_textual_is_the_tested_one() -> None:
    assert textual.__version__ == driver.TESTED_TEXTUAL  # moving the pin: re-check cell_diff.py, then move both
    assert driver.installed_textual_version() == textual.__version__  # the cheap read agrees with importlib.metadata


def test_driver_internals_used_by_the_cell_diff_writer() -> None:
    """DiffDriver reads `_app` (ascii_only) and `_file` (the tty's size) and overrides `write` and
    `start_application_mode`."""
    source = inspect.getsource(LinuxDriver.__init__) + inspect.getsource(LinuxDriver.__mro__[1].__init__)
    assert "self._file" in source and "self._app" in source and "self.fileno" in source  # fileno: the fallback size probe
    for name in ("write", "start_application_mode"):
        assert callable(getattr(LinuxDriver, name, None)), name


def test_the_fatal_error_hook() -> None:
    """WizardApp._fatal_error replaces Textual's traceback with one sentence (test_wizard_crash.py)."""
    assert callable(App._fatal_error) and callable(App._close_messages_no_wait)
    init = inspect.getsource(App.__init__)
    assert "self._exception" in init and "self._exit_renderables" in init


def test_bindings_map_used_by_local_keys() -> None:
    """LocalBindings looks a key up in the focused widget's own `_bindings.key_to_bindings`, from `_on_key`."""
    widget = Input()
    assert hasattr(widget._bindings, "key_to_bindings") and callable(Widget._on_key)


def test_toggle_drawing_overridden_by_the_text_cues() -> None:
    assert isinstance(ToggleButton.__dict__.get("_button"), property)
    assert {"toggle--label", "toggle--button"} <= ToggleButton.COMPONENT_CLASSES


def test_paste_and_copy_hooks_of_input() -> None:
    """Field cleans pastes in `_on_paste`; SecretInput unbinds copying by overriding the actions."""
    for name in ("_on_paste", "action_copy", "action_cut", "insert_text_at_cursor", "replace"):
        assert callable(getattr(Input, name, None)), name
    assert isinstance(Input.__dict__.get("selection") or getattr(Input, "selection", None), object)


def test_the_button_css_copied_into_local_button() -> None:
    """LocalButton carries the part of Button's CSS it needs (inherit_css=False): the same rules
    must still be Button's, or the copy draws something Textual no longer does."""
    css = " ".join(Button.DEFAULT_CSS.split())
    for rule in ("line-pad: 1", "text-align: center", "content-align: center middle", "$button-foreground",
                 "$button-focus-text-style", "background-tint: $foreground 5%", "$button-color-foreground",
                 "&.-style-default", "$primary-darken-2", "$success-darken-2", "$warning-darken-2"):
        assert rule in css, rule


def test_an_untested_textual_sends_every_frame_whole(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="sms_tui.tui"):
        assert driver.diffing_allowed(driver.TESTED_TEXTUAL)
        assert not driver.diffing_allowed("9.0.0")
    assert "9.0.0" in caplog.text and "whole" in caplog.text


def test_full_repaint_switches_diffing_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMS_TUI_FULL_REPAINT", "1")
    assert not driver.diffing_allowed(driver.TESTED_TEXTUAL)


async def test_the_driver_stops_diffing_after_the_first_paint_on_an_untested_textual(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    d = driver.DiffDriver(types.SimpleNamespace(ascii_only=False), debug=False, mouse=False, size=(80, 24))  # type: ignore[arg-type]
    d.check_textual_version()
    assert d.diff.diffing  # the tested release: diffing stays on
    monkeypatch.setattr(driver, "installed_textual_version", lambda: "9.1.0")
    d.check_textual_version()
    assert not d.diff.diffing


def test_ctrl_c_reaches_help_quit() -> None:
    """WizardApp.action_help_quit gives the Polish way out; Textual must still bind Ctrl+C to it."""
    assert any(getattr(b, "key", None) == "ctrl+c" and getattr(b, "action", None) == "help_quit" for b in App.BINDINGS)


def test_the_input_thread_copied_into_the_driver() -> None:
    """DiffDriver.run_input_thread is Textual 8.2.8's, copied to put the wizard's input parser in
    (input_parser.py). A change to Textual's version must be read and the copy brought along."""
    import hashlib

    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"
    assert "parser = XTermParser(self._debug)" in source
    assert "run_input_thread" in driver.DiffDriver.__dict__


def test_the_xterm_parser_names_the_input_parser_wraps() -> None:
    """WizardInputParser takes the paste markers from Textual and feeds the rest to XTermParser."""
    from textual import _xterm_parser, constants

    assert _xterm_parser.BRACKETED_PASTE_START == "\x1b[200~" and _xterm_parser.BRACKETED_PASTE_END == "\x1b[201~"
    parser = _xterm_parser.XTermParser()
    assert callable(parser.feed) and callable(parser.tick)
    assert isinstance(constants.ESCAPE_DELAY, float)

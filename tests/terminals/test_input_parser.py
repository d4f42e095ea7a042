"""Terminals: the wizard's input parser (sms_tui/tui/input_parser.py) on the byte streams a real
terminal sends — a bracketed paste holding escape sequences and line breaks (field test #6),
and Esc followed at once by Tab or Ctrl+N (field test #24)."""

from __future__ import annotations

import time

import pytest
from textual import events
from textual.message import Message

from sms_tui.tui.input_parser import WizardInputParser

PASTE = "\x1b[200~Raz\x1b[31m dwa\r\nlinia2\x1b]0;tytul\x07 koniec\x1b[201~"


def run(*reads: str, wait: bool = False) -> list[Message]:
    parser = WizardInputParser()
    out: list[Message] = []
    for data in reads:
        out += parser.feed(data)
    if wait:
        time.sleep(0.15)  # past ESCDELAY (100 ms): a lone Esc is reported on the next tick
        out += parser.tick()
    return out


def keys(messages: list[Message]) -> list[str]:
    return [m.key for m in messages if isinstance(m, events.Key)]


def pastes(messages: list[Message]) -> list[str]:
    return [m.text for m in messages if isinstance(m, events.Paste)]


def test_a_paste_with_escape_sequences_and_a_line_break_is_one_paste_and_no_key() -> None:
    out = run(PASTE)
    assert keys(out) == []  # no Enter: the paste can never send the test SMS
    assert pastes(out) == ["Raz\x1b[31m dwa\r\nlinia2\x1b]0;tytul\x07 koniec"]


@pytest.mark.parametrize("cut", range(1, len(PASTE)))
def test_a_paste_cut_anywhere_between_reads_is_the_same_paste(cut: int) -> None:
    out = run("a" + PASTE[:cut], PASTE[cut:] + "b")
    assert pastes(out) == ["Raz\x1b[31m dwa\r\nlinia2\x1b]0;tytul\x07 koniec"]
    assert keys(out) == ["a", "b"]


def test_keys_around_a_paste_keep_their_order() -> None:
    out = run("x" + PASTE + "\r")
    assert [type(m).__name__ for m in out] == ["Key", "Paste", "Key"]
    assert keys(out) == ["x", "enter"]


@pytest.mark.parametrize(("follow", "key"), [("\t", "tab"), ("\x0e", "ctrl+n"), ("\r", "enter"), ("\x11", "ctrl+q")])
def test_esc_then_a_control_key_in_one_read_is_both_keys(follow: str, key: str) -> None:
    assert keys(run("\x1b" + follow)) == ["escape", key]


def test_esc_at_the_end_of_one_read_and_tab_in_the_next() -> None:
    assert keys(run("\x1b", "\t")) == ["escape", "tab"]


def test_a_lone_esc_is_reported_after_the_escape_delay() -> None:
    assert keys(run("\x1b")) == []
    assert keys(run("\x1b", wait=True)) == ["escape"]


def test_what_the_xterm_parser_already_reads_well_is_unchanged() -> None:
    assert keys(run("\x1b[A")) == ["up"]
    assert keys(run("\x1b", "[A")) == ["up"]  # an arrow cut between two reads
    assert keys(run("\x1b[20", "~")) == ["f9"]  # a key sequence that starts like the paste marker
    assert keys(run("\x1bOP")) == ["f1"]
    assert keys(run("\x1b[11~")) == ["f1"]  # PuTTY
    assert keys(run("\x1bx", wait=True)) == ["alt+x"]  # Esc + a printable key stays Alt

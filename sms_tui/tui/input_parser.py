"""The terminal's input, read the way the wizard needs it, in front of Textual's xterm parser.

Two things Textual 8.2.8's parser gets wrong for a technician (field tests #6 and #24):

- A bracketed paste that holds an escape sequence (a coloured line copied from a terminal, an
  OSC title) is cut at that sequence: what follows it comes out as key presses — its line break as
  Enter, which sent a paid test SMS. Here a paste is everything between `ESC[200~` and `ESC[201~`,
  whatever it holds, and comes out as one Paste event; the field cleans it.
- Esc followed quickly by Tab or Ctrl+N (two keys that arrive in one read over SSH) is read as
  one Alt chord that means nothing, so both are lost. Here Esc followed by a control character
  is Esc, then that key. (Esc followed by a printable character stays Alt+key.)

Everything else goes to Textual's parser unchanged."""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator

from textual import constants, events
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

ESC = "\x1b"


def _partial_suffix(text: str, marker: str) -> int:
    """How many characters at the end of `text` could be the start of `marker`."""
    for size in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-size:]):
            return size
    return 0


def _esc_then_control(text: str, at: int) -> bool:
    return text[at] == ESC and at + 1 < len(text) and (text[at + 1] < " " and text[at + 1] != ESC)


class WizardInputParser:
    """`feed` and `tick` as Textual's parser has them (the input thread calls nothing else)."""

    def __init__(self, debug: bool = False) -> None:
        self._xterm = XTermParser(debug)
        self._paste: list[str] | None = None  # inside a bracketed paste
        self._tail = ""  # the end of a read that may be the start of a marker or a lone Esc
        self._tail_at = 0.0

    def feed(self, data: str) -> Iterator[Message]:
        if not data:  # end of input
            yield from self._flush_tail()
            yield from self._xterm.feed("")
            return
        text, self._tail = self._tail + data, ""
        while text:
            if self._paste is not None:
                text = yield from self._in_paste(text)
            else:
                text = yield from self._outside_paste(text)

    def tick(self) -> Iterator[Message]:
        if self._tail and self._paste is None and time.monotonic() - self._tail_at >= constants.ESCAPE_DELAY:
            yield from self._flush_tail()
        yield from self._xterm.tick()

    def _flush_tail(self) -> Iterator[Message]:
        tail, self._tail = self._tail, ""
        if tail == ESC:
            yield events.Key("escape", ESC)
        elif tail and self._paste is None:
            yield from self._xterm.feed(tail)

    def _in_paste(self, text: str) -> Generator[Message, None, str]:
        assert self._paste is not None
        end = text.find(BRACKETED_PASTE_END)
        if end < 0:
            keep = _partial_suffix(text, BRACKETED_PASTE_END)
            self._paste.append(text[: len(text) - keep])
            self._hold(text[len(text) - keep:])
            return ""
        self._paste.append(text[:end])
        pasted, self._paste = "".join(self._paste), None
        yield events.Paste(pasted.replace("\x00", ""))
        return text[end + len(BRACKETED_PASTE_END):]

    def _outside_paste(self, text: str) -> Generator[Message, None, str]:
        start = text.find(BRACKETED_PASTE_START)
        keys, rest = (text, "") if start < 0 else (text[:start], text[start + len(BRACKETED_PASTE_START):])
        if start < 0:
            keep = _partial_suffix(keys, BRACKETED_PASTE_START)
            keys, held = keys[: len(keys) - keep], keys[len(keys) - keep:]
        else:
            held = ""
        yield from self._keys(keys)
        if start >= 0:
            self._paste = []
        self._hold(held)
        return rest

    def _keys(self, text: str) -> Iterator[Message]:
        begin = 0
        for at in range(len(text)):
            if _esc_then_control(text, at):
                yield from self._xterm.feed(text[begin:at]) if at > begin else ()
                yield events.Key("escape", ESC)
                begin = at + 1
        if begin < len(text):
            yield from self._xterm.feed(text[begin:])

    def _hold(self, text: str) -> None:
        if text:
            self._tail, self._tail_at = text, time.monotonic()

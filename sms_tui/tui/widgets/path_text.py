"""A file path shown so it can be read and retyped from the screen: broken only after a "/",
never inside a name ("…sklepu-intern" / "etowego/…" could not be copied, field test #37)."""

from __future__ import annotations

from textual import events
from textual.widgets import Static


def break_after_slashes(text: str, width: int) -> str:
    """Lines of at most `width` cells, broken after a "/" (or a space); only a single name longer
    than a whole line is cut, as nothing else can be done with it."""
    if width <= 0 or len(text) <= width:
        return text
    pieces: list[str] = []
    piece = ""
    for ch in text:
        piece += ch
        if ch in "/ ":
            pieces.append(piece)
            piece = ""
    if piece:
        pieces.append(piece)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if len(line) + len(piece) > width and line:
            lines.append(line.rstrip(" "))
            line = ""
        while len(piece) > width:
            lines.append(piece[:width])
            piece = piece[width:]
        line += piece
    if line:
        lines.append(line)
    return "\n".join(lines)


class PathText(Static):
    def __init__(self, text: str, **kwargs: object) -> None:
        super().__init__(text, markup=False, **kwargs)  # type: ignore[arg-type]
        self._text = text

    def on_resize(self, event: events.Resize) -> None:
        self.update(break_after_slashes(self._text, event.size.width))

"""A QR code drawn with half blocks (two modules per character cell), so a phone can open the
registration link straight from the SSH terminal."""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from sms_tui.constants import REGISTRATION_URL
from sms_tui.tui.widgets.qr_data import REGISTRATION_MATRIX


def qr_matrix(data: str) -> list[list[int]]:
    if data == REGISTRATION_URL:
        return [[int(ch) for ch in row] for row in REGISTRATION_MATRIX]
    import segno  # noqa: PLC0415 — segno adds 27 ms to sms_tui.tui.widgets.qr (python -X importtime); only for a link that is not precomputed

    return [[int(v) for v in row] for row in segno.make(data, error="l", boost_error=False).matrix]


def qr_text(data: str, *, ascii_only: bool = False) -> str:
    matrix = qr_matrix(data)
    border = 1
    width = len(matrix[0]) + 2 * border
    blank = [0] * width
    rows = [blank] * border + [[0] * border + r + [0] * border for r in matrix] + [blank] * border
    if len(rows) % 2:
        rows.append(blank)
    # Characters paint the light parts (quiet zone included); dark modules stay background, so
    # the code reads right on dark and light terminal themes alike.
    full, upper, lower, empty = ("#", '"', ",", " ") if ascii_only else ("█", "▀", "▄", " ")
    cell = {(0, 0): full, (0, 1): upper, (1, 0): lower, (1, 1): empty}
    return "\n".join("".join(cell[(a, b)] for a, b in zip(top, bottom, strict=True))
                     for top, bottom in zip(rows[::2], rows[1::2], strict=True))


class QrCode(Widget):
    """Drawn line by line from the precomputed text: no markup, wrapping or width measuring,
    which for 17 lines of blocks cost a Static ~20 ms of the first paint."""

    DEFAULT_CSS = "QrCode { width: auto; height: auto; }"

    def __init__(self, data: str, *, ascii_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lines = qr_text(data, ascii_only=ascii_only).splitlines()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self._lines[0])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < len(self._lines):
            return Strip.blank(self.size.width, self.rich_style)
        return Strip([Segment(self._lines[y], self.rich_style)], len(self._lines[y]))

"""A QR code drawn with half blocks (two modules per character cell), so a phone can open the
registration link straight from the SSH terminal."""

from __future__ import annotations

from textual.widgets import Static


def qr_text(data: str, *, ascii_only: bool = False) -> str:
    import segno  # deferred: only the welcome screen needs it

    matrix = [list(row) for row in segno.make(data, error="l", boost_error=False).matrix]
    border = 1
    width = len(matrix[0]) + 2 * border
    rows = [[0] * width for _ in range(border)] + [[0] * border + r + [0] * border for r in matrix] + [[0] * width for _ in range(border)]
    if len(rows) % 2:
        rows.append([0] * width)
    # Light background, dark modules: terminals differ, the quiet zone must be light.
    full, upper, lower, empty = ("#", '"', ",", " ") if ascii_only else ("█", "▀", "▄", " ")
    lines = []
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        line = []
        for a, b in zip(top, bottom, strict=True):
            # characters paint the light parts; dark modules stay background
            line.append({(0, 0): full, (0, 1): upper, (1, 0): lower, (1, 1): empty}[(a, b)])
        lines.append("".join(line))
    return "\n".join(lines)


class QrCode(Static):
    DEFAULT_CSS = "QrCode { width: auto; height: auto; }"

    def __init__(self, data: str, *, ascii_only: bool = False, **kwargs: object) -> None:
        super().__init__(qr_text(data, ascii_only=ascii_only), markup=False, **kwargs)  # type: ignore[arg-type]

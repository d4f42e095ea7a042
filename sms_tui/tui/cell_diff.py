"""What goes over the SSH link: only the cells that changed, with the shortest colour changes.

Textual repaints whole regions, often two or three times while a screen settles (a resize
pass, then widgets refreshing after mount), and wraps every segment in a full SGR and a reset.
Over a mobile link that is 15 KB for a screen a person reads in one glance. `ScreenDiff` keeps
a model of what the terminal shows (like curses does) and turns each frame Textual writes into
the difference: unchanged cells are not sent, colours change by attribute, not by reset.

With `ascii_look` every drawn character the Linux console's fonts lack (ticks, arrows, quotes,
rounded corners, Textual's scrollbar eighths) becomes a one-cell ASCII stand-in, so the layout
never shifts; Polish letters and plain box drawing stay (the console's Lat2 fonts have them).

The model is dropped whenever it may be wrong: the terminal was resized, the program came back
from a suspend, Textual cleared the screen, or a frame held a sequence this module does not
model (then the frame goes out as Textual wrote it). Ctrl+L repaints everything.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rich.cells import get_character_cell_size

_TOKEN = re.compile(
    r"\x1b\[(?P<csi>[0-9;:?<>=]*)(?P<final>[@-~])"  # CSI: cursor moves, SGR, modes
    r"|\x1b\](?P<osc>[^\x07\x1b]*)(?:\x07|\x1b\\)"  # OSC: links, pointer shape, clipboard
    r"|(?P<text>[^\x00-\x1f\x7f]+)"
    r"|(?P<cr>\r)|(?P<lf>\n)"
    r"|(?P<other>[\x00-\x1f\x7f])",
    re.S,
)
# An escape sequence cut off at the end of a write (CSI without its final byte, OSC without its
# terminator): held back and sent with the next write, so the model never reads its rest as text.
_INCOMPLETE = re.compile(r"\x1b(?:\[[0-9;:?<>=]*|\][^\x07\x1b]*\x1b?)?\Z")
_MAX_HELD = 4096  # longer than any sequence Textual writes: past this it is not a sequence, send it
_FLAG_OFF = {"22": {"1", "2"}, "23": {"3"}, "24": {"4", "21"}, "25": {"5", "6"}, "27": {"7"}, "28": {"8"},
             "29": {"9"}, "54": {"51", "52"}, "55": {"53"}}
_CONTINUATION = ""  # the right half of a wide character
_cell_width = functools.lru_cache(maxsize=4096)(get_character_cell_size)
# One cell for one cell: the layout Textual computed stays right.
ASCII_LOOK = str.maketrans({
    "✓": "+", "✔": "+", "✗": "x", "✘": "x", "›": ">", "‹": "<", "→": ">", "←": "<", "↔": "-", "↑": "^",
    "↓": "v", "•": "*", "·": "-", "„": '"', "”": '"', "“": '"', "‘": "'", "’": "'", "…": ".", "–": "-", "—": "-",
    "×": "x", "╭": "+", "╮": "+", "╰": "+", "╯": "+", "▁": "_", "▂": "_", "▃": "_", "▅": "#", "▆": "#", "▇": "#",
    "▔": "-", "▏": "|", "▎": "|", "▍": "|", "▌": "|", "▐": "|", "▕": "|", "▀": '"', "▄": ",", "█": "#",
    "▊": "#", "▋": "#", "▉": "#", "⣿": "#", "⠿": "#", "●": "*", "○": "o", "◉": "*", "◯": "o", "❯": ">",
})


@dataclass(frozen=True)
class Pen:
    """A cell's look: colours as their SGR codes, attributes as their on-codes, the link target."""

    fg: str = ""
    bg: str = ""
    flags: frozenset[str] = frozenset()
    link: str = ""

    def sgr_codes(self) -> list[str]:
        codes = sorted(self.flags)
        if self.fg:
            codes.append(self.fg)
        if self.bg:
            codes.append(self.bg)
        return codes


PLAIN = Pen()


@functools.lru_cache(maxsize=1024)
def apply_sgr(pen: Pen, params: str) -> Pen:
    """The pen after one SGR sequence, the way a terminal reads it. Cached: the same pen comes
    back as the same object, so emitting can compare pens by identity."""
    parts = params.replace(":", ";").split(";") if params else ["0"]
    fg, bg, flags = pen.fg, pen.bg, set(pen.flags)
    i = 0
    while i < len(parts):
        code = parts[i] or "0"
        if code in ("38", "48", "58"):  # 256 colours (5;N) or true colour (2;R;G;B)
            take = 3 if parts[i + 1:i + 2] == ["5"] else 5 if parts[i + 1:i + 2] == ["2"] else 1
            value = ";".join(parts[i:i + take])
            i += take
            if code == "38":
                fg = value
            elif code == "48":
                bg = value
            else:
                flags = {f for f in flags if not f.startswith("58;")} | {value}
            continue
        fg, bg, flags = _one_code(code, fg, bg, flags)
        i += 1
    return Pen(fg, bg, frozenset(flags), pen.link)


def _one_code(code: str, fg: str, bg: str, flags: set[str]) -> tuple[str, str, set[str]]:
    """One plain SGR code: a reset, a 16-colour foreground or background, an attribute on or off."""
    n = int(code) if code.isdigit() else -1
    if n == 0:
        return "", "", set()
    if 30 <= n <= 37 or 90 <= n <= 97 or n == 39:
        return ("" if n == 39 else code), bg, flags
    if 40 <= n <= 47 or 100 <= n <= 107 or n == 49:
        return fg, ("" if n == 49 else code), flags
    if code in _FLAG_OFF:
        return fg, bg, flags - _FLAG_OFF[code]
    if n == 59:
        return fg, bg, {f for f in flags if not f.startswith("58;")}
    return fg, bg, flags | {code}


def sgr_change(old: Pen | None, new: Pen) -> str:
    """The shortest SGR turning `old` (None: unknown) into `new`: attributes switched off need a reset."""
    if old is not None and (old.fg, old.bg, old.flags) == (new.fg, new.bg, new.flags):
        return ""
    if old is None or old.flags - new.flags:
        return "\x1b[" + ";".join(["0", *new.sgr_codes()]) + "m"
    codes = sorted(new.flags - old.flags)
    if new.fg != old.fg:
        codes.append(new.fg or "39")
    if new.bg != old.bg:
        codes.append(new.bg or "49")
    return "\x1b[" + ";".join(codes) + "m"


def link_change(old: Pen | None, new: Pen) -> str:
    if old is not None and old.link == new.link:
        return ""
    if old is None and not new.link:
        return ""
    return f"\x1b]8;;{new.link}\x1b\\"


@dataclass
class ScreenDiff:
    """Feed it every write meant for the terminal; it returns what actually needs sending."""

    rows: dict[int, dict[int, tuple[str, Pen]]] = field(default_factory=dict)
    size: tuple[int, int] | None = None
    ascii_look: bool = False
    diffing: bool = True  # False: every frame goes out as drawn (SMS_TUI_FULL_REPAINT), still translated
    passed_through: int = 0
    _pointer: str = ""  # the mouse pointer shape last sent (OSC 22): Textual repeats it every frame
    _held: str = ""  # the start of an escape sequence cut off by the previous write
    # Where the input stream's cursor and pen are after the last write: a write need not be a whole
    # frame, so the next one may go on drawing from there. `_placed` False: not known (start, or
    # after a sequence passed through).
    _x: int = 0
    _y: int = 0
    _pen: Pen = PLAIN
    _placed: bool = False

    def invalidate(self) -> None:
        """Forget what the terminal shows: the next frame goes out whole."""
        self.rows.clear()
        self._pointer = ""
        self._placed = False

    def resize(self, size: tuple[int, int]) -> None:
        if size != self.size:
            self.size = size
            self.invalidate()

    def write(self, data: str) -> str:
        data = self._held + data
        self._held = ""
        cut = _INCOMPLETE.search(data)
        if cut is not None and len(data) - cut.start() <= _MAX_HELD:
            data, self._held = data[: cut.start()], data[cut.start():]
            if not data:
                return ""
        return self._write(data)

    def _write(self, data: str) -> str:
        tokens = list(_TOKEN.finditer(data))
        if not any(m.lastgroup == "text" for m in tokens):
            self._follow(tokens)
            return data  # modes, queries, clipboard, a lone cursor move: nothing drawn
        if self.ascii_look:
            data = "".join(m.group(0).translate(ASCII_LOOK) if m.lastgroup == "text" else m.group(0) for m in tokens)
            tokens = list(_TOKEN.finditer(data))
        if not self.diffing:
            return data
        if self._unmodelled(tokens):
            # something this model does not follow (an erase, a scroll, a mode, text at a cursor
            # it does not know): send as is, after putting the terminal where the stream was
            restore = (f"\x1b[{self._y + 1};{self._x + 1}H{link_change(None, self._pen)}{sgr_change(None, self._pen)}"
                       if self._placed else "")
            self.invalidate()
            self.passed_through += 1
            return restore + data
        return self._diff(tokens)

    def _unmodelled(self, tokens: list[re.Match[str]]) -> bool:
        placed = self._placed
        for m in tokens:
            kind = m.lastgroup
            if kind == "final" and m.group("final") == "H":
                placed = True
            if (kind == "other" or (kind == "final" and m.group("final") not in "Hm")
                    or (kind in ("text", "cr", "lf") and not placed)):
                return True
        return False

    def _follow(self, tokens: list[re.Match[str]]) -> None:
        """A write that draws nothing still moves the stream's cursor and pen: the next write may
        draw from there (a frame cut right after its cursor move)."""
        for m in tokens:
            if m.lastgroup == "final" and m.group("final") == "H":
                row_s, _, col_s = m.group("csi").partition(";")
                self._y, self._x, self._placed = int(row_s or 1) - 1, int(col_s or 1) - 1, True
            elif m.lastgroup == "final" and m.group("final") == "m":
                self._pen = apply_sgr(self._pen, m.group("csi"))
            elif m.lastgroup == "osc" and m.group("osc").startswith("8;"):
                self._pen = Pen(self._pen.fg, self._pen.bg, self._pen.flags, m.group("osc").split(";", 2)[2])

    def _diff(self, tokens: list[re.Match[str]]) -> str:
        x, y, pen = self._x, self._y, self._pen
        before: dict[tuple[int, int], tuple[str, Pen] | None] = {}
        prefix: list[str] = []  # OSC other than links (pointer shape): kept, in order, before the drawing
        for m in tokens:
            kind = m.lastgroup
            if kind == "text":
                x = self._draw(m.group("text"), x, y, pen, before)
            elif kind == "final":
                final, params = m.group("final"), m.group("csi")
                if final == "m":
                    pen = apply_sgr(pen, params)
                else:
                    row_s, _, col_s = params.partition(";")
                    y = int(row_s or 1) - 1
                    x = int(col_s or 1) - 1
            elif kind == "osc":
                pen = self._osc(m, pen, prefix)
            elif kind == "cr":
                x = 0
            elif kind == "lf":
                y += 1
        out = prefix + self._emit(before)
        out.append(f"\x1b[{y + 1};{x + 1}H")
        self._x, self._y, self._pen, self._placed = x, y, pen, True
        return "".join(out)

    def _draw(self, text: str, x: int, y: int, pen: Pen, before: dict[tuple[int, int], tuple[str, Pen] | None]) -> int:
        """Text into the model at (x, y), remembering each touched cell's old content; the new x."""
        row = self.rows.setdefault(y, {})
        if text.isascii() or all(_cell_width(ch) == 1 for ch in text):  # one cell each: in bulk
            end = x + len(text)
            for cell in range(x, end):
                if (y, cell) not in before:
                    before[(y, cell)] = row.get(cell)
            self._forget_wide_neighbours(row, x, len(text))
            row.update(zip(range(x, end), [(ch, pen) for ch in text], strict=True))
            return end
        for ch in text:
            width = _cell_width(ch)
            if width == 0:  # a combining mark joins the cell before
                if (y, x - 1) not in before:
                    before[(y, x - 1)] = row.get(x - 1)
                old = row.get(x - 1)
                row[x - 1] = ((old[0] if old else " ") + ch, pen)
                continue
            for cell in range(x, x + width):
                if (y, cell) not in before:
                    before[(y, cell)] = row.get(cell)
            self._forget_wide_neighbours(row, x, width)
            row[x] = (ch, pen)
            if width == 2:
                row[x + 1] = (_CONTINUATION, pen)
            x += width
        return x

    def _osc(self, m: re.Match[str], pen: Pen, prefix: list[str]) -> Pen:
        """A link changes the pen; the pointer shape goes out only when it changed; any other OSC goes out."""
        osc = m.group("osc")
        if osc.startswith("8;"):
            return Pen(pen.fg, pen.bg, pen.flags, osc.split(";", 2)[2])
        if not osc.startswith("22;"):
            prefix.append(m.group(0))
        elif osc != self._pointer:
            self._pointer = osc
            prefix.append(m.group(0))
        return pen

    def _forget_wide_neighbours(self, row: dict[int, tuple[str, Pen]], x: int, width: int) -> None:
        """Overwriting half of a wide character blanks the other half on the terminal: stop trusting it."""
        left = row.get(x)
        if left is not None and left[0] == _CONTINUATION:
            row.pop(x - 1, None)
        right = row.get(x + width)
        if right is not None and right[0] == _CONTINUATION:
            row.pop(x + width, None)

    def _emit(self, before: dict[tuple[int, int], tuple[str, Pen] | None]) -> list[str]:
        changed: dict[int, list[int]] = {}
        for (y, x), old in before.items():
            new = self.rows.get(y, {}).get(x)
            if new != old:
                changed.setdefault(y, []).append(x)
        out: list[str] = []
        term: Pen | None = None  # what the terminal's pen is now; unknown at the start of a frame
        for y in sorted(changed):
            row = self.rows[y]
            for start, end in _runs(row, sorted(changed[y])):
                while start > 0 and row.get(start, ("", PLAIN))[0] == _CONTINUATION:
                    start -= 1  # a changed right half is re-sent from its left half
                out.append(f"\x1b[{y + 1};{start + 1}H")
                term = _cells(out, row, start, end, term)
        if term is not None and term != PLAIN:
            out.append(link_change(term, PLAIN))
            out.append("\x1b[0m")
        return out


def _runs(row: dict[int, tuple[str, Pen]], xs: list[int]) -> list[list[int]]:
    """Changed columns (sorted) as runs to draw: a small gap of known cells is re-sent rather than jumped."""
    runs: list[list[int]] = [[xs[0], xs[0]]]
    for x in xs[1:]:
        if x == runs[-1][1] + 1:
            runs[-1][1] = x
            continue
        gap = range(runs[-1][1] + 1, x)
        if len(gap) <= 4 and all(g in row for g in gap):
            runs[-1][1] = x  # re-sending a few known cells is cheaper than a cursor move
        else:
            runs.append([x, x])
    return runs


def _cells(out: list[str], row: dict[int, tuple[str, Pen]], start: int, end: int, term: Pen | None) -> Pen | None:
    """Cells start..end of a row onto `out`, changing the pen only where it changes; the pen after."""
    for x in range(start, end + 1):
        cell = row.get(x)
        if cell is None or cell[0] == _CONTINUATION:
            continue
        ch, pen = cell
        if pen is not term:
            out.append(link_change(term, pen))
            out.append(sgr_change(term, pen))
            term = pen
        out.append(ch)
    return term

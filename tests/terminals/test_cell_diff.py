"""The diffing writer: what reaches the terminal must draw exactly what Textual drew, in fewer bytes.

A terminal emulator (pyte) is fed Textual's frames as written and, separately, what ScreenDiff
makes of them; the two screens must match cell for cell (character, colours, attributes).
"""

from __future__ import annotations

import itertools

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_tui.tui.cell_diff import PLAIN, Pen, ScreenDiff, apply_sgr, sgr_change

W, H = 20, 6


def _screen(frames: list[str]) -> list[list[tuple[object, ...]]]:
    screen = pyte.Screen(W, H)
    stream = pyte.Stream(screen)
    for frame in frames:
        stream.feed(frame)
    return [[tuple(screen.buffer[y][x]) for x in range(W)] for y in range(H)]


def _diffed(frames: list[str]) -> list[str]:
    diff = ScreenDiff()
    return [diff.write(frame) for frame in frames]


def _line(y: int, x: int, *segments: tuple[str, str]) -> str:
    """Textual's way: a cursor move, then each segment wrapped in its SGR and a reset."""
    return f"\x1b[{y};{x}H" + "".join(f"\x1b[{sgr}m{text}\x1b[0m" for sgr, text in segments)


def test_a_repeated_frame_sends_only_the_cursor() -> None:
    frame = _line(1, 1, ("1;38;5;253;48;5;59", "Krok 1 z 6"), ("48;5;233", "   ")) + "\x1b[3;4H"
    first, second = _diffed([frame, frame])
    assert "Krok" in first
    assert second == "\x1b[3;4H"


def test_one_changed_cell_is_one_move_and_one_character() -> None:
    frames = [_line(2, 1, ("38;5;253;48;5;233", "[ ] Konto")), _line(2, 1, ("38;5;253;48;5;233", "[x] Konto"))]
    out = _diffed(frames)[1]
    assert out.startswith("\x1b[2;2H") and "x" in out and "Konto" not in out
    assert _screen(frames) == _screen(_diffed(frames))


def test_colour_changes_are_by_attribute_not_by_reset() -> None:
    frame = _line(1, 1, ("38;5;253;48;5;233", "ab"), ("38;5;246;48;5;233", "cd"))
    out = _diffed([frame])[0]
    assert out.count("\x1b[0") == 2  # the first pen from unknown, the reset at the end
    assert "\x1b[38;5;246m" in out


def test_an_attribute_switched_off_resets() -> None:
    assert sgr_change(apply_sgr(PLAIN, "1;38;5;1"), apply_sgr(PLAIN, "38;5;1")) == "\x1b[0;38;5;1m"
    assert sgr_change(apply_sgr(PLAIN, "38;5;1"), apply_sgr(PLAIN, "1;38;5;1")) == "\x1b[1m"
    assert sgr_change(apply_sgr(PLAIN, "38;5;1;48;5;2"), apply_sgr(PLAIN, "48;5;2")) == "\x1b[39m"


def test_sgr_parsing_follows_the_terminal() -> None:
    pen = apply_sgr(PLAIN, "1;3;38;2;10;20;30;48;5;233")
    assert pen == Pen("38;2;10;20;30", "48;5;233", frozenset({"1", "3"}))
    assert apply_sgr(pen, "22;39") == Pen("", "48;5;233", frozenset({"3"}))
    assert apply_sgr(pen, "") == PLAIN


def test_links_survive_and_lose_their_random_ids() -> None:
    url = "https://www.smsapi.pl/rejestracja/AC6K"
    frames = [f"\x1b[1;1H\x1b]8;id=111;{url}\x1b\\link\x1b]8;;\x1b\\", f"\x1b[1;1H\x1b]8;id=222;{url}\x1b\\link\x1b]8;;\x1b\\"]
    first, second = _diffed(frames)
    assert f"\x1b]8;;{url}\x1b\\" in first and first.count("\x1b]8;;\x1b\\") == 1
    assert second == "\x1b[1;5H"


def test_pointer_shape_is_sent_once() -> None:
    frame = "\x1b]22;default\x07" + _line(1, 1, ("", "a"))
    first, second = _diffed([frame, frame])
    assert "\x1b]22;default\x07" in first and "22;" not in second


def test_unknown_sequences_pass_through_and_reset_the_model() -> None:
    diff = ScreenDiff()
    frame = _line(1, 1, ("", "abc"))
    diff.write(frame)
    clear = "\x1b[2J" + frame
    assert diff.write(clear).endswith(clear)  # after putting the terminal's cursor and pen where the stream had them
    assert diff.passed_through == 1
    assert "abc" in diff.write(frame)  # after a clear nothing is trusted: sent again


def test_modes_and_queries_pass_untouched() -> None:
    diff = ScreenDiff()
    for data in ("\x1b[?1049h", "\x1b[?2026$p", "\x1b]52;c;aGVsbG8=\x07", "\x07"):
        assert diff.write(data) == data


def test_resize_forgets_the_screen() -> None:
    diff = ScreenDiff()
    frame = _line(1, 1, ("", "abc"))
    diff.resize((80, 24))
    diff.write(frame)
    diff.resize((100, 30))
    assert "abc" in diff.write(frame)


def test_wide_characters_keep_the_columns_right() -> None:
    frames = [_line(1, 1, ("", "a界b")), _line(1, 1, ("", "ax b")), _line(1, 1, ("", "a界c"))]
    assert _screen(frames) == _screen(_diffed(frames))


_PENS = st.sampled_from(["", "1", "38;5;253;48;5;233", "1;38;5;253;48;5;59", "7", "38;5;246;48;5;233", "4;31", "2"])
_TEXT = st.text(alphabet="ab x[]›•─│█▀▄łó", min_size=1, max_size=8)
_SEGMENT = st.tuples(_PENS, _TEXT)
_WRITE = st.tuples(st.integers(1, H), st.integers(1, W - 8), st.lists(_SEGMENT, min_size=1, max_size=2))


def _frames(frames_spec: list[list[tuple[int, int, list[tuple[str, str]]]]], *, links: bool = False) -> list[str]:
    """Frames of cursor moves and styled text from the generated spec, clipped to the line; with
    `links` also a hyperlink cell after each write that leaves room."""
    frames = []
    for writes in frames_spec:
        frame = ""
        for y, x, segments in writes:
            room = W - x + 1
            kept, used = [], 0
            for sgr, text in segments:
                text = text[: room - used]
                if text:
                    kept.append((sgr, text))
                    used += len(text)
            link = "\x1b]8;;https://x.pl/\x1b\\k\x1b]8;;\x1b\\" if links and used < room else ""  # a link cell, when it fits
            frame += _line(y, x, *kept) + link
        frames.append(frame + "\x1b[1;1H")
    return frames


@settings(max_examples=2 * settings().max_examples, deadline=None)  # twice the profile's: frames are cheap
@given(st.lists(st.lists(_WRITE, min_size=1, max_size=5), min_size=1, max_size=6))
def test_any_frames_draw_the_same_screen(frames_spec: list[list[tuple[int, int, list[tuple[str, str]]]]]) -> None:
    frames = _frames(frames_spec)
    assert _screen(frames) == _screen(_diffed(frames))


def test_ascii_look_keeps_every_cell_in_place() -> None:
    diff = ScreenDiff(ascii_look=True)
    frame = _line(1, 1, ("", "✓ ok › dalej → „tak” ╭─╮ • ł"))
    out = diff.write(frame)
    assert '+ ok > dalej > "tak" +─+ * ł' in out
    full = ScreenDiff(ascii_look=True, diffing=False).write(frame)
    assert _screen([full])[0][:8] == _screen([_line(1, 1, ("", "+ ok > d"))])[0][:8]


async def test_a_failing_writer_falls_back_to_whole_frames() -> None:
    """The diffing is an optimisation: if it ever raises, the frame still goes out as drawn."""
    import types

    from sms_tui.tui.driver import DiffDriver

    sent: list[str] = []
    driver = DiffDriver(types.SimpleNamespace(ascii_only=False), debug=False, mouse=False, size=(80, 24))
    driver._writer_thread = types.SimpleNamespace(write=sent.append)  # type: ignore[assignment]

    def broken(tokens: object) -> str:
        raise RuntimeError("a bug in the model")

    driver.diff._diff = broken  # type: ignore[method-assign]
    frame = _line(1, 1, ("1", "Krok 1 z 6"))
    driver.write(frame)
    driver.write(frame)
    assert sent == [frame, frame]
    assert not driver.diff.diffing


@settings(max_examples=2 * settings().max_examples, deadline=None)  # twice the profile's: frames are cheap
@given(st.lists(st.lists(_WRITE, min_size=1, max_size=4), min_size=1, max_size=5), st.data())
def test_frames_cut_anywhere_draw_the_same_screen(frames_spec: list[list[tuple[int, int, list[tuple[str, str]]]]],
                                                  data: st.DataObject) -> None:
    """The driver's writes are not promised to be whole frames: cut every frame at random offsets
    (inside escape sequences too) and the terminal must still show what Textual drew."""
    frames = _frames(frames_spec, links=True)
    pieces = []
    for frame in frames:
        cuts = sorted(data.draw(st.lists(st.integers(1, max(1, len(frame) - 1)), max_size=3, unique=True)))
        bounds = [0, *cuts, len(frame)]
        pieces += [frame[a:b] for a, b in itertools.pairwise(bounds) if frame[a:b]]
    diff = ScreenDiff()
    assert _screen(frames) == _screen([diff.write(piece) for piece in pieces])


def test_a_sequence_cut_in_two_is_held_until_its_end() -> None:
    diff = ScreenDiff()
    diff.write(_line(1, 1, ("", "abc")))
    assert diff.write("\x1b[2;") == ""  # the start of a cursor move: nothing sent yet
    out = diff.write("1Hxyz")
    assert "\x1b[2;1H" in out and "xyz" in out and "1Hxyz" not in out


def test_text_before_any_cursor_move_passes_through_and_resets() -> None:
    """Where the cursor is not known (the first write, or after a sequence passed through), text
    goes out as is and the model is forgotten; where it is known, drawing goes on from there."""
    diff = ScreenDiff()
    assert diff.write("zzz") == "zzz" and diff.passed_through == 1
    first = diff.write(_line(1, 1, ("", "abc")))
    go_on = diff.write("def")  # the same line, continued by the next write
    assert "def" in go_on and _screen([_line(1, 1, ("", "abc")) + "def"]) == _screen(["zzz", first, go_on])

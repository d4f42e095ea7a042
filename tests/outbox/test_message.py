"""The dropped file's format (SMS Server Tools 3's): what is sent, and every way a file can never
become an SMS — each refused with the reason a technician can act on."""

from __future__ import annotations

import pytest

from sms_tui.i18n import t
from sms_tui.outbox.message import MAX_BYTES, Malformed, compose, headers_of, parse, render


def test_a_file_as_smstools3_writes_it() -> None:
    draft = parse("To: +48 500-100-200\nFrom: DemoSerwis\nX-Order: 17\n\nZamówienie 17 gotowe.\nDo odbioru jutro.\n".encode())
    assert (draft.to, draft.sender, draft.text) == ("48500100200", "DemoSerwis", "Zamówienie 17 gotowe.\nDo odbioru jutro.")
    assert draft.headers["X-Order"] == "17"
    assert parse(b"to: 500100200\nfrom: eco\n\nTest").sender == "ECO"  # names in any case, ECO too
    assert parse(b"\xef\xbb\xbfTo: 500100200\r\n\r\nZ Windows\r\n").text == "Z Windows"  # a BOM and CRLF from Notepad
    assert parse(compose("500100200", "Ala")).text == "Ala"
    written = render(draft, {"Sent": "2026-12-07T10:00:00Z", "Message_id": "123"})
    assert parse(written) == parse(written) and headers_of(written)["Message_id"] == "123"


@pytest.mark.parametrize(("data", "key"), [
    (b"To: 500100200\n\n" + b"x" * MAX_BYTES, "outbox.too_large"),
    (b"To: 500100200\n\nZam\xf3wienie", "outbox.not_utf8"),  # cp1250 from an old shop program
    (b"To: 500100200\nTekst bez pustego wiersza", "outbox.no_blank_line"),
    (b"To: 500100200\nto nie naglowek\n\nTekst", "outbox.bad_header"),
    (b"From: ECO\n\nTekst", "outbox.no_to"),
    (b"To: 22 123 45 67\n\nTekst", "outbox.bad_number"),  # a landline cannot receive SMS
    (b"To: 500100200\nFrom: Kra\xc5\x9bnik\n\nTekst", "outbox.bad_sender"),
    (b"To: 500100200\n\n   \n", "outbox.bad_text"),
    (b"To: 500100200\n\n" + "ż".encode() * 500, "outbox.bad_text"),  # more parts than SMSAPI takes
    (b"", "outbox.empty_file"),
    (b"\n\n  \n", "outbox.empty_file"),
    (b"To: 600130001\nTo: 600130002\n\nKto dostanie?", "outbox.several_to"),  # one file, one number: never the last one silently
    (b"To: 600600010\nto: +48 600-600-011\n\nDwa razy", "outbox.several_to"),  # any case
    (b"To: 500100200\n\nbin\x00ary", "outbox.control"),
    (b"To: 500100200\n\nkolor \x1b[31mczerwony", "outbox.control"),
    (b"To: 500100200\n\nstary\rMac", "outbox.control"),
])
def test_a_file_that_can_never_be_an_sms(data: bytes, key: str) -> None:
    with pytest.raises(Malformed) as refused:
        parse(data)
    assert refused.value.key == key
    assert refused.value.describe() != key and "{" not in refused.value.describe()
    assert t(key, **refused.value.params) == refused.value.describe()


def test_the_relays_own_headers_are_never_taken_from_a_dropped_file() -> None:
    """A file cannot say it was delivered before it was sent; a failed record dropped again (smsd's
    smsresend keeps Failed:, Fail_reason:, Retry:) is one new message, its number the one checked."""
    draft = parse(b"To: 500100200\nStatus: DELIVERED\nDelivered: 2020-01-01T00:00:00Z\nSent: x\nMessage_id: 1\nFailed: y\n"
                  b"Fail_reason: z\nRetry: 2\nOriginal_name: To: 600999999\nX-Order: 17\n\nZamowienie 17")
    assert draft.headers == {"To": "48500100200", "X-Order": "17"} and draft.to == "48500100200"
    assert parse(render(draft), claimed=True).to == "48500100200"
    assert parse(b"to: +48 500-100-200\n\nmale litery").headers == {"To": "48500100200"}  # checked and sent: one header
    assert parse(b"To: 500100200\n\nWiersz\tz tabem\ni drugi").text == "Wiersz\tz tabem\ni drugi"


def test_a_file_name_is_escaped_wherever_it_is_shown() -> None:
    from sms_tui.rules import escape_name

    hostile = "bad-\x1b]0;OWNED\x07\x1b[2Jname\nTo: 600999999"
    shown = escape_name(hostile)
    assert "\x1b" not in shown and "\n" not in shown and "\x07" not in shown
    assert shown == "bad-\\x1b]0;OWNED\\x07\\x1b[2Jname\\x0aTo: 600999999"
    assert escape_name("zamówienie 17 (pilne)") == "zamówienie 17 (pilne)"
    assert escape_name("a\\b") == "a\\x5cb"  # an escaped name never looks like another name

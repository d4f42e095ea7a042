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
])
def test_a_file_that_can_never_be_an_sms(data: bytes, key: str) -> None:
    with pytest.raises(Malformed) as refused:
        parse(data)
    assert refused.value.key == key
    assert refused.value.describe() != key and "{" not in refused.value.describe()
    assert t(key, **refused.value.params) == refused.value.describe()

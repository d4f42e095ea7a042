"""The dropped file's format (SMS Server Tools 3's): what is sent, and every way a file can never
become an SMS — each refused with the reason a technician can act on."""

from __future__ import annotations

import pytest

from sms_tui.i18n import t
from sms_tui.outbox.message import FATES, MAX_BYTES, Draft, Malformed, compose, headers_of, parse, render, validity_seconds


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


@pytest.mark.parametrize(("text", "alphabet"), [
    ("Paczka gotowa. Dziękujemy", "UCS"),
    ("Zażółć gęślą jaźń", "UCS"),
    ("Zażółć gęślą jaźń", "UCS2"),
])
def test_alphabet_ucs_as_debians_sendsms_writes_polish_text(text: str, alphabet: str) -> None:
    """sendsms: text that Latin-9 cannot hold goes out as `Alphabet: UCS` and `iconv -t UNICODEBIG`."""
    data = f"To: 48600100202\nAlphabet: {alphabet}\n\n".encode() + text.encode("utf-16-be")
    draft = parse(data)
    assert draft.text == text and "Alphabet" not in draft.headers  # kept as UTF-8 from here on
    assert parse(render(draft), claimed=True).text == text


def test_alphabet_iso_is_utf8_if_it_is_else_latin9() -> None:
    assert parse("To: 500100200\nAlphabet: ISO\n\nZamówienie €5".encode()).text == "Zamówienie €5"
    assert parse(b"To: 500100200\nAlphabet: ISO\n\nZam\xf3wienie \xa45").text == "Zamówienie €5"  # smsd's default charset
    assert parse(b"To: 500100200\nAlphabet: Latin\n\nZam\xf3wienie").text == "Zamówienie"
    assert parse("To: 500100200\nAlphabet: UTF-8\n\nŻółw".encode()).text == "Żółw"
    for data, key in ((b"To: 500100200\nAlphabet: binary\n\n\x01\x02", "outbox.binary"),
                      (b"To: 500100200\nAlphabet: EBCDIC\n\nabc", "outbox.alphabet"),
                      (b"To: 500100200\nAlphabet: UCS\n\n\x00a\x00", "outbox.not_ucs2")):
        with pytest.raises(Malformed) as refused:
            parse(data)
        assert refused.value.key == key


def _fate(name: str, value: str, text: str = "Tekst") -> Draft | Malformed:
    try:
        return parse(f"To: 500100200\n{name}: {value}\n\n{text}".encode())
    except Malformed as exc:
        return exc


ON = {"flash": "yes", "class": "0", "validity": "1 hour", "autosplit": "0", "macro": "@IMIE@=Jan", "hex": "yes", "binary": "yes",
      "udh": "true", "udh-data": "05 00 03", "voicecall": "yes", "text_is_pdu": "yes", "ping": "yes", "include": "/etc/shadow",
      "system_message": "ToSIM"}


@pytest.mark.parametrize("name", sorted(FATES))
def test_every_header_of_smsds_format_has_its_fate(name: str) -> None:
    """docs/outbox.md's header table, a row each: mapped to SMSAPI, ignored and kept, or refused — never
    sent as literal control syntax."""
    fate = FATES[name]
    header = name.capitalize() if name not in ("udh", "smsc", "udh-data") else name.upper()
    if fate == "refused":
        for value in {ON[name], "yes"}:
            outcome = _fate(header, value, "05 00 03 TONE: 5 #,#,# @NAME@")
            assert isinstance(outcome, Malformed) and outcome.key == f"outbox.header.{name}", (value, outcome)
            assert outcome.describe() != outcome.key
        if name not in ("udh-data", "include"):
            assert isinstance(_fate(header, "no"), Draft)  # switched off: an ordinary message
    elif fate == "ignored":
        outcome = _fate(header, "yes")
        assert isinstance(outcome, Draft) and outcome.headers[header] == "yes" and outcome.text == "Tekst" and not outcome.options
    elif fate == "mapped":
        outcome = _fate(header, ON[name], "Dzien dobry @IMIE@")
        assert isinstance(outcome, Draft)
        expected = {"flash": {"flash": "1"}, "class": {"flash": "1"}, "validity": {"validity": "3600"}, "autosplit": {"max_parts": "1"},
                    "macro": {}}[name]
        assert outcome.options == expected
        assert outcome.text == ("Dzien dobry Jan" if name == "macro" else "Dzien dobry @IMIE@")
    else:
        assert fate in ("recipient", "sender", "charset") and name in ("to", "from", "alphabet")


def test_headers_smsd_does_not_know_are_ignored_and_from_chooses_only_a_sender() -> None:
    draft = parse(b"To: 500100200\nOrder Id: 17\nX-Order.Id: 18\nX-Order: 19\n\nTekst")
    assert draft.headers == {"To": "48500100200", "X-Order": "19"}  # as smsd: an unknown line ignored, not the message
    for value in ("48600000000", "Sklep Internetowy Kowalski", "Kraśnik"):  # informational in smsd: never fails the message
        draft = parse(f"To: 500100200\nFrom: {value}\n\nTekst".encode())
        assert draft.sender is None and draft.headers["From_ignored"].startswith(value[:20]) and "From" not in draft.headers
    assert parse(b"To: 500100200\nFrom: Warsztat\n\nT").sender == "Warsztat"
    with pytest.raises(Malformed) as refused:
        parse(b"To: 500100200\nAutosplit: 0\n\n" + "ż".encode() * 100)
    assert refused.value.key == "outbox.autosplit"


@pytest.mark.parametrize(("value", "seconds"), [("1 hour", 3600), ("3 days", 72 * 3600), ("2 weeks", 72 * 3600), ("10 min", 3600),
                                                ("11", 3600), ("167", 24 * 3600), ("168", 2 * 86400), ("170", 72 * 3600), ("", None), ("soon", None)])
def test_validity_as_smsd_writes_it_within_what_smsapi_takes(value: str, seconds: int | None) -> None:
    assert validity_seconds(value) == seconds

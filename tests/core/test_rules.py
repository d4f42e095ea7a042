"""Table-driven rule cases plus properties: the rules decide what the wizard and `apply` accept."""

from __future__ import annotations

import hashlib
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_tui.rules import check_md5, check_phone, check_sender_name, clean_field, md5_hex, measure, transliterate

PHONES = [
    ("500 000 000", True, "48500000000", None),
    ("+48 500-000-000", True, "48500000000", None),
    ("0048500000000", True, "48500000000", None),
    ("48500000000", True, "48500000000", None),
    ("500000000", True, "48500000000", None),
    ("(+48) 600 123 456", True, "48600123456", None),
    ("  600-123-456  ", True, "48600123456", None),
    ("+49 151 23456789", True, "4915123456789", None),
    ("+44 7911 123456", True, "447911123456", None),
    ("22 123 45 67", False, "48221234567", "phone.landline"),
    ("+48 22 123 45 67", False, "48221234567", "phone.landline"),
    ("12345", False, "", "phone.length_pl"),
    ("5000000001", False, "", "phone.length_pl"),
    ("", False, "", "phone.empty"),
    ("   ", False, "", "phone.empty"),
    ("abc", False, "", "phone.chars"),
    ("500 ABC 000", False, "", "phone.chars"),
    ("+999 123", False, "", "phone.invalid"),
    ("800 123 456", False, "48800123456", "phone.not_mobile"),
]


@pytest.mark.parametrize(("raw", "ok", "number", "reason"), PHONES)
def test_phone_numbers(raw: str, ok: bool, number: str, reason: str | None) -> None:
    check = check_phone(raw)
    assert (check.ok, check.number, check.reason) == (ok, number, reason)


SENDERS = [
    ("DemoSerwis", True, (), None),
    ("AUTO-SERWIS", True, (), None),
    ("Sklep.pl", True, (), None),
    ("A B", True, (), None),
    ("ŁÓDŹ AUTO", False, ("sender.polish",), "LODZ AUTO"),
    ("Kraków", False, ("sender.polish",), "Krakow"),
    ("Serwis-Kowalskiego", False, ("sender.too_long",), "Serwis-Kowa"),
    ("Zażółć gęślą", False, ("sender.too_long", "sender.polish"), "Zazolc"),  # whole words
    ("Żółć&Łódź Auto-Części!!", False, ("sender.too_long", "sender.polish", "sender.chars"), "Zolc Lodz"),
    ("Sklep_1", False, ("sender.chars",), "Sklep 1"),
    ("Sklep!", False, ("sender.chars",), "Sklep"),
    ("", False, ("sender.empty",), None),
    ("   ", False, ("sender.empty",), None),
    ("500600700", False, ("sender.number",), None),
    ("ECO", False, ("sender.reserved",), None),
    ("2way", False, ("sender.reserved",), None),
]


@pytest.mark.parametrize(("raw", "ok", "reasons", "suggestion"), SENDERS)
def test_sender_names(raw: str, ok: bool, reasons: tuple[str, ...], suggestion: str | None) -> None:
    check = check_sender_name(raw)
    assert (check.ok, check.reasons, check.suggestion) == (ok, reasons, suggestion)


LENGTHS = [
    ("", "gsm7", 0, 0),
    ("a", "gsm7", 1, 1),
    ("a" * 160, "gsm7", 160, 1),
    ("a" * 161, "gsm7", 161, 2),
    ("a" * 306, "gsm7", 306, 2),
    ("a" * 307, "gsm7", 307, 3),
    ("[" * 80, "gsm7", 160, 1),
    ("€" * 81, "gsm7", 162, 2),
    ("ą", "ucs2", 1, 1),
    ("ą" * 70, "ucs2", 70, 1),
    ("ą" * 71, "ucs2", 71, 2),
    ("a" * 159 + "ś", "ucs2", 160, 3),
    ("Zażółć gęślą jaźń", "ucs2", 17, 1),
    ("😀", "ucs2", 2, 1),
]


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), LENGTHS)
def test_message_length(text: str, encoding: str, units: int, parts: int) -> None:
    length = measure(text)
    assert (length.encoding, length.units, length.parts) == (encoding, units, parts)


def test_message_limits() -> None:
    assert not measure("a" * 918).too_long
    assert measure("a" * 919).too_long
    assert not measure("ą" * 402).too_long
    assert measure("ą" * 403).too_long
    assert measure("ąb").non_gsm == "ą"


MD5S = [
    ("fe01ce2a7fbac8fafaed7c982a04e229", True, "md5"),
    ("FE01CE2A7FBAC8FAFAED7C982A04E229", True, "md5"),
    ("  fe01ce2a7fbac8fafaed7c982a04e229\n", True, "md5"),
    ("fe01ce2a7fbac8fafaed7c982a04e22", False, "short_hex"),
    ("fe01ce2a7fbac8fafaed7c982a04e2299", False, "short_hex"),
    ("", False, "empty"),
    ("moje-haslo", False, "plain"),
    ("zażółć", False, "plain"),
    ("g" * 32, False, "plain"),
]


@pytest.mark.parametrize(("raw", "ok", "kind"), MD5S)
def test_md5_field(raw: str, ok: bool, kind: str) -> None:
    check = check_md5(raw)
    assert (check.ok, check.kind) == (ok, kind)
    if ok:
        assert check.value == raw.strip().lower()


def test_md5_matches_panel() -> None:
    assert md5_hex("demo") == "fe01ce2a7fbac8fafaed7c982a04e229"
    assert md5_hex("password") == "5f4dcc3b5aa765d61d8327deb882cf99"  # SMSAPI's own JS README vector


def test_clean_field_strips_escape_sequences() -> None:
    assert clean_field("demo\x1b[31m\x1b]0;title\x07\x00") == "demo"
    assert clean_field("a\nb\tc") == "a b c"
    assert clean_field("a\nb", keep_newlines=True) == "a\nb"


@given(st.text())
def test_phone_never_raises_and_ok_means_digits(raw: str) -> None:
    check = check_phone(raw)
    if check.ok:
        assert check.number.isdigit() and 8 <= len(check.number) <= 15
        assert check_phone(check.number if check.number.startswith("48") else "+" + check.number).number == check.number
    else:
        assert check.reason


@given(st.text())
def test_sender_suggestion_is_always_valid(raw: str) -> None:
    check = check_sender_name(raw)
    if check.suggestion is not None:
        assert check_sender_name(check.suggestion).ok
    assert check.ok == (not check.reasons)


@given(st.text(alphabet=string.ascii_letters + string.digits + " .-", min_size=1, max_size=11).filter(str.strip))
def test_allowed_names_pass_unless_numeric_or_reserved(name: str) -> None:
    check = check_sender_name(name)
    assert check.ok or set(check.reasons) <= {"sender.number", "sender.reserved"}


@given(st.text())
def test_transliteration_is_allowed_characters(raw: str) -> None:
    assert set(transliterate(raw)) <= set(string.ascii_letters + string.digits + " .-")


@given(st.text(max_size=1200))
def test_measure_consistency(text: str) -> None:
    length = measure(text)
    assert length.parts == 0 if not text else length.parts >= 1
    assert length.remaining >= 0
    assert (length.encoding == "ucs2") == bool(length.non_gsm)


@given(st.text())
def test_md5_roundtrip(password: str) -> None:
    digest = md5_hex(password)
    assert digest == hashlib.md5(password.encode()).hexdigest()
    assert check_md5(digest.upper()).value == digest


@given(st.text())
def test_clean_field_has_no_controls(raw: str) -> None:
    cleaned = clean_field(raw)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in cleaned)


@pytest.mark.parametrize("raw", ["500000000;600000000", "500000000, 600000000", "500000000,600000000", "500000000 / 600000000"])
def test_a_list_of_numbers_is_refused_not_cut(raw: str) -> None:
    check = check_phone(raw)
    assert not check.ok and check.reason == "phone.one_number"


@pytest.mark.parametrize(("raw", "number"), [("4915123456789", "4915123456789"), ("+4915123456789", "4915123456789"),
                                             ("447911123456", "447911123456"), ("48500000000", "48500000000")])
def test_foreign_numbers_in_smsapis_own_format_are_accepted(raw: str, number: str) -> None:
    check = check_phone(raw)
    assert check.ok and check.number == number
    assert check_phone(check.number).number == number  # what we print is accepted back (the sandbox re-checks it)


@pytest.mark.parametrize(("raw", "value"), [("", 0.0), ("0", 0.0), ("20", 20.0), ("2,5", 2.5), ("2.5", 2.5), (" 7 ", 7.0),
                                            ("2.5.1", None), ("1,5,0", None), ("nan", None), ("-5", None), ("inf", None), ("1e3", None)])
def test_threshold_never_quietly_becomes_zero(raw: str, value: float | None) -> None:
    from sms_tui.rules import parse_threshold

    assert parse_threshold(raw) == value


@pytest.mark.parametrize("value", ["nan", "-5", "inf"])
def test_answers_refuse_a_threshold_that_cannot_alert(value: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sms_tui.settings import answers

    path = tmp_path / "a.toml"
    path.write_text(f'[account]\ntoken = "t"\n[test]\nto = "500000000"\n[alerts]\nlow_balance = {value}\n')
    with pytest.raises(answers.AnswersError) as caught:
        answers.read(path)
    assert any("low_balance" in problem for problem in caught.value.problems)


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00ad", "\u2060", "\u200d"])
def test_an_md5_pasted_with_an_invisible_character_is_still_an_md5(invisible: str) -> None:
    md5 = "fe01ce2a7fbac8fafaed7c982a04e229"
    check = check_md5(invisible + md5[:10] + invisible + md5[10:])
    assert check.ok and check.value == md5


def test_characters_not_allowed_are_named() -> None:
    """Field test #37: `&` and `!` were not mentioned among the problems, only the Polish letters."""
    from sms_tui import checks

    problems = checks.sender_name_problems("Żółć&Łódź Auto-Części!!")
    assert any("polskich liter" in p for p in problems)
    assert any("Niedozwolone znaki: &\u00a0!" in p and "—" in p for p in problems)
    assert all("Propozycja: Zolc Lodz" in p for p in problems)

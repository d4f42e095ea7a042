"""Recipient numbers: whatever the technician types → digits with country code, as SMSAPI wants."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sms_tui.rules.text import clean_field

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber


@dataclass(frozen=True)
class PhoneCheck:
    ok: bool
    number: str = ""  # 48500000000
    reason: str | None = None  # i18n key when not ok
    country_code: int = 0


def check_phone(raw: str, default_region: str = "PL") -> PhoneCheck:
    """`500 000 000`, `+48 500-000-000`, `0048500000000`, `48500000000` → `48500000000`.

    A number without a country code is Polish; landlines cannot receive SMS, so they are refused
    here instead of costing a round trip that ends in error 13.
    """
    import phonenumbers  # noqa: PLC0415 — phonenumbers adds 22 ms to sms_tui.rules.phone (python -X importtime); ~25 ms that the first screen does not need
    from phonenumbers import PhoneNumberType  # noqa: PLC0415 — phonenumbers adds 22 ms to sms_tui.rules.phone (python -X importtime)

    text = clean_field(raw).strip()
    if (refused := _not_a_number(text)) is not None:
        return PhoneCheck(False, reason=refused)
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return PhoneCheck(False, reason="phone.invalid")
    # One walk of the metadata per number (an outbox backlog's costliest check): number_type is
    # UNKNOWN exactly when the number is not valid (phonenumbers' documented contract).
    kind = phonenumbers.number_type(parsed)
    digits = "".join(ch for ch in text if ch.isdigit())
    if kind == PhoneNumberType.UNKNOWN and not text.startswith(("+", "00")) and len(digits) > 9:
        # SMSAPI's own format, and what this function returns: the country code without "+".
        with contextlib.suppress(phonenumbers.NumberParseException):
            international = phonenumbers.parse("+" + digits, None)
            if (international_kind := phonenumbers.number_type(international)) != PhoneNumberType.UNKNOWN:
                parsed, kind = international, international_kind
    return _verdict(parsed, kind)


def _verdict(parsed: PhoneNumber, kind: int) -> PhoneCheck:
    """A parsed number by its type: only a mobile (or a number that may be one) gets an SMS."""
    from phonenumbers import PhoneNumberType  # noqa: PLC0415 — loaded by check_phone by now

    if kind == PhoneNumberType.UNKNOWN:
        if parsed.country_code == 48 and len(str(parsed.national_number)) != 9:
            return PhoneCheck(False, reason="phone.length_pl", country_code=48)
        return PhoneCheck(False, reason="phone.invalid", country_code=parsed.country_code or 0)
    number = f"{parsed.country_code}{parsed.national_number}"
    country = int(parsed.country_code or 0)
    if kind == PhoneNumberType.FIXED_LINE:
        return PhoneCheck(False, number, "phone.landline", country)
    if kind not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.PAGER):
        return PhoneCheck(False, number, "phone.not_mobile", country)
    return PhoneCheck(True, number, None, country)


def _not_a_number(text: str) -> str | None:
    """Why the text is no single phone number before any metadata is read: empty, a list, letters."""
    if not text:
        return "phone.empty"
    if any(ch in ",;|/" for ch in text):  # a list: never send to the first and drop the rest silently
        return "phone.one_number"
    if any(ch.isalpha() for ch in text) or not any(ch.isdigit() for ch in text):
        return "phone.chars"
    return None

"""Sender names (pole nadawcy): SMSAPI error 2112 rules — at most 11 of A-Z a-z 0-9 . - and space."""

import re
import unicodedata
from dataclasses import dataclass, field

from sms_tui.rules.text import plain_letters

MAX_LEN = 11
_ALLOWED = re.compile(r"^[A-Za-z0-9 .\-]+$")
_DIGITS = re.compile(r"^[+0-9 ]+$")


def transliterate(name: str) -> str:
    """`ŁÓDŹ AUTO` → `LODZ AUTO`; a character still not allowed parts words (`Żółć&Łódź` →
    `Zolc Lodz`), at the ends it is dropped."""
    spaced = "".join(ch if _ALLOWED.match(ch) else " " for ch in plain_letters(name))
    return " ".join(spaced.split())


def shorten(name: str) -> str:
    """At most 11 characters, cut after a whole word when one fits (`Zolc Lodz Auto` → `Zolc Lodz`)."""
    if len(name) <= MAX_LEN:
        return name
    words, kept = name.split(" "), ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > MAX_LEN:
            break
        kept = candidate
    return kept or name[:MAX_LEN].strip()


def bad_characters(name: str) -> str:
    """The characters not allowed that are not Polish letters (those have their own reason)."""
    plain = plain_letters(name)
    return "".join(dict.fromkeys(ch for ch in plain if not _ALLOWED.match(ch)))


@dataclass(frozen=True)
class SenderCheck:
    ok: bool
    name: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    suggestion: str | None = None
    bad_chars: str = ""  # for "sender.chars": the characters to name


def check_sender_name(raw: str) -> SenderCheck:
    """Every reason at once, so the technician fixes the name in one go."""
    name = raw.strip()
    reasons: list[str] = []
    if not name:
        return SenderCheck(False, name, ("sender.empty",))
    if len(name) > MAX_LEN:
        reasons.append("sender.too_long")
    bad = bad_characters(name)
    if not _ALLOWED.match(name):
        if any(unicodedata.normalize("NFKD", ch) != ch or ch in "łŁ" for ch in name):
            reasons.append("sender.polish")
        if bad:
            reasons.append("sender.chars")
    if _DIGITS.match(name):
        reasons.append("sender.number")
    if name.upper() in {"ECO", "2WAY"}:
        reasons.append("sender.reserved")
    suggestion = None
    if reasons:
        fixed = shorten(transliterate(name))
        if fixed and fixed != name and not check_sender_name(fixed).reasons:
            suggestion = fixed
    return SenderCheck(not reasons, name, tuple(reasons), suggestion, bad)

"""Sender names (pole nadawcy): SMSAPI error 2112 rules — at most 11 of A-Z a-z 0-9 . - and space."""

import re
import unicodedata
from dataclasses import dataclass, field

from sms_tui.rules.text import plain_letters

MAX_LEN = 11
_ALLOWED = re.compile(r"^[A-Za-z0-9 .\-]+$")
_DIGITS = re.compile(r"^[+0-9 ]+$")


def transliterate(name: str) -> str:
    """`ŁÓDŹ AUTO` → `LODZ AUTO`; characters still not allowed are dropped."""
    return "".join(ch for ch in plain_letters(name) if _ALLOWED.match(ch))


@dataclass(frozen=True)
class SenderCheck:
    ok: bool
    name: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    suggestion: str | None = None


def check_sender_name(raw: str) -> SenderCheck:
    """Every reason at once, so the technician fixes the name in one go."""
    name = raw.strip()
    reasons: list[str] = []
    if not name:
        return SenderCheck(False, name, ("sender.empty",))
    if len(name) > MAX_LEN:
        reasons.append("sender.too_long")
    if not _ALLOWED.match(name):
        has_accent = any(unicodedata.normalize("NFKD", ch) != ch or ch in "łŁ" for ch in name)
        reasons.append("sender.polish" if has_accent else "sender.chars")
    if _DIGITS.match(name):
        reasons.append("sender.number")
    if name.upper() in {"ECO", "2WAY"}:
        reasons.append("sender.reserved")
    suggestion = None
    if reasons:
        fixed = transliterate(name).strip()[:MAX_LEN].strip()
        if fixed and fixed != name and not check_sender_name(fixed).reasons:
            suggestion = fixed
    return SenderCheck(not reasons, name, tuple(reasons), suggestion)

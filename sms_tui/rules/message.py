"""Message length as SMSAPI counts it (official smsapi-counter): GSM-7 160/153, UCS-2 70/67."""

from dataclasses import dataclass
from typing import Literal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
MAX_PARTS = 6


@dataclass(frozen=True)
class MessageLength:
    encoding: Literal["gsm7", "ucs2"]
    units: int  # characters as the network counts them (extended GSM chars count twice)
    parts: int
    per_part: int  # capacity of one part at the current part count
    remaining: int  # units left before another part is needed
    non_gsm: str  # the characters that forced UCS-2, in order of first appearance

    @property
    def too_long(self) -> bool:
        return self.parts > MAX_PARTS

    @property
    def empty(self) -> bool:
        return self.units == 0


def measure(text: str) -> MessageLength:
    """Parts and remaining room; one Polish letter switches the whole message to UCS-2."""
    non_gsm = "".join(dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENDED))
    if non_gsm:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "ucs2"
    else:
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi, encoding = 160, 153, "gsm7"
    if units <= single:
        parts, per_part, capacity = (1 if units else 0), single, single
    else:
        parts = -(-units // multi)
        per_part, capacity = multi, parts * multi
    return MessageLength(encoding, units, parts, per_part, capacity - units, non_gsm)  # type: ignore[arg-type]

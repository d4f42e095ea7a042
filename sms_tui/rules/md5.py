"""The "Hasło do API (MD5)" field: what the panel shows is md5(API password), lowercase hex."""

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from sms_tui.rules.text import clean_field

_HEX = re.compile(r"^[0-9a-fA-F]+$")


def md5_hex(password: str) -> str:
    """The same digest the SMSAPI panel shows: unsalted MD5 of the UTF-8 bytes."""
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Md5Check:
    """`kind` says what the input looked like; `value` is the lowercased digest when ok."""

    ok: bool
    kind: Literal["md5", "empty", "short_hex", "plain"]
    value: str = ""
    length: int = 0

    @property
    def reason(self) -> str | None:
        return None if self.ok else f"md5.{self.kind}"


def check_md5(raw: str) -> Md5Check:
    """Accept 32 hex characters after trimming; tell a truncated copy from a plain password."""
    text = clean_field(raw).strip()
    if not text:
        return Md5Check(False, "empty")
    if _HEX.match(text):
        if len(text) == 32:
            return Md5Check(True, "md5", text.lower(), 32)
        if 24 <= len(text) <= 40:
            return Md5Check(False, "short_hex", length=len(text))
    return Md5Check(False, "plain", length=len(text))

"""Neutralise pasted control characters before a value is stored, sent or echoed to a terminal."""

import re
import unicodedata

# C0 and C1 controls plus DEL (an ESC left in a value would be an escape sequence when echoed),
# and the invisible characters a copy from a web page or an e-mail brings along (zero-width
# spaces and joiners, word joiner, BOM, soft hyphen): an MD5 pasted with one must still be 32 characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")


# Letters NFKD cannot split into a base letter plus accent.
SPECIAL_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d"})


def plain_letters(text: str) -> str:
    """`Doładuj konto` → `Doladuj konto`: an SMS without Polish letters fits 160 characters, not 70."""
    plain = unicodedata.normalize("NFKD", text.translate(SPECIAL_LETTERS))
    return unicodedata.normalize("NFC", "".join(ch for ch in plain if not unicodedata.combining(ch)))


def clean_field(value: str, *, keep_newlines: bool = False) -> str:
    """Drop control characters (and ANSI sequences as a whole) from a one-line field."""
    value = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]", "", value)
    value = re.sub(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", "", value)
    if not keep_newlines:
        value = value.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", value)


def escape_name(name: str) -> str:
    """A file name another user chose, safe to print on a terminal or write as one header line:
    controls, invisible characters and backslashes as `\\xNN`/`\\uNNNN` (Polish letters kept)."""
    out = []
    for ch in name:
        if ch == "\\" or (unicodedata.category(ch)[0] in "CZ" and ch != " "):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def mask(secret: str) -> str:
    """Enough to tell two secrets apart, not enough to use one."""
    return "•" * 8 + (secret[-2:] if len(secret) >= 16 else "")

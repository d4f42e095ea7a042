"""The file a program drops, in SMS Server Tools 3's format: header lines (`To:` required,
`From:` a sender name or ECO), a blank line, the text — UTF-8, or as smsd reads it by `Alphabet:`
(UCS: UTF-16BE as Debian's `sendsms` writes Polish text; ISO/Latin: UTF-8, else ISO-8859-15).
Every header of smsd's outgoing format has a decided fate (FATES): mapped to what SMSAPI can do,
ignored and kept, or refused where sending would put wrong content on a phone. Everything is
checked here, before anything is sent: a file that cannot become a valid SMS goes to failed/ with
the reason, in the technician's words, and is never retried."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sms_tui import checks, rules
from sms_tui.base.errors import KeyedError
from sms_tui.i18n import t

MAX_BYTES = 16 * 1024  # six parts of Polish text with headers fit many times over
_HEADER = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,40}):[ \t]*(.*)")
_ANY_HEADER = re.compile(r"([^:\x00-\x1f]{1,60}):[ \t]*(.*)")  # smsd ignores a line it does not know
# C0 controls (and DEL) other than tab and newline: no phone shows them, and they are what a binary
# file or a terminal's escape sequence brings in.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The headers the relay writes into its own records: a dropped file never sets them (a record that
# says DELIVERED before anything was sent), and a record dropped again (smsresend) is one message.
RELAY_HEADERS = frozenset({"sent", "message_id", "points", "attempts", "status", "delivered", "failed", "fail_reason",
                           "error_code", "original_name", "already_accepted", "retry", "from_ignored", "modem", "imsi", "imei"})

# smsd's outgoing headers (fileformat.html) and what the relay does with each. "mapped": SMSAPI has
# the feature; "ignored": about modems and routes, kept in the record; "refused" (when switched on):
# sending it as a text would put wrong content on a phone. Any other name is ignored, as smsd does.
FATES: dict[str, str] = {
    "to": "recipient", "from": "sender", "alphabet": "charset",
    "flash": "mapped", "class": "mapped", "validity": "mapped", "autosplit": "mapped", "macro": "mapped",
    "smsc": "ignored", "provider": "ignored", "queue": "ignored", "priority": "ignored", "report": "ignored",
    "to_toa": "ignored", "replace": "ignored", "dcs_hex": "ignored", "message_reference": "ignored",
    "reject_duplicates": "ignored", "reply_path": "ignored", "retries": "ignored", "language": "ignored",
    "language_ext": "ignored",
    "hex": "refused", "binary": "refused", "udh": "refused", "udh-data": "refused", "voicecall": "refused",
    "text_is_pdu": "refused", "ping": "refused", "include": "refused", "system_message": "refused",
}
_OFF = {"", "no", "false", "0", "off"}
_ALWAYS_REFUSED = {"udh-data", "include"}  # any value: a binary header, a path the relay never opens
VALIDITY_MIN, VALIDITY_MAX = 3600, 72 * 3600  # what SMSAPI's expiration_date takes (15 min or 1 h — both read — to 72 h)
_UNITS = {"min": 60, "minute": 60, "minutes": 60, "m": 60, "hour": 3600, "hours": 3600, "h": 3600,
          "day": 86400, "days": 86400, "d": 86400, "week": 604800, "weeks": 604800, "w": 604800}


class Malformed(KeyedError):
    """Why the file can never be sent (a catalogue key and its parameters)."""


@dataclass(frozen=True)
class Draft:
    """A message as the program asked for it, checked."""

    to: str  # 48500000000
    sender: str | None  # "ECO", an own name, or None: the settings' sender
    text: str
    headers: dict[str, str] = field(default_factory=dict)  # as written, names in their case
    options: dict[str, str] = field(default_factory=dict)  # SMSAPI's: flash, max_parts; validity (seconds, made a date at send time)


def parse(data: bytes, *, claimed: bool = False) -> Draft:
    """The draft, every check made — or with `claimed`, a file the relay already checked and
    keeps where no program can change it: its number and sender are taken as they are (the phone
    tables cost more than the send's own work in a backlog)."""
    if len(data) > MAX_BYTES:
        raise Malformed("outbox.too_large", size=len(data), limit=MAX_BYTES)
    raw_head, raw_body = _split(data)
    lines, macros = _header_lines(_decode_head(raw_head), claimed=claimed)
    headers = dict(lines)
    given = {name.lower(): value for name, value in headers.items()}
    text = _decode_body(raw_body, given.get("alphabet", "") if not claimed else "utf-8")
    if not given.get("to"):
        raise Malformed("outbox.no_to")
    if claimed:
        sender = given.get("from") or None
        return Draft(to=given["to"], sender="ECO" if sender and sender.upper() == "ECO" else sender, text=text.removesuffix("\n"),
                     headers=headers, options=_options(given))
    # As smsd's trim_text (its default): trailing spaces and blank lines are no part of the SMS — the
    # newline an editor adds, the blank line formail leaves.
    message = text.rstrip(" \t\n")
    _refusals(given)
    phone = rules.check_phone(given["to"])
    if not phone.ok:
        raise Malformed("outbox.bad_number", number=given["to"][:30], reason=t(phone.reason or "phone.invalid"))
    message = _checked_text(message, macros)
    options = _options(given)
    if options.get("max_parts") == "1" and (parts := rules.measure(message).parts) > 1:
        raise Malformed("outbox.autosplit", parts=parts)
    sender, ignored = _sender(given.get("from") or None)
    return Draft(to=phone.number, sender=sender, text=message, headers=_kept(headers, phone.number, sender, ignored), options=options)


def _checked_text(message: str, macros: list[tuple[str, str]]) -> str:
    """The text with its macros substituted, refused for control characters and what SMSAPI refuses."""
    for name, value in macros:  # as smsd: every occurrence of the name in the text, in the order given
        message = message.replace(name, value)
    if (control := _CONTROL.search(message)) is not None:
        raise Malformed("outbox.control", code=f"0x{ord(control.group()):02x}", at=control.start() + 1)
    if problems := checks.message_problems(message):
        raise Malformed("outbox.bad_text", reason=" ".join(problems))
    return message


def _kept(headers: dict[str, str], number: str, sender: str | None, ignored: str | None) -> dict[str, str]:
    """The headers recorded with the message, as it will be sent: the checked number first, the
    sender used and the one ignored; the alphabet and macros are spent."""
    kept = {"To": number}
    kept |= {name: value for name, value in headers.items() if name.lower() not in ("alphabet", "macro", "from") and name != "To"}
    if sender is not None:
        kept["From"] = sender
    if ignored is not None:
        kept["From_ignored"] = ignored
    return kept


def _split(data: bytes) -> tuple[bytes, bytes]:
    """The header block and the body, at the first blank line (LF or CRLF), on the raw bytes: the
    body's encoding is the headers' to say."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise Malformed("outbox.empty_file")
    cut = [at for at in (data.find(b"\n\n"), data.find(b"\r\n\r\n")) if at >= 0]
    if not cut:
        raise Malformed("outbox.no_blank_line")
    at = min(cut)
    gap = 2 if data[at:at + 2] == b"\n\n" else 4
    return data[:at], data[at + gap:]


def _decode_head(head: bytes) -> str:
    try:
        return head.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return head.decode("iso-8859-15").replace("\r\n", "\n")  # smsd's default charset, in a header value


def _header_lines(head: str, *, claimed: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The headers as (name, value) in order — `To` spelt one way, the relay's own never taken from a
    dropped file, names smsd would not know ignored — and the `Macro:` substitutions."""
    lines: list[tuple[str, str]] = []
    macros: list[tuple[str, str]] = []
    recipients = 0
    for number, line in enumerate(head.split("\n"), start=1):
        found = _HEADER.fullmatch(line)
        if found is None:
            if _ANY_HEADER.fullmatch(line) is None:
                raise Malformed("outbox.bad_header", line=number)
            continue  # "Order Id: 17", "X-Order.Id: 17": smsd ignores a line it does not know, so does the relay
        name, value = found.group(1), rules.clean_field(found.group(2)).strip()
        lowered = name.lower()
        if lowered == "to":
            recipients += 1
            name = "To"  # one spelling: the number checked is the number sent
        elif lowered == "macro":
            key, eq, replacement = value.partition("=")
            if eq and key:
                macros.append((key, replacement))
        elif not claimed and lowered in RELAY_HEADERS:
            continue  # the relay's to write, never the dropped file's
        lines.append((name, value))
    if recipients > 1:
        raise Malformed("outbox.several_to", n=recipients)
    return lines, macros


def _decode_body(body: bytes, alphabet: str) -> str:
    """As smsd reads it: UCS (UCS-2/UTF-16BE, what Debian's `sendsms` writes for Polish text),
    ISO or Latin (UTF-8 if it is, else ISO-8859-15), UTF-8; binary is refused."""
    kind = alphabet.strip().lower().replace("-", "").replace("_", "")
    if kind in ("ucs", "ucs2", "unicode", "utf16", "utf16be"):
        if len(body) % 2:
            raise Malformed("outbox.not_ucs2", size=len(body))
        try:
            text = body.decode("utf-16-be").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise Malformed("outbox.not_ucs2", size=exc.start) from None
    elif kind in ("iso", "latin", "latin1", "iso88591", "iso885915", "latin9"):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("iso-8859-15")
    elif kind in ("", "utf8", "gsm", "default"):
        try:
            text = body.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            raise Malformed("outbox.not_utf8", at=exc.start) from None
    elif kind in ("binary", "8bit", "data"):
        raise Malformed("outbox.binary")
    else:
        raise Malformed("outbox.alphabet", name=alphabet.strip()[:20])
    return text.replace("\r\n", "\n")


def _refusals(given: dict[str, str]) -> None:
    for name, fate in FATES.items():
        if fate != "refused" or name not in given:
            continue
        value = given[name].strip().lower()
        if name in _ALWAYS_REFUSED or value not in _OFF:
            raise Malformed(f"outbox.header.{name}", value=given[name][:40])


def _options(given: dict[str, str]) -> dict[str, str]:
    """What SMSAPI gets beside the text: flash=1 (Flash: yes, Class: 0), max_parts=1 (Autosplit: 0),
    the validity in seconds (expiration_date is made from it when the request goes out)."""
    options: dict[str, str] = {}
    if given.get("flash", "").strip().lower() not in _OFF or given.get("class", "").strip() == "0":
        options["flash"] = "1"
    if given.get("autosplit", "").strip() == "0":
        options["max_parts"] = "1"
    if (seconds := validity_seconds(given.get("validity", ""))) is not None:
        options["validity"] = str(seconds)
    return options


def validity_seconds(value: str) -> int | None:
    """smsd's `Validity:` — a number with a unit ("1 hour", "3 days") or GSM's relative code
    0–255 — in seconds, within what SMSAPI takes (1 h to 72 h); None when absent or unreadable."""
    found = re.fullmatch(r"\s*(\d{1,6})\s*([a-z]*)\s*", value.lower())
    if found is None:
        return None
    number, unit = int(found.group(1)), found.group(2)
    if unit:
        if unit not in _UNITS:
            return None
        seconds = number * _UNITS[unit]
    elif number <= 143:
        seconds = (number + 1) * 300
    elif number <= 167:
        seconds = 12 * 3600 + (number - 143) * 1800
    elif number <= 196:
        seconds = (number - 166) * 86400
    elif number <= 255:
        seconds = (number - 192) * 604800
    else:
        return None
    return max(VALIDITY_MIN, min(VALIDITY_MAX, seconds))


def _sender(given: str | None) -> tuple[str | None, str | None]:
    """`From:` chooses the sender when it can be one (ECO, or a name SMSAPI may know); anything else
    — a phone number, a shop's name of 20 letters, as smsd only records it — is ignored and said."""
    if given is None:
        return None, None
    if given.upper() == "ECO":
        return "ECO", None
    if problems := checks.sender_name_problems(given):
        return None, f"{given[:40]} — {' '.join(problems)}"
    return given, None


def render(draft: Draft, extra: dict[str, str] | None = None) -> bytes:
    """The file as the folders keep it: its headers (and what the relay adds), a blank line, the text."""
    headers = {**draft.headers, **(extra or {})}
    head = "".join(f"{name}: {value}\n" for name, value in headers.items())
    return f"{head}\n{draft.text}\n".encode()


def compose(to: str, text: str, sender: str | None = None) -> bytes:
    """A file for `send --queue`: what any program may write by hand."""
    head = f"To: {to}\n" + (f"From: {sender}\n" if sender else "")
    return f"{head}\n{text}\n".encode()


def headers_of(data: bytes) -> dict[str, str]:
    """The header lines of a file the relay wrote (sent/ or failed/), for `queue` and the events."""
    head = data.decode("utf-8", "replace").replace("\r\n", "\n").partition("\n\n")[0]
    return {found.group(1): found.group(2).strip() for line in head.split("\n") if (found := _HEADER.fullmatch(line))}

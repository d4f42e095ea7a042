"""The file a program drops, in SMS Server Tools 3's format: header lines (`To:` required,
`From:` a sender name or ECO), a blank line, the text in UTF-8. Everything is checked here,
before anything is sent: a file that cannot become a valid SMS goes to failed/ with the reason,
in the technician's words, and is never retried."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sms_tui import checks, rules
from sms_tui.i18n import t

MAX_BYTES = 16 * 1024  # six parts of Polish text with headers fit many times over
_HEADER = re.compile(r"([A-Za-z][A-Za-z0-9_-]{0,40}):[ \t]*(.*)")
# C0 controls (and DEL) other than tab and newline: no phone shows them, and they are what a binary
# file or a terminal's escape sequence brings in.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The headers the relay writes into its own records: a dropped file never sets them (a record that
# says DELIVERED before anything was sent), and a record dropped again (smsresend) is one message.
RELAY_HEADERS = frozenset({"sent", "message_id", "points", "attempts", "status", "delivered", "failed", "fail_reason",
                           "error_code", "original_name", "already_accepted", "retry"})


class Malformed(Exception):
    """A catalogue key and its parameters: why the file can never be sent."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params

    def describe(self) -> str:
        return t(self.key, **self.params)


@dataclass(frozen=True)
class Draft:
    """A message as the program asked for it, checked."""

    to: str  # 48500000000
    sender: str | None  # "ECO", an own name, or None: the settings' sender
    text: str
    headers: dict[str, str] = field(default_factory=dict)  # as written, names in their case


def parse(data: bytes, *, claimed: bool = False) -> Draft:
    """The draft, every check made — or with `claimed`, a file the relay already checked and
    keeps where no program can change it: its number and sender are taken as they are (the phone
    tables cost more than the send's own work in a backlog)."""
    if len(data) > MAX_BYTES:
        raise Malformed("outbox.too_large", size=len(data), limit=MAX_BYTES)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise Malformed("outbox.not_utf8", at=exc.start) from None
    if not text.strip():
        raise Malformed("outbox.empty_file")
    head, blank, body = text.partition("\n\n")
    if not blank:
        raise Malformed("outbox.no_blank_line")
    headers: dict[str, str] = {}
    recipients = 0
    for number, line in enumerate(head.split("\n"), start=1):
        found = _HEADER.fullmatch(line)
        if found is None:
            raise Malformed("outbox.bad_header", line=number)
        name = found.group(1)
        if name.lower() == "to":
            recipients += 1
            name = "To"  # one spelling: the number checked is the number sent
        elif not claimed and name.lower() in RELAY_HEADERS:
            continue  # the relay's to write, never the dropped file's
        headers[name] = rules.clean_field(found.group(2)).strip()
    if recipients > 1:
        raise Malformed("outbox.several_to", n=recipients)
    given = {name.lower(): value for name, value in headers.items()}
    if not given.get("to"):
        raise Malformed("outbox.no_to")
    if claimed:
        message = body[:-1] if body.endswith("\n") else body
        sender = given.get("from") or None
        return Draft(to=given["to"], sender="ECO" if sender and sender.upper() == "ECO" else sender, text=message, headers=headers)
    phone = rules.check_phone(given["to"])
    if not phone.ok:
        raise Malformed("outbox.bad_number", number=given["to"][:30], reason=t(phone.reason or "phone.invalid"))
    sender = given.get("from") or None
    if sender is not None and sender.upper() != "ECO":
        if problems := checks.sender_name_problems(sender):
            raise Malformed("outbox.bad_sender", name=sender[:30], reason=" ".join(problems))
    elif sender is not None:
        sender = "ECO"
    message = body[:-1] if body.endswith("\n") else body  # the newline an editor adds is not part of the SMS
    if (control := _CONTROL.search(message)) is not None:
        raise Malformed("outbox.control", code=f"0x{ord(control.group()):02x}", at=control.start() + 1)
    if problems := checks.message_problems(message):
        raise Malformed("outbox.bad_text", reason=" ".join(problems))
    headers = {**headers, "To": phone.number}  # kept as it will be sent
    return Draft(to=phone.number, sender=sender, text=message, headers=headers)


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

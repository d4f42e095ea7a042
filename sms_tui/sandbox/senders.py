"""Sender names in the sandbox: SMSAPI's rules for add / status / default / delete, one place for
both the legacy `sender.do` and REST `/sms/sendernames` (the HTTP side only changes the shape).

A new name starts INACTIVE (the official enum's only not-active value) and waits for SMSAPI's
staff: the control endpoints approve or reject it, and with `approve_after` set (`--demo`) it is
approved by itself that many seconds after it was requested.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sms_tui.compat import UTC
from sms_tui.sandbox import accounts

if TYPE_CHECKING:
    from sms_tui.sandbox.accounts import Account

LEGACY_NAME = re.compile(r"[A-Za-z0-9 .\-]{1,11}")  # error 2112's wording
REST_NAME = re.compile(r"[0-9]{8,16}|[\w.\-&@ %!+]{1,11}", re.ASCII)  # the OpenAPI document's `Sender` pattern

STATEMENT: dict[str, Any] = {
    "content": "Oświadczam, że mam prawo do używania tej nazwy nadawcy i będę jej używać zgodnie z regulaminem SMSAPI.",
    "sections": [
        {"title": "Nazwa nadawcy", "content": "Nazwa identyfikuje moją firmę, markę lub usługę.",
         "statements": [{"type": "sendername", "content": "Nazwa nie wprowadza odbiorców w błąd."}]},
        {"title": "Prawo do nazwy", "content": "Mam prawo do nazwy albo zgodę jej właściciela.",
         "statements": [{"type": "sendername_usage_rights", "content": "Na żądanie SMSAPI przedstawię dokument."}]},
        {"title": "Zmiany", "content": "Zawiadomię SMSAPI, gdy stracę prawo do nazwy.",
         "statements": [{"type": "sendername_change_notice", "content": "Zawiadomię SMSAPI o zmianie."}]},
    ],
}
STATEMENT_TYPES = frozenset(s["type"] for section in STATEMENT["sections"] for s in section["statements"])


class SenderRefused(Exception):
    """A legacy sender.do code; the REST side turns it into its own error name and status."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def settle(account: Account, now: float, approve_after: float | None) -> None:
    """Approve, by the clock, the names that have waited `approve_after` seconds."""
    if approve_after is None:
        return
    for name, request in account.requested.items():
        if account.senders.get(name) == "INACTIVE" and now - request.at >= approve_after:
            account.senders[name] = "ACTIVE"


def find(account: Account, name: str) -> str:
    """The name as the account spells it; SMSAPI's names are compared without regard to case."""
    for known in account.senders:
        if known.lower() == name.lower():
            return known
    raise SenderRefused(2031, "Such sender name doesn't exist")


def describe(account: Account, name: str, created: float) -> dict[str, Any]:
    request = account.requested.get(name)
    at = request.at if request else created
    return {"sender": name, "status": account.senders[name], "is_default": name == account.default_sender,
            "default": name == account.default_sender, "created_at": datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds")}


def add(account: Account, name: str, now: float, *, rest: bool, statement_accept: bool = False,
        accepted_statements: tuple[str, ...] = ()) -> str:
    name = name.strip()
    if not name:
        raise SenderRefused(2111, "Sender name is missing")
    if not (REST_NAME if rest else LEGACY_NAME).fullmatch(name):
        raise SenderRefused(2112, "Invalid Sender Name's name")
    if any(known.lower() == name.lower() for known in account.senders):
        raise SenderRefused(2115, "Sender name already exists")
    if statement_accept and accepted_statements and not STATEMENT_TYPES <= set(accepted_statements):
        raise SenderRefused(2100, "All statements must be accepted")
    account.senders[name] = "INACTIVE"
    account.requested[name] = accounts.Requested(now, statement_accept, accepted_statements)
    return name


def make_default(account: Account, name: str, *, rest: bool) -> None:
    name = find(account, name)
    if account.senders[name] != "ACTIVE":
        raise SenderRefused(2061, "Sender name has to be active for setting it as default")
    if name == account.default_sender and not rest:
        raise SenderRefused(2062, "This sender name is already set as default")
    account.default_sender = name


def delete(account: Account, name: str) -> None:
    name = find(account, name)
    del account.senders[name]
    account.requested.pop(name, None)
    if account.default_sender == name:
        account.default_sender = ""


def decide(account: Account, name: str, status: str) -> None:
    """The control endpoints' approve (ACTIVE) and reject (REJECTED)."""
    account.senders[find(account, name)] = status

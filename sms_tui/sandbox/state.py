"""The sandbox's accounts, outbox and fault queue: SMSAPI's rules for a send, in one place.

Stable demo credentials (documented in README): demo / demo (MD5
fe01ce2a7fbac8fafaed7c982a04e229), token demo-token, 10 points.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from sms_tui.rules import check_phone, md5_hex, measure

PRICE = {"pro": 0.16, "eco": 0.07}  # points per message part
ALL_SCOPES = frozenset({"sms", "sendernames", "profile"})


@dataclass
class Account:
    username: str
    password: str  # the plain API password; the MD5 of it is what clients send
    points: float
    token: str | None = None
    scopes: frozenset[str] = ALL_SCOPES
    senders: dict[str, str] = field(default_factory=dict)  # name -> ACTIVE/PENDING/REJECTED
    default_sender: str = "Test"
    activated: bool = True
    phone: str = "48500100200"  # the registration number: the only one an unactivated account may reach
    ip_filter: bool = False
    platform: str = "pl"  # which of the sandbox's /pl/ and /com/ hosts knows this account
    seen_idx: set[str] = field(default_factory=set)

    @property
    def password_md5(self) -> str:
        return md5_hex(self.password)


def demo_accounts() -> list[Account]:
    return [
        Account("demo", "demo", 10.0, token="demo-token",
                senders={"DemoSerwis": "ACTIVE", "NowySklep": "PENDING", "Odrzucona": "REJECTED"},
                default_sender="DemoSerwis"),
        Account("pusty", "pusty", 0.0, token="pusty-token", senders={"Test": "ACTIVE"}),
        Account("nowy", "nowy", 5.0, token="nowy-token", activated=False, senders={"Test": "ACTIVE"}),
        Account("filtr", "filtr", 10.0, token="filtr-token", ip_filter=True, senders={"Test": "ACTIVE"}),
        Account("wezszy", "wezszy", 10.0, token="demo-token-bez-sms", scopes=frozenset({"profile"}),
                senders={"Test": "ACTIVE"}),
        Account("komercja", "komercja", 10.0, token="com-token", platform="com", senders={"Shop": "ACTIVE"}),
    ]


DEMO_ACCOUNTS = tuple(a.username for a in demo_accounts())


@dataclass(frozen=True)
class Delivered:
    id: str
    username: str
    to: str
    sender: str
    message: str
    parts: int
    points: float
    idx: str | None
    at: float


@dataclass
class Fault:
    """One injected failure for the next matching request (`path` None matches any)."""

    kind: str  # delay, http500, http502, http503, drop_before, drop_after, garbage, truncate, stall, empty
    path: str | None = None
    seconds: float = 0.0
    times: int = 1

    KINDS = ("delay", "http500", "http502", "http503", "drop_before", "drop_after", "garbage", "truncate", "stall", "empty")


class SendRefused(Exception):
    def __init__(self, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


class SandboxState:
    """Thread-safe: the HTTP server handles requests on several threads."""

    def __init__(self, accounts: list[Account] | None = None) -> None:
        self.lock = threading.RLock()
        self.accounts = {a.username: a for a in (accounts or demo_accounts())}
        self.outbox: list[Delivered] = []
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self._ids = itertools.count(7074294081650020450)

    def reset(self) -> None:
        with self.lock:
            self.__init__()  # type: ignore[misc]

    def inject(self, fault: Fault) -> None:
        if fault.kind not in Fault.KINDS:
            raise ValueError(f"unknown fault {fault.kind!r}; one of {', '.join(Fault.KINDS)}")
        with self.lock:
            self.faults.append(fault)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path in (None, path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    # -- authentication -------------------------------------------------------------------------

    def by_token(self, token: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.token and a.token == token), None)

    def by_password(self, username: str, password_md5: str) -> Account | None:
        account = self.accounts.get(username)
        if account and account.password_md5 == password_md5.lower():
            return account
        return None

    # -- sending --------------------------------------------------------------------------------

    def send(self, account: Account, params: dict[str, str]) -> dict[str, Any]:
        """SMSAPI's checks in SMSAPI's order; raises SendRefused with the documented code."""
        message = params.get("message", "")
        length = measure(message)
        if length.empty or length.too_long:
            raise SendRefused(11, "Message too long or there is no message")
        sender = params.get("from") or account.default_sender
        eco = sender.upper() == "ECO" or params.get("eco") == "1"
        if not eco and account.senders.get(sender) != "ACTIVE":
            raise SendRefused(14, "Invalid sender field")
        valid, invalid = [], []
        for raw in (n for n in params.get("to", "").split(",") if n.strip()):
            check = check_phone(raw)
            if check.ok:
                valid.append((raw, check.number))
            else:
                invalid.append({"number": check.number or raw, "submitted_number": raw, "message": "Invalid phone number"})
        if not valid:
            raise SendRefused(13, "No correct phone numbers", invalid_numbers=invalid)
        if eco and any(not number.startswith("48") for _, number in valid):
            raise SendRefused(32, "Cannot send Eco to foreign numbers")
        if not account.activated and any(number != account.phone for _, number in valid):
            raise SendRefused(98, "Your account is restricted, you can send only to the number used at registration")
        price = PRICE["eco" if eco else "pro"] * max(length.parts, 1)
        with self.lock:
            if account.points < price * len(valid) or account.points <= 0:
                raise SendRefused(103, "Insufficient credits on Your account")
            idx = params.get("idx") or None
            if idx and params.get("check_idx") == "1" and idx in account.seen_idx:
                raise SendRefused(53, "Not unique idx parameter")
            test = params.get("test") == "1"
            items = []
            for submitted, number in valid:
                msg_id = str(next(self._ids))
                items.append({"id": msg_id, "points": f"{price:.4f}", "number": number, "date_sent": int(time.time()),
                              "submitted_number": submitted, "status": "QUEUE", "error": None, "idx": idx, "parts": length.parts})
                if not test:
                    account.points = round(account.points - price, 4)
                    self.outbox.append(Delivered(msg_id, account.username, number, "ECO" if eco else sender, message,
                                                 length.parts, price, idx, time.time()))
            if idx and not test:
                account.seen_idx.add(idx)
        return {"count": len(items), "list": items, "message": message, "length": length.units,
                "parts": length.parts, **({"invalid_numbers": invalid} if invalid else {})}

    def balance(self, account: Account) -> dict[str, Any]:
        return {"points": round(account.points, 4), "proCount": int(account.points / PRICE["pro"]),
                "ecoCount": int(account.points / PRICE["eco"]), "mmsCount": 0, "vmsGsmCount": 0, "vmsLandCount": 0}

    def senders(self, account: Account) -> list[dict[str, Any]]:
        return [{"sender": name, "status": status, "is_default": name == account.default_sender,
                 "default": name == account.default_sender, "created_at": "2026-01-01T00:00:00+01:00"}
                for name, status in account.senders.items()]

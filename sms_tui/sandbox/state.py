"""The sandbox's accounts, outbox and fault queue: SMSAPI's rules for a send, in one place.

Stable demo credentials (documented in docs/sandbox.md): demo / demo (MD5
fe01ce2a7fbac8fafaed7c982a04e229), token demo-token, 10 points.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any

from sms_tui.rules import check_phone, measure
from sms_tui.sandbox import senders as names
from sms_tui.sandbox.accounts import PRICE, Account, demo_accounts
from sms_tui.sandbox.tracking import Delays, Tracked

# SMSAPI refuses a repeated idx (check_idx=1) only within a window: the last 24 hours
# (smsapi-protocol-2.md; an older page said four days). After it the same idx is a new SMS, so a
# nightly converge that relied on it alone would send again — the suite must see that.
CHECK_IDX_WINDOW = 24 * 3600.0


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
    flash: bool = False
    expires: float | None = None  # expiration_date, as given


@dataclass
class Fault:
    """One injected failure for the next matching request (`path` None matches any)."""

    kind: str  # delay, http500, http502, http503, http401(_empty), drop_before, drop_after, garbage, truncate, stall, empty
    path: str | None = None
    seconds: float = 0.0
    times: int = 1

    KINDS = ("delay", "http500", "http502", "http503", "http401", "http401_empty", "drop_before", "drop_after", "garbage", "truncate", "stall",
             "empty", "points_text")


def flag(value: str | None) -> bool:
    """A flag as SMSAPI reads it in form, query and JSON alike (test, check_idx, details, fast,
    flash, normalize, nounicode, statement_accept…): 1 and true, in any case."""
    return (value or "").strip().lower() in ("1", "true")


class SendRefused(Exception):
    def __init__(self, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


class SandboxState:
    """Thread-safe: the HTTP server handles requests on several threads.

    Time is the sandbox's own clock (`now()`): `advance()` moves it, so a test sees a message
    delivered or a name approved without sleeping."""

    def __init__(self, accounts: list[Account] | None = None, *, approve_after: float | None = None,
                 delays: Delays | None = None) -> None:
        self.lock = threading.RLock()
        self._initial = copy.deepcopy(accounts or demo_accounts())
        self.approve_after = approve_after
        self.delays = delays or Delays()
        self.reset()

    def reset(self) -> None:
        """Back to the accounts the sandbox was built with, whatever they were."""
        with self.lock:
            self.accounts = {a.username: a for a in copy.deepcopy(self._initial)}
            self.outbox: list[Delivered] = []
            self.messages: dict[str, Tracked] = {}
            self.faults: list[Fault] = []
            self.requests: list[tuple[str, str]] = []
            self._ids = itertools.count(7074294081650020450)
            self.subuser_limit_code = 103  # a subuser past its points: 103, or (UNCONFIRMED) the document's 96 "monthly limit"
            self._offset = 0.0
            self._started = time.time()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self.lock:
            self._offset += max(0.0, seconds)

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
        if account and account.active and account.password_md5 == password_md5.lower():
            return account
        return None

    # -- sending --------------------------------------------------------------------------------

    def send(self, account: Account, params: dict[str, str]) -> dict[str, Any]:
        """SMSAPI's checks in SMSAPI's order; raises SendRefused with the documented code."""
        message = params.get("message", "")
        length = measure(message)
        if length.empty or length.too_long:
            raise SendRefused(11, "Message too long or there is no message")
        flash, expires = self._options(params, length)
        with self.lock:
            names.settle(account, self.now(), self.approve_after)
        sender = params.get("from") or account.default_sender
        eco = sender.upper() == "ECO" or flag(params.get("eco"))
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
                if account.parent is not None and self.subuser_limit_code != 103:  # UNCONFIRMED which code a capped subuser meets
                    raise SendRefused(self.subuser_limit_code, "You have reached the monthly limit.")
                raise SendRefused(103, "Insufficient credits on Your account")
            idx = params.get("idx") or None
            seen = account.seen_idx.get(idx) if idx else None
            if seen is not None and flag(params.get("check_idx")) and self.now() - seen < CHECK_IDX_WINDOW:
                raise SendRefused(53, "Not unique idx parameter")
            test = flag(params.get("test"))
            items = []
            for submitted, number in valid:
                msg_id = str(next(self._ids))
                items.append({"id": msg_id, "points": round(price, 4), "number": number, "date_sent": int(time.time()),
                              "submitted_number": submitted, "status": "QUEUE", "error": None, "idx": idx, "parts": length.parts})
                if not test:
                    account.points = round(account.points - price, 4)
                    self.outbox.append(Delivered(msg_id, account.username, number, "ECO" if eco else sender, message,
                                                 length.parts, price, idx, time.time(), flash, expires))
                    self.messages[msg_id] = Tracked(msg_id, account.username, number, price, idx, self.now())
            if idx and not test:
                account.seen_idx[idx] = self.now()
        return {"count": len(items), "list": items, "message": message, "length": length.units,
                "parts": length.parts, **({"invalid_numbers": invalid} if invalid else {})}

    def balance(self, account: Account) -> dict[str, Any]:
        return {"points": round(account.points, 4), "proCount": int(account.points / PRICE["pro"]),
                "ecoCount": int(account.points / PRICE["eco"]), "mmsCount": 0, "vmsGsmCount": 0, "vmsLandCount": 0}

    def status(self, account: Account, ids: str) -> dict[str, Any]:
        """`sms.do?status=A|B`: unknown ids are NOT_FOUND items beside known ones; when none is
        known the whole read is refused with 301 (SMSAPI's docs allow both; clients get both)."""
        wanted = [i.strip() for i in ids.replace(",", "|").split("|") if i.strip()]
        if not wanted:
            raise SendRefused(400, "Invalid message ID of a status response")
        now = self.now()
        with self.lock:
            mine = {i: m for i in wanted if (m := self.messages.get(i)) is not None and m.username == account.username}
        if not mine:
            raise SendRefused(301, "Not exists ID message")
        items = [mine[i].item(now, self.delays) if i in mine else
                 {"id": i, "points": 0, "number": None, "status": "NOT_FOUND", "error": None, "idx": None} for i in wanted]
        return {"count": len(items), "list": items}

    def _options(self, params: dict[str, str], length: Any) -> tuple[bool, float | None]:
        """max_parts (12), flash (17: GSM characters only), expiration_date (56: 15 min to 72 h from now, ±5 min)."""
        if (limit := params.get("max_parts")) and length.parts > int(limit):
            raise SendRefused(12, "Message has more parts than defined in max_parts parameter")
        flash = flag(params.get("flash"))
        if flash and length.encoding != "gsm7":
            raise SendRefused(17, "FLASH message cannot contain special characters")
        expires = None
        if raw := params.get("expiration_date"):
            expires = float(raw)
            ahead = expires - time.time()
            if not 15 * 60 - 300 <= ahead <= 72 * 3600 + 300:
                raise SendRefused(56, "The difference between date sent and expiration date can't be less than 15 minutes and more than 72 hours")
        return flash, expires

    # -- sender names ---------------------------------------------------------------------------

    def senders(self, account: Account) -> list[dict[str, Any]]:
        with self.lock:
            names.settle(account, self.now(), self.approve_after)
            return [names.describe(account, name, self._started) for name in account.senders]

    def sender(self, account: Account, name: str) -> dict[str, Any]:
        with self.lock:
            names.settle(account, self.now(), self.approve_after)
            return names.describe(account, names.find(account, name), self._started)

    def add_sender(self, account: Account, name: str, *, rest: bool, statement_accept: bool = False,
                   accepted_statements: tuple[str, ...] = ()) -> dict[str, Any]:
        with self.lock:
            added = names.add(account, name, self.now(), rest=rest, statement_accept=statement_accept,
                              accepted_statements=accepted_statements)
            return names.describe(account, added, self._started)

    def make_default(self, account: Account, name: str, *, rest: bool) -> None:
        with self.lock:
            names.settle(account, self.now(), self.approve_after)
            names.make_default(account, name, rest=rest)

    def delete_sender(self, account: Account, name: str) -> None:
        with self.lock:
            names.delete(account, name)

    def decide(self, name: str, status: str, username: str | None = None) -> int:
        """Approve or reject `name` on every account that has it (or on `username`'s); how many."""
        count = 0
        with self.lock:
            for account in self.accounts.values():
                if username not in (None, account.username):
                    continue
                try:
                    names.decide(account, name, status)
                except names.SenderRefused:
                    continue
                count += 1
        return count

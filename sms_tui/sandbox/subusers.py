"""SMSAPI's subusers in the sandbox (`/subusers`, the shapes of SMSAPI's OpenAPI document:
`Subuser`, `CreateSubuser`, `UpdateSubuser`, `SubuserSendernamesAccess`): a main account creates a
login per shop with its own API password and points; the subuser sends with that login and is
refused (103) once its points are spent, whatever the main account still has.

Points, as the document's `SubuserPoints` names them: `from_account` moves points from the main
account at once; `per_month` is the subuser's monthly allowance — the sandbox grants this month's
at creation (and on an edit, the difference), taken from the main account. UNCONFIRMED how SMSAPI
books `per_month` against the main account; the cap itself is what matters here.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from sms_tui.sandbox.accounts import Account

USERNAME = re.compile(r"[A-Za-z0-9@\-_.]{3,32}")  # SMSAPI's rule for subuser names (errors 1010–1193)


class SubuserRefused(Exception):
    def __init__(self, status: int, error: str, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.path = status, error, message, path


def _object(params: dict[str, str], name: str) -> dict[str, Any]:
    """A nested JSON object as the server's form reading hands it over (its JSON text)."""
    raw = params.get(name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise SubuserRefused(400, "invalid_request_data", f"{name} must be an object", name) from None
    if not isinstance(value, dict):
        raise SubuserRefused(400, "invalid_request_data", f"{name} must be an object", name)
    return value


def _points(value: object, path: str) -> float:
    try:
        points = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SubuserRefused(400, "invalid_request_data", "Points must be a number", path) from None
    if points < 0:
        raise SubuserRefused(400, "invalid_request_data", "Points cannot be negative", path)
    return points


def item(account: Account) -> dict[str, Any]:
    return {"id": account.subuser_id, "username": account.username, "active": account.active, "description": account.description,
            "points": {"from_account": round(account.from_account, 4), "per_month": round(account.per_month, 4)}}


def _charge(main: Account, points: float) -> None:
    if points > main.points + 1e-9:
        raise SubuserRefused(400, "invalid_domain_logic", "Not enough points on the main account", "points")
    main.points = round(main.points - points, 4)


def create(accounts: dict[str, Account], main: Account, params: dict[str, str]) -> dict[str, Any]:
    credentials, points = _object(params, "credentials"), _object(params, "points")
    username = str(credentials.get("username") or "")
    if not USERNAME.fullmatch(username):
        raise SubuserRefused(400, "invalid_request_data", "Username must be 3–32 characters: letters, digits, @ - _ .", "credentials.username")
    if username in accounts:
        raise SubuserRefused(409, "username_already_exists", "Username already exists", "credentials.username")
    if not credentials.get("password"):
        raise SubuserRefused(400, "invalid_request_data", "Password is required", "credentials.password")
    from_account = _points(points.get("from_account", 0), "points.from_account")
    per_month = _points(points.get("per_month", 0), "points.per_month")
    _charge(main, from_account + per_month)
    api_password = str(credentials.get("api_password") or credentials["password"])
    account = Account(username, api_password, round(from_account + per_month, 4), parent=main.username, subuser_id=secrets.token_hex(12),
                      from_account=from_account, per_month=per_month, description=params.get("description") or None,
                      active=params.get("active", "true").lower() not in ("false", "0"), senders={}, default_sender="Test",
                      platform=main.platform, scopes=frozenset({"sms", "profile", "sendernames"}))
    accounts[username] = account
    return item(account)


def find(accounts: dict[str, Account], main: Account, subuser_id: str) -> Account:
    for account in accounts.values():
        if account.parent == main.username and account.subuser_id == subuser_id:
            return account
    raise SubuserRefused(404, "not_found", "Not found subuser")


def update(accounts: dict[str, Account], main: Account, subuser_id: str, params: dict[str, str]) -> dict[str, Any]:
    account = find(accounts, main, subuser_id)
    credentials, points = _object(params, "credentials"), _object(params, "points")
    if "per_month" in points:
        per_month = _points(points["per_month"], "points.per_month")
        if per_month > account.per_month:
            _charge(main, per_month - account.per_month)
        account.points = round(max(0.0, account.points + per_month - account.per_month), 4)
        account.per_month = per_month
    if "from_account" in points:
        more = _points(points["from_account"], "points.from_account")
        _charge(main, more)
        account.points, account.from_account = round(account.points + more, 4), round(account.from_account + more, 4)
    if credentials.get("api_password"):
        account.password = str(credentials["api_password"])
    if "active" in params:
        account.active = params["active"].lower() not in ("false", "0")
    if "description" in params:
        account.description = params["description"] or None
    return item(account)


def share_senders(accounts: dict[str, Account], main: Account, subuser_id: str, params: dict[str, str], multi: dict[str, list[str]]) -> None:
    """`all`, `none` or `selected` of the main account's active names become the subuser's."""
    account = find(accounts, main, subuser_id)
    access = params.get("access", "")
    if access not in ("all", "none", "selected"):
        raise SubuserRefused(400, "invalid_request_data", "Access must be all, none or selected", "access")
    active = [name for name, status in main.senders.items() if status == "ACTIVE"]
    chosen = active if access == "all" else [] if access == "none" else [n for n in multi.get("senders", []) if n in active]
    account.shared = access
    account.senders = dict.fromkeys(chosen, "ACTIVE")
    account.default_sender = main.default_sender if main.default_sender in chosen else "Test"


def shares(accounts: dict[str, Account], main: Account, subuser_id: str) -> dict[str, Any]:
    account = find(accounts, main, subuser_id)
    return {"access": account.shared, "senders": sorted(account.senders) if account.shared == "selected" else None}

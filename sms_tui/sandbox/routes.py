"""SMSAPI's endpoints in the sandbox, once the caller is known: legacy `*.do` and REST, in the
shapes SMSAPI's own SDKs read (JSON unless a legacy call leaves out `format=json`).

Each route returns (HTTP status, body, content type); a refusal is raised and shaped here, the
legacy way (`{"error": <code>, "message"}` with 200) or the REST way
(`{"message", "error", "errors"}` with a 4xx status).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from sms_tui.sandbox import subusers
from sms_tui.sandbox.accounts import PRICE, Account
from sms_tui.sandbox.senders import STATEMENT, SenderRefused
from sms_tui.sandbox.state import SandboxState, SendRefused, flag

JSON, TEXT = "application/json", "text/plain"
Reply = tuple[int, Any, str]
SENDERNAMES = "/sms/sendernames"
SUBUSERS = "/subusers"

# Legacy sender.do codes as REST answers them (names from SMSAPI's SDK tests against the live API).
_REST_SENDER_ERRORS: dict[int, tuple[int, str, str]] = {
    2031: (404, "not_found", "Not found sender"),
    2112: (400, "invalid_sender", "Sendername is not valid"),
    2111: (400, "invalid_request_data", "Sender is required"),
    2115: (409, "sendername_already_exists", "Sendername already exists"),
    2061: (400, "sender_not_active", "Cannot set to default not active sendername"),
    2100: (400, "invalid_request_data", "All statements must be accepted"),
}
_REST_FIELD = {2111: "sender", 2112: "sender", 2100: "accepted_statements"}


def rest_error(status: int, error: str, message: str, errors: list[dict[str, Any]] | None = None) -> Reply:
    return status, {"message": message, "error": error, "errors": errors or []}, JSON


def _legacy_error(code: int, message: str, plain: bool, **extra: Any) -> Reply:
    if plain:
        return 200, f"ERROR:{code}", TEXT
    return 200, {"error": code, "message": message, **extra}, JSON


def legacy(state: SandboxState, account: Account, path: str, params: dict[str, str], plain: bool) -> Reply:
    try:
        if path == "/sms.do" and "status" in params:
            return 200, state.status(account, params["status"]), JSON
        if path == "/sms.do":
            result = state.send(account, params)
            if plain:
                return 200, ";".join(f"OK:{m['id']}:{m['points']}" for m in result["list"]), TEXT
            return 200, result, JSON
        if path == "/user.do":
            balance = state.balance(account)
            if plain:
                return 200, f"Points: {balance['points']:.4f};{balance['proCount']};{balance['ecoCount']}", TEXT
            return 200, balance, JSON
        if path == "/sender.do":
            return _sender_do(state, account, params)
    except SendRefused as refused:
        return _legacy_error(refused.code, refused.message, plain and "status" not in params, **refused.extra)
    except SenderRefused as refused:
        return _legacy_error(refused.code, refused.message, False)
    return 404, {"error": 8, "message": "Unknown action"}, JSON


def _sender_do(state: SandboxState, account: Account, params: dict[str, str]) -> Reply:
    """One action per call, in the order SMSAPI's docs list them; list answers a bare array."""
    if "add" in params:
        state.add_sender(account, params["add"], rest=False)
        return 200, {"count": 1}, JSON
    if "status" in params:
        item = state.sender(account, params["status"])
        return 200, {"sender": item["sender"], "status": item["status"], "default": item["default"]}, JSON
    if "delete" in params:
        state.delete_sender(account, params["delete"])
        return 200, {"count": 1}, JSON
    if "default" in params:
        state.make_default(account, params["default"], rest=False)
        return 200, {"count": 1}, JSON
    if "list" in params:
        return 200, [{"sender": i["sender"], "status": i["status"], "default": i["default"]} for i in state.senders(account)], JSON
    raise SenderRefused(2001, "Invalid action (parameter add, status, delete or list expected)")


def rest(state: SandboxState, account: Account, method: str, path: str, params: dict[str, str], multi: dict[str, list[str]]) -> Reply:
    try:
        if path == "/profile" and method == "GET":
            return 200, {"name": account.username, "email": f"{account.username}@example.invalid", "username": account.username,
                         "phone_number": account.phone, "payment_type": "prepaid", "user_type": "native" if account.parent is None else "subuser",
                         "points": round(account.points, 4)}, JSON
        if path == "/profile/prices" and method == "GET":
            return _prices(account, params.get("type"))
        if path == SENDERNAMES or path.startswith(SENDERNAMES + "/"):
            return _sendernames(state, account, method, path[len(SENDERNAMES):].strip("/"), params, multi)
        if path == SUBUSERS or path.startswith(SUBUSERS + "/"):
            with state.lock:
                return _subusers(state, account, method, [p for p in path[len(SUBUSERS):].split("/") if p], params, multi)
    except subusers.SubuserRefused as refused:
        errors = [{"message": refused.message, "error": refused.error, "path": refused.path, "value": None}] if refused.path else []
        return rest_error(refused.status, refused.error, refused.message, errors)
    except SenderRefused as refused:
        status, error, message = _REST_SENDER_ERRORS.get(refused.code, (400, "invalid_domain_logic", refused.message))
        field = _REST_FIELD.get(refused.code)
        errors = [{"message": refused.message, "error": error, "path": field, "value": params.get(field or "", "")}] if field else []
        return rest_error(status, error, message, errors)
    return rest_error(404, "not_found", "Not found resource")


def _sendernames(state: SandboxState, account: Account, method: str, rest_path: str, params: dict[str, str],
                 multi: dict[str, list[str]]) -> Reply:
    parts = [unquote(p) for p in rest_path.split("/")] if rest_path else []
    if not parts and method == "GET":
        items = state.senders(account)
        return 200, {"size": len(items), "collection": [_rest_item(i) for i in items]}, JSON
    if not parts and method == "POST":
        item = state.add_sender(account, params.get("sender", ""), rest=True, statement_accept=flag(params.get("statement_accept")),
                                accepted_statements=tuple(multi.get("accepted_statements[]", []) + multi.get("accepted_statements", [])))
        return 201, _rest_item(item), JSON
    if parts == ["statement"] and method == "GET":
        return 200, STATEMENT, JSON
    if len(parts) == 1 and method == "GET":
        return 200, _rest_item(state.sender(account, parts[0])), JSON
    if len(parts) == 1 and method == "DELETE":
        state.delete_sender(account, parts[0])
        return 204, b"", JSON
    if len(parts) == 3 and parts[1:] == ["commands", "make_default"] and method == "POST":
        state.make_default(account, parts[0], rest=True)
        return 204, b"", JSON
    return rest_error(405 if len(parts) <= 1 else 404, "not_found", "Not found resource")


def _subusers(state: SandboxState, account: Account, method: str, parts: list[str], params: dict[str, str],
              multi: dict[str, list[str]]) -> Reply:
    """The main account's subusers; a subuser itself may not (SMSAPI's error 1000)."""
    if account.parent is not None:
        return rest_error(403, "forbidden", "Action available only for the main user")
    accounts = state.accounts
    if not parts and method == "GET":
        mine = [a for a in accounts.values() if a.parent == account.username and (not params.get("q") or params["q"] in a.username)]
        return 200, {"size": len(mine), "collection": [subusers.item(a) for a in mine]}, JSON
    if not parts and method == "POST":
        return 201, subusers.create(accounts, account, params), JSON
    if len(parts) == 1 and method == "GET":
        return 200, subusers.item(subusers.find(accounts, account, parts[0])), JSON
    if len(parts) == 1 and method == "PUT":
        return 200, subusers.update(accounts, account, parts[0], params), JSON
    if len(parts) == 1 and method == "DELETE":
        del accounts[subusers.find(accounts, account, parts[0]).username]
        return 204, b"", JSON
    if parts[1:] == ["shares", "sendernames"] and method == "GET":
        return 200, subusers.shares(accounts, account, parts[0]), JSON
    if parts[1:] == ["shares", "sendernames"] and method == "PUT":
        subusers.share_senders(accounts, account, parts[0], params, multi)
        return 204, b"", JSON
    return rest_error(404, "not_found", "Not found resource")


def _rest_item(item: dict[str, Any]) -> dict[str, Any]:
    return {"sender": item["sender"], "status": item["status"], "is_default": item["is_default"], "created_at": item["created_at"]}


_NETWORKS = [("Plus", 1), ("T-Mobile", 2), ("Orange", 3), ("Play", 6)]
_MONEY = {"pl": ("PLN", 1.0), "com": ("EUR", 0.25)}  # one point in money, per platform


PRICING_TYPES = ("pro", "eco", "sms", "2way", "vms", "hlr", "mms")  # the OpenAPI document's ProfilePricingType


def _prices(account: Account, kind: str | None) -> Reply:
    """What the account has: pro and eco; `sms` (a .com account's own word) is both; the other
    types an empty collection (faithful: this account buys none of them)."""
    if kind not in (None, "", *PRICING_TYPES):
        return rest_error(400, "invalid_request_data", "Invalid pricing type",
                          [{"message": "The value you selected is not a valid choice.", "error": "invalid_choice", "path": "type", "value": kind}])
    currency, rate = _MONEY.get(account.platform, _MONEY["pl"])
    items = [{"type": k, "price": {"amount": round(PRICE[k] * rate, 4), "currency": currency},
              "country": {"name": "Poland", "mcc": 260}, "network": {"name": network, "mnc": mnc}, "changed_at": "2026-01-01",
              "_embedded": {"services": {"receiving_numbers": True, "alphanumeric_sendernames": True, "details": ""}}}
             for k in PRICE if kind in (None, "", "sms", k) for network, mnc in _NETWORKS]
    return 200, {"size": len(items), "collection": items}, JSON

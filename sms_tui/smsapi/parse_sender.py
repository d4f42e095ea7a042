"""Sender-name answers: legacy `sender.do` (list, status, add/delete/default counts) and REST
`/sms/sendernames` (collection, one name, 201/204, the statement).

As in parse.py, any input ends as a model, an ApiError or TransportError("bad_response").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sms_tui.smsapi.errors import ApiError
from sms_tui.smsapi.models import SenderName
from sms_tui.smsapi.parse import bad, load_json, plain_error, raise_if_error

if TYPE_CHECKING:
    from sms_tui.smsapi.sender_statement import SenderStatement

NOT_ON_ACCOUNT, NAME_MISSING, NAME_INVALID = 2031, 2111, 2112


def _data(body: str, http_status: int | None) -> Any:
    """JSON with errors raised; REST's `not_found` on a name is legacy 2031 (no such name), and its
    generic validation error on the `sender` field is 2111 (empty) or 2112 (not a valid name)."""
    text = body.strip()
    if (error := plain_error(text)) is not None:
        raise error
    data = load_json(text)
    try:
        raise_if_error(data, http_status)
    except ApiError as exc:
        if exc.rest_error == "not_found" or (exc.rest_error and http_status == 404):
            raise ApiError(NOT_ON_ACCOUNT, exc.server_message, http_status=http_status, rest_error=exc.rest_error) from None
        about_name = [e for e in exc.field_errors if e.get("path") == "sender"]
        if exc.rest_error == "invalid_request_data" and about_name:
            code = NAME_MISSING if not str(about_name[0].get("value") or "").strip() else NAME_INVALID
            raise ApiError(code, exc.server_message, http_status=http_status, rest_error=exc.rest_error, field_errors=exc.field_errors) from None
        raise
    return data


def _name(item: Any, text: str) -> SenderName:
    if not isinstance(item, dict) or not item.get("sender"):
        raise bad(text, "no sender name")
    try:
        return SenderName.model_validate(item)
    except ValidationError:
        raise bad(text, "unexpected sender fields") from None


def parse_senders(body: str, *, http_status: int | None = None) -> list[SenderName]:
    """Legacy `sender.do?list=1` (a bare list) or REST `/sms/sendernames` (`collection`)."""
    text = body.strip()
    data = _data(text, http_status)
    items = data.get("collection") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise bad(text, "no sender list")
    return [_name(item, text) for item in items]


def parse_sender(body: str, *, http_status: int | None = None) -> SenderName:
    """Legacy `sender.do?status=NAME` or REST `GET /sms/sendernames/NAME` (and a 201 create)."""
    text = body.strip()
    return _name(_data(text, http_status), text)


def parse_done(body: str, *, http_status: int | None = None) -> bool:
    """Legacy add/delete/default answer `{"count": 1}`; REST answers 204 with no body (or 201)."""
    text = body.strip()
    if not text and http_status in (200, 201, 202, 204):
        return True
    data = _data(text, http_status)
    if isinstance(data, dict) and ("count" in data or "sender" in data):
        return True
    raise bad(text, "not a sender-name answer")


def parse_statement(body: str, *, http_status: int | None = None) -> SenderStatement:
    from sms_tui.smsapi.sender_statement import SenderStatement  # noqa: PLC0415 — sms_tui.smsapi.sender_statement adds 3 ms to sms_tui.smsapi.parse_sender (python -X importtime); its models load with the one call that needs them

    text = body.strip()
    data = _data(text, http_status)
    if not isinstance(data, dict) or not (data.get("content") or data.get("sections")):
        raise bad(text, "no statement")
    try:
        return SenderStatement.model_validate({"content": data.get("content") or "", "sections": data.get("sections") or []})
    except ValidationError:
        raise bad(text, "unexpected statement fields") from None

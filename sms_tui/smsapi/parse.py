"""Turn SMSAPI's bodies (JSON or the plain `OK:`/`ERROR:` forms) into models or typed errors.

Any input, however broken, ends as a model, an ApiError or a TransportError("bad_response"):
never a KeyError or a pydantic traceback reaching the user.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from sms_tui.smsapi.errors import ApiError, TransportError
from sms_tui.smsapi.models import Balance, SendResult, SentMessage

_MAX_SNIPPET = 80


def bad(body: str, why: str) -> TransportError:
    snippet = "".join(ch if ch.isprintable() else "?" for ch in body[:_MAX_SNIPPET])
    return TransportError("bad_response", f"{why}: {snippet!r}")


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad(raw.decode("latin-1"), "not UTF-8") from None


def load_json(body: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise bad(body, "not JSON") from None


def raise_if_error(data: Any, http_status: int | None) -> None:
    """Legacy errors: `{"error": 101, "message": ...}`; REST errors carry a string `error`."""
    if not isinstance(data, dict) or data.get("error") in (None, ""):
        return
    code = data["error"]
    message = str(data.get("message") or "")
    invalid = data.get("invalid_numbers")
    invalid_numbers = [n for n in invalid if isinstance(n, dict)] if isinstance(invalid, list) else []
    if isinstance(code, bool):
        raise bad(json.dumps(data), "unexpected error field")
    if isinstance(code, int) or (isinstance(code, str) and code.isdigit()):
        raise ApiError(int(code), message, http_status=http_status, invalid_numbers=invalid_numbers)
    errors = data.get("errors")
    field_errors = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    raise ApiError(_rest_code(http_status, str(code)), message, http_status=http_status, rest_error=str(code), field_errors=field_errors)


# REST error names whose meaning has a legacy number (the sender-name family, from the SDKs' live tests).
REST_ERRORS: dict[str, int] = {"invalid_sender": 2112, "sender_not_active": 2061, "sendername_already_exists": 2115, "already_exists": 2115,
                               # The IP filter over REST: SMSAPI's tag for it is UNCONFIRMED; a number 105 is read too.
                               "ip_not_allowed": 105, "invalid_ip_address": 105, "ip_filter": 105}


def _rest_code(http_status: int | None, error: str = "") -> int:
    """REST errors have no number: give them the legacy code that means the same thing."""
    if error in REST_ERRORS:
        return REST_ERRORS[error]
    return {401: 101, 403: 401, 409: 409, 429: 202, 503: 200, 408: 200}.get(http_status or 0, 8)


def plain_error(line: str) -> ApiError | None:
    if line.startswith("ERROR:"):
        code = line[6:].split(":", 1)[0].strip()
        if code.isdigit():
            return ApiError(int(code), line)
        raise bad(line, "unreadable ERROR line")
    return None


def parse_send(body: str, *, http_status: int | None = None) -> SendResult:
    text = body.strip()
    if text.startswith(("{", "[")):
        data = load_json(text)
        raise_if_error(data, http_status)
        if not isinstance(data, dict) or not isinstance(data.get("list"), list):
            raise bad(text, "no message list")
        try:
            return SendResult.model_validate(data)
        except ValidationError:
            raise bad(text, "unexpected message fields") from None
    messages: list[SentMessage] = []
    for line in (part.strip() for part in text.replace("\n", ";").split(";")):
        if not line or line.split(":", 1)[0] in ("Message", "Length", "Parts"):
            continue
        if (error := plain_error(line)) is not None:
            raise error
        fields = line.split(":")
        if fields[0] != "OK" or len(fields) < 3:
            raise bad(text, "not an SMSAPI answer")
        try:
            points = float(fields[2])
        except ValueError:
            raise bad(text, "points not a number") from None
        number = fields[3] if len(fields) > 3 else ""
        messages.append(SentMessage(id=fields[1], points=points, number=number))
    if not messages:
        raise bad(text, "empty answer")
    return SendResult.model_validate({"count": len(messages), "list": messages})


def parse_balance(body: str, *, http_status: int | None = None) -> Balance:
    """`user.do` JSON, its plain `Points: 10;62;142;...` form, or REST `/profile`."""
    text = body.strip()
    if text.startswith("Points:"):
        fields = text[7:].strip().split(";")
        try:
            numbers = [float(f) for f in fields if f.strip()]
        except ValueError:
            raise bad(text, "points not a number") from None
        if not numbers:
            raise bad(text, "no points")
        pro = int(numbers[1]) if len(numbers) > 1 else None
        eco = int(numbers[2]) if len(numbers) > 2 else None
        return Balance(points=numbers[0], proCount=pro, ecoCount=eco)
    if (error := plain_error(text)) is not None:
        raise error
    data = load_json(text)
    raise_if_error(data, http_status)
    if not isinstance(data, dict) or not ("points" in data or "username" in data):
        raise bad(text, "no points")
    try:
        return Balance.model_validate(data)
    except ValidationError:
        raise bad(text, "unexpected balance fields") from None

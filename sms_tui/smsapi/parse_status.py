"""`sms.do?status=` answers: one MessageStatus per id asked."""

from __future__ import annotations

from pydantic import ValidationError

from sms_tui.smsapi.message_status import MessageStatus
from sms_tui.smsapi.parse import bad, load_json, plain_error, raise_if_error


def parse_status(body: str, ids: list[str], *, http_status: int | None = None) -> list[MessageStatus]:
    """`sms.do?status=` answers a send-shaped collection; an id it leaves out is NOT_FOUND, so the
    caller always gets one result per id asked, in the order asked."""
    text = body.strip()
    if (error := plain_error(text)) is not None:
        raise error
    data = load_json(text)
    raise_if_error(data, http_status)
    items = data.get("list") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise bad(text, "no status list")
    try:
        found = [MessageStatus.model_validate(item) for item in items if isinstance(item, dict)]
    except ValidationError:
        raise bad(text, "unexpected status fields") from None
    by_id = {item.id: item for item in found}
    return [by_id.get(i) or MessageStatus(id=i, status="NOT_FOUND") for i in ids]

"""SMSAPI's subusers (`/subusers`, REST with a token of the main account): a login per shop with
its own API password and monthly points, so a chain caps each shop at SMSAPI itself. The shapes
are the OpenAPI document's `Subuser` and `SubuserPoints` (tests/protocol/openapi/)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sms_tui.smsapi.parse import bad, load_json, plain_error, raise_if_error


class SubuserPoints(BaseModel):
    model_config = ConfigDict(extra="ignore")
    from_account: float = 0.0
    per_month: float = 0.0


class Subuser(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    username: str
    active: bool = True
    description: str | None = None
    points: SubuserPoints = Field(default_factory=SubuserPoints)


def _data(body: str, http_status: int | None) -> Any:
    text = body.strip()
    if (error := plain_error(text)) is not None:
        raise error
    data = load_json(text)
    raise_if_error(data, http_status)
    return data


def parse_subuser(body: str, *, http_status: int | None = None) -> Subuser:
    data = _data(body, http_status)
    try:
        return Subuser.model_validate(data)
    except ValidationError:
        raise bad(body, "not a subuser") from None


def parse_subusers(body: str, *, http_status: int | None = None) -> list[Subuser]:
    data = _data(body, http_status)
    items = data.get("collection") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise bad(body, "not a subuser collection")
    try:
        return [Subuser.model_validate(item) for item in items]
    except ValidationError:
        raise bad(body, "not a subuser collection") from None


def parse_empty(body: str, *, http_status: int | None = None) -> bool:
    """204 with no body; anything else is SMSAPI's error."""
    if not body.strip() and http_status in (200, 201, 204):
        return True
    _data(body, http_status)
    return True

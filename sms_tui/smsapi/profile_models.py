"""`/ping` and `/profile/prices` answers."""

from __future__ import annotations

from pydantic import Field, field_validator

from sms_tui.smsapi.models import ApiModel


class Ping(ApiModel):
    """`authorized` is None when nothing was asked (legacy MD5 credentials: /ping is Bearer-only)."""

    authorized: bool | None = None
    unavailable: list[str] = Field(default_factory=list)

    @field_validator("unavailable", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        return [str(v) for v in value] if isinstance(value, list) else []


class Price(ApiModel):
    """One line of /profile/prices: the money a message part costs on one network."""

    type: str | None = None
    amount: float
    currency: str
    country: str | None = None
    mcc: int | None = None
    network: str | None = None
    mnc: int | None = None

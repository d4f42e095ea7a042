"""What SMSAPI answers, typed. Lenient where SMSAPI is inconsistent (points as "0.30" or 0.3)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from sms_tui.compat import StrEnum

# An id, a number or a name that SMSAPI sends as a string, a number or null: always a str.
Text = Annotated[str, BeforeValidator(lambda value: "" if value is None else str(value))]


class ApiModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class SentMessage(ApiModel):
    id: Text = ""
    points: float = 0.0
    number: Text = ""
    date_sent: int | None = None
    submitted_number: str | None = None
    status: str | None = None
    error: int | str | None = None
    idx: str | None = None
    parts: int | None = None


class SendResult(ApiModel):
    """One sms.do answer. `already_accepted` marks error 53 on a send with our own idx."""

    count: int = 0
    messages: list[SentMessage] = Field(default_factory=list, alias="list")
    length: int | None = None
    parts: int | None = None
    message: str | None = None
    idx: str | None = None
    test: bool = False
    already_accepted: bool = False
    host: str = ""
    attempts: int = 1

    @property
    def points(self) -> float:
        return round(sum(m.points for m in self.messages), 4)

    @property
    def message_id(self) -> str:
        return self.messages[0].id if self.messages else ""


class Balance(ApiModel):
    """Points and, for legacy auth, how many messages of each kind they buy."""

    points: float | None = None
    pro_count: int | None = Field(None, alias="proCount")
    eco_count: int | None = Field(None, alias="ecoCount")
    username: str | None = None
    payment_type: str | None = None


class SenderState(StrEnum):
    """What a sender name's status means for the shop: send with it, wait for SMSAPI, or give up."""

    USABLE = "usable"
    WAITING = "waiting"
    REFUSED = "refused"


_SENDER_STATES = {"ACTIVE": SenderState.USABLE, "REJECTED": SenderState.REFUSED, "DELETED": SenderState.REFUSED}


class SenderName(ApiModel):
    """One name of the account. SMSAPI spells statuses in either case (the Java SDK's mock sends
    "active"), so they are upper-cased on the way in; anything but ACTIVE/REJECTED/DELETED is
    treated as waiting for SMSAPI's staff (INACTIVE, PENDING, UNKNOWN, and names yet unseen)."""

    sender: Text
    status: str = "UNKNOWN"
    is_default: bool = Field(False, alias="default")
    created_at: str | None = None
    already_existed: bool = False  # set by add_sender when SMSAPI already had the name

    @field_validator("status", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return str(value).strip().upper() if value not in (None, "") else "UNKNOWN"

    @field_validator("is_default", mode="before")
    @classmethod
    def _flag(cls, value: object) -> object:
        """The 2013 legacy answer had `"default": "default"`; REST and today's legacy give a bool."""
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "default", "yes")
        return bool(value)

    @field_validator("created_at", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        return None if value is None else str(value)

    @property
    def state(self) -> SenderState:
        return _SENDER_STATES.get(self.status, SenderState.WAITING)

    @property
    def active(self) -> bool:
        return self.state is SenderState.USABLE

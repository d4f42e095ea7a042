"""What SMSAPI answers, typed. Lenient where SMSAPI is inconsistent (points as "0.30" or 0.3)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class SentMessage(_Model):
    id: str = ""
    points: float = 0.0
    number: str = ""
    date_sent: int | None = None
    submitted_number: str | None = None
    status: str | None = None
    error: int | str | None = None
    idx: str | None = None
    parts: int | None = None

    @field_validator("id", "number", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return "" if value is None else str(value)


class SendResult(_Model):
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


class Balance(_Model):
    """Points and, for legacy auth, how many messages of each kind they buy."""

    points: float | None = None
    pro_count: int | None = Field(None, alias="proCount")
    eco_count: int | None = Field(None, alias="ecoCount")
    username: str | None = None
    payment_type: str | None = None


class SenderName(_Model):
    sender: str
    status: str = "UNKNOWN"
    is_default: bool = Field(False, alias="default")
    created_at: str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return str(value).upper() if value is not None else "UNKNOWN"

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"

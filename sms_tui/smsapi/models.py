"""What SMSAPI answers, typed. Lenient where SMSAPI is inconsistent (points as "0.30" or 0.3)."""

from __future__ import annotations

from enum import StrEnum

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


class SenderState(StrEnum):
    """What a sender name's status means for the shop: send with it, wait for SMSAPI, or give up."""

    USABLE = "usable"
    WAITING = "waiting"
    REFUSED = "refused"


_SENDER_STATES = {"ACTIVE": SenderState.USABLE, "REJECTED": SenderState.REFUSED, "DELETED": SenderState.REFUSED}


class SenderName(_Model):
    """One name of the account. SMSAPI spells statuses in either case (the Java SDK's mock sends
    "active"), so they are upper-cased on the way in; anything but ACTIVE/REJECTED/DELETED is
    treated as waiting for SMSAPI's staff (INACTIVE, PENDING, UNKNOWN, and names yet unseen)."""

    sender: str
    status: str = "UNKNOWN"
    is_default: bool = Field(False, alias="default")
    created_at: str | None = None
    already_existed: bool = False  # set by add_sender when SMSAPI already had the name

    @field_validator("sender", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        return "" if value is None else str(value)

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


class StatementPart(_Model):
    type: str = ""
    content: str = ""


class StatementSection(_Model):
    title: str = ""
    content: str = ""
    statements: list[StatementPart] = Field(default_factory=list)


class SenderStatement(_Model):
    """The declaration a shop owner accepts before SMSAPI reviews a name.

    `builtin` marks the catalogue's own summary of the panel's declaration, used where SMSAPI
    gives none (legacy MD5 auth has no statement call; an account may have none)."""

    content: str = ""
    sections: list[StatementSection] = Field(default_factory=list)
    builtin: bool = False

    @property
    def accepted_types(self) -> list[str]:
        """What `accepted_statements[]` must list when SMSAPI's extended statements are on."""
        return [part.type for section in self.sections for part in section.statements if part.type]


class DeliveryCategory(StrEnum):
    ON_ITS_WAY = "on_its_way"
    DELIVERED = "delivered"
    NOT_DELIVERED = "not_delivered"
    UNKNOWN = "unknown"


_C = DeliveryCategory
DELIVERY_CATEGORIES: dict[str, DeliveryCategory] = {
    **dict.fromkeys(("QUEUE", "QUEUED", "SENT", "ACCEPTED", "RENEWAL", "PENDING", "DRAFT"), _C.ON_ITS_WAY),
    "DELIVERED": _C.DELIVERED,
    **dict.fromkeys(("UNDELIVERED", "EXPIRED", "FAILED", "REJECTED", "NOT_FOUND", "STOP"), _C.NOT_DELIVERED),
    "UNKNOWN": _C.UNKNOWN,
}
# The numeric codes SMSAPI uses for the same statuses in delivery reports (401-412).
STATUS_CODES: dict[int, str] = {401: "NOT_FOUND", 402: "EXPIRED", 403: "SENT", 404: "DELIVERED", 405: "UNDELIVERED", 406: "FAILED",
                                407: "REJECTED", 408: "UNKNOWN", 409: "QUEUE", 410: "ACCEPTED", 411: "RENEWAL", 412: "STOP"}


class MessageStatus(_Model):
    """One message as `sms.do?status=` reports it.

    ACCEPTED and RENEWAL count as on the way (the official SDKs stop polling there; a technician
    waiting for the phone to beep should not); an unrecognised name is UNKNOWN, which is final."""

    id: str = ""
    status: str = "UNKNOWN"
    number: str = ""
    points: float | None = None
    idx: str | None = None
    date_sent: int | None = None
    error: int | str | None = None

    @field_validator("id", "number", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return "" if value is None else str(value)

    @field_validator("status", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return STATUS_CODES.get(value, "UNKNOWN")
        text = str(value).strip().upper() if value not in (None, "") else "UNKNOWN"
        return "QUEUE" if text == "QUEUED" else text

    @field_validator("points", mode="before")
    @classmethod
    def _points(cls, value: object) -> object:
        try:
            return None if value in (None, "") else float(str(value))
        except ValueError:
            return None

    @field_validator("idx", mode="before")
    @classmethod
    def _idx(cls, value: object) -> object:
        return None if value in (None, "") else str(value)

    @property
    def category(self) -> DeliveryCategory:
        return DELIVERY_CATEGORIES.get(self.status, DeliveryCategory.UNKNOWN)

    @property
    def final(self) -> bool:
        return self.category is not DeliveryCategory.ON_ITS_WAY

    @property
    def delivered(self) -> bool:
        return self.category is DeliveryCategory.DELIVERED


class Ping(_Model):
    """`authorized` is None when nothing was asked (legacy MD5 credentials: /ping is Bearer-only)."""

    authorized: bool | None = None
    unavailable: list[str] = Field(default_factory=list)

    @field_validator("unavailable", mode="before")
    @classmethod
    def _names(cls, value: object) -> object:
        return [str(v) for v in value] if isinstance(value, list) else []


class Price(_Model):
    """One line of /profile/prices: the money a message part costs on one network."""

    type: str | None = None
    amount: float
    currency: str
    country: str | None = None
    mcc: int | None = None
    network: str | None = None
    mnc: int | None = None

"""A sent message's delivery status as `sms.do?status=` reports it, and what each status means."""

from __future__ import annotations

from pydantic import field_validator

from sms_tui.compat import StrEnum
from sms_tui.smsapi.models import ApiModel, Text


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


class MessageStatus(ApiModel):
    """One message as `sms.do?status=` reports it.

    ACCEPTED and RENEWAL count as on the way (the official SDKs stop polling there; a technician
    waiting for the phone to beep should not); an unrecognised name is UNKNOWN, which is final."""

    id: Text = ""
    status: str = "UNKNOWN"
    number: Text = ""
    points: float | None = None
    idx: str | None = None
    date_sent: int | None = None
    error: int | str | None = None

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

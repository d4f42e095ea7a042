"""Message status in the sandbox: every real send goes QUEUE → SENT → its final status by the
sandbox clock, so a poller sees what it would see at SMSAPI. `test=1` sends are not tracked.

The documented sandbox numbers (docs/sandbox.md) end badly: 48500000405 UNDELIVERED, 48500000402 EXPIRED
(the last three digits are SMSAPI's own status codes); every other number ends DELIVERED.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FINAL_BY_NUMBER = {"48500000405": "UNDELIVERED", "48500000402": "EXPIRED"}


@dataclass(frozen=True)
class Delays:
    """Seconds in QUEUE, then in SENT, before the final status."""

    queue: float = 1.0
    sent: float = 2.0


@dataclass(frozen=True)
class Tracked:
    id: str
    username: str
    number: str
    points: float
    idx: str | None
    at: float  # sandbox clock when accepted

    def status(self, now: float, delays: Delays) -> str:
        elapsed = now - self.at
        if elapsed < delays.queue:
            return "QUEUE"
        if elapsed < delays.queue + delays.sent:
            return "SENT"
        return FINAL_BY_NUMBER.get(self.number, "DELIVERED")

    def item(self, now: float, delays: Delays) -> dict[str, Any]:
        """The shape of `sms.do?status=` items (the send response's fields, as SMSAPI's SDK fixtures show)."""
        return {"id": self.id, "points": round(self.points, 4), "number": self.number, "date_sent": int(self.at),
                "submitted_number": self.number, "status": self.status(now, delays), "error": None, "idx": self.idx}

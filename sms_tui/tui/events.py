"""Messages the app sends to its screens: the screens redraw from the Wizard, never from these."""

from __future__ import annotations

from textual.message import Message


class DeliveryChanged(Message):
    """The test SMS's delivery moved on (a new status, a failed read, the end of the wait)."""


class SendersChanged(Message):
    """The account's names were read again; `approved` is the requested name when it just turned ACTIVE."""

    def __init__(self, approved: str | None = None) -> None:
        super().__init__()
        self.approved = approved

"""Step 4's own-name requests, a part the Wizard holds (`wizard.senders`): it writes the setup
only through the Wizard it was given, which stays the setup's only writer.

The request goes to SMSAPI after the owner accepted the statement; the shop keeps ECO meanwhile;
while the wizard is open the app asks again every ~25 s and says when the name is approved."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sms_tui import sender_flow
from sms_tui.compat import UTC

if TYPE_CHECKING:
    from sms_tui.operations import AccountStatus
    from sms_tui.settings.setup_model import Setup
    from sms_tui.smsapi import SenderName, SmsapiClient
    from sms_tui.smsapi.sender_statement import SenderStatement
    from sms_tui.wizard.state import WizardState

SENDER_REFRESH = 25.0  # seconds between the list's own refreshes while a requested name waits


class Host(Protocol):
    """What this part needs of the Wizard."""

    state: WizardState

    @property
    def setup(self) -> Setup: ...

    def api(self) -> SmsapiClient: ...


class SenderRequests:
    def __init__(self, wizard: Host) -> None:
        self._wizard = wizard
        self.statement: SenderStatement | None = None
        self.refresh = SENDER_REFRESH

    async def sender_statement(self) -> SenderStatement:
        """SMSAPI's statement (tokens) or the built-in summary of the panel's declaration."""
        self.statement = await self._wizard.api().sender_statement()
        return self.statement

    async def request_sender(self, name: str) -> SenderName:
        """Ask for `name` (the statement accepted in the dialog); a waiting name is remembered and
        ECO chosen until it is approved; an ACTIVE one (already on the account) may be used now."""
        sender = await sender_flow.request(self._wizard.api(), name, self.statement)
        u = self._wizard.setup
        self._put(sender)
        if sender.active:
            u.sender_mode, u.sender_name = "pro", sender.sender
        else:
            u.requested_sender, u.sender_mode = sender.sender, "eco"
            u.requested_at = datetime.now(UTC)
        self._wizard.state.dirty = True
        return sender

    async def refresh_senders(self) -> SenderName | None:
        """Read the list again; the requested name when it has just turned ACTIVE, else None."""
        s, wanted = self._wizard.state, self._wizard.setup.requested_sender
        if s.status is None or not wanted:
            return None
        before = sender_flow.find(s.status.senders, wanted)
        senders = await self._wizard.api().senders()
        s.status = self._status_with(senders)
        now = sender_flow.find(senders, wanted)
        if now is not None and now.active and not (before is not None and before.active):
            return now
        return None

    def use_requested(self) -> None:
        """The approved name becomes the step's choice (PRO with it); saving makes it the shop's."""
        u = self._wizard.setup
        if u.requested_sender:
            u.sender_mode, u.sender_name = "pro", u.requested_sender
            self._wizard.state.dirty = True

    def requested_status(self) -> SenderName | None:
        s = self._wizard.state
        return sender_flow.find(s.status.senders if s.status else None, self._wizard.setup.requested_sender or "")

    def _put(self, sender: SenderName) -> None:
        s = self._wizard.state
        senders = [x for x in (s.status.senders if s.status else None) or [] if x.sender.lower() != sender.sender.lower()]
        s.status = self._status_with([*senders, sender])

    def _status_with(self, senders: list[SenderName]) -> AccountStatus:
        from sms_tui.operations import AccountStatus  # noqa: PLC0415 — sms_tui.operations adds 23 ms to sms_tui.wizard.senders (python -X importtime)

        assert self._wizard.state.status is not None
        return AccountStatus(self._wizard.state.status.balance, senders)

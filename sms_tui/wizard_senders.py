"""Step 4's own-name requests, as part of the Wizard (a mixin: the Wizard stays the setup's only
writer, and this file keeps wizard.py to one screen's worth per concern).

The request goes to SMSAPI after the owner accepted the statement; the shop keeps ECO meanwhile;
while the wizard is open the app asks again every ~25 s and says when the name is approved."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sms_tui import sender_flow

if TYPE_CHECKING:
    from sms_tui.flow import AccountStatus, Session
    from sms_tui.setup import Setup
    from sms_tui.smsapi import ClientOptions, Credentials, SenderName, SmsapiClient
    from sms_tui.smsapi.sender_statement import SenderStatement
    from sms_tui.wizard import WizardState

SENDER_REFRESH = 25.0  # seconds between the list's own refreshes while a requested name waits


class SenderRequests:
    state: WizardState
    session: Session
    statement: SenderStatement | None = None
    sender_refresh: float = SENDER_REFRESH

    @property
    def setup(self) -> Setup:  # the Wizard's
        raise NotImplementedError

    def credentials(self) -> Credentials:  # the Wizard's
        raise NotImplementedError

    def _options(self) -> ClientOptions:  # the Wizard's
        raise NotImplementedError

    def _api(self) -> SmsapiClient:
        return self.session.client(self.credentials(), self._options())

    async def sender_statement(self) -> SenderStatement:
        """SMSAPI's statement (tokens) or the built-in summary of the panel's declaration."""
        self.statement = await self._api().sender_statement()
        return self.statement

    async def request_sender(self, name: str) -> SenderName:
        """Ask for `name` (the statement accepted in the dialog); a waiting name is remembered and
        ECO chosen until it is approved; an ACTIVE one (already on the account) may be used now."""
        sender = await sender_flow.request(self._api(), name, self.statement)
        u = self.setup
        self._put(sender)
        if sender.active:
            u.sender_mode, u.sender_name = "pro", sender.sender
        else:
            u.requested_sender, u.sender_mode = sender.sender, "eco"
            u.requested_at = datetime.now(UTC)
        self.state.dirty = True
        return sender

    async def refresh_senders(self) -> SenderName | None:
        """Read the list again; the requested name when it has just turned ACTIVE, else None."""
        s, wanted = self.state, self.setup.requested_sender
        if s.status is None or not wanted:
            return None
        before = sender_flow.find(s.status.senders, wanted)
        senders = await self._api().senders()
        s.status = self._status_with(senders)
        now = sender_flow.find(senders, wanted)
        if now is not None and now.active and not (before is not None and before.active):
            return now
        return None

    def use_requested(self) -> None:
        """The approved name becomes the step's choice (PRO with it); saving makes it the shop's."""
        u = self.setup
        if u.requested_sender:
            u.sender_mode, u.sender_name = "pro", u.requested_sender
            self.state.dirty = True

    def requested_status(self) -> SenderName | None:
        s = self.state
        return sender_flow.find(s.status.senders if s.status else None, self.setup.requested_sender or "")

    def _put(self, sender: SenderName) -> None:
        s = self.state
        senders = [x for x in (s.status.senders if s.status else None) or [] if x.sender.lower() != sender.sender.lower()]
        s.status = self._status_with([*senders, sender])

    def _status_with(self, senders: list[SenderName]) -> AccountStatus:
        from sms_tui.flow import AccountStatus

        assert self.state.status is not None
        return AccountStatus(self.state.status.balance, senders)

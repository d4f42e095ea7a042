"""An own sender name from the terminal, without a screen: request it (after the statement),
follow SMSAPI's approval, switch to it. The wizard's step 4 and `sms-tui sender …`, `check` and
`apply` all go through here, so a request is recorded and a switch is made the same way."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sms_tui import constants, rules
from sms_tui.compat import UTC

if TYPE_CHECKING:
    from sms_tui.settings.model import Settings
    from sms_tui.smsapi import SenderName, SendResult, SmsapiClient
    from sms_tui.smsapi.sender_statement import SenderStatement

SWITCH_TEST_MESSAGE = "sms-tui: test nazwy nadawcy"


class NotUsable(Exception):
    """The name is on the account but SMSAPI has not approved it (or refused it): nothing changed."""

    def __init__(self, sender: SenderName) -> None:
        super().__init__(sender.status)
        self.sender = sender


def find(senders: list[SenderName] | None, name: str) -> SenderName | None:
    """SMSAPI treats names case-insensitively when it refuses a duplicate: so does this."""
    return next((s for s in senders or [] if s.sender.lower() == name.lower()), None)


async def lookup(api: SmsapiClient, name: str) -> SenderName | None:
    """The name's status when the account has it, else None (SMSAPI's 2031)."""
    from sms_tui.smsapi.errors import ApiError  # noqa: PLC0415 — sms_tui.smsapi.errors adds 5 ms to sms_tui.sender_flow (python -X importtime)
    from sms_tui.smsapi.parse_sender import NOT_ON_ACCOUNT  # noqa: PLC0415 — sms_tui.smsapi.parse_sender adds 127 ms to sms_tui.sender_flow (python -X importtime)

    try:
        return await api.sender(name)
    except ApiError as exc:
        if exc.code != NOT_ON_ACCOUNT:
            raise
        return None


async def request(api: SmsapiClient, name: str, statement: SenderStatement | None) -> SenderName:
    """Ask for the name; a name the account has already comes back with its status (already_existed)."""
    return await api.add_sender(name, statement=statement)


def record_request(settings: Settings, sender: SenderName) -> Settings:
    """Remember a waiting name; an ACTIVE one needs no reminder (`sender use` switches at once)."""
    if sender.active:
        return settings
    updated = settings.sender.model_copy(update={"requested": sender.sender, "requested_at": datetime.now(UTC)})
    return settings.model_copy(update={"sender": updated})


async def switch(api: SmsapiClient, name: str, *, test_to: str | None = None, idx: str | None = None,
                 message: str = SWITCH_TEST_MESSAGE) -> tuple[SenderName, SendResult]:
    """Only an ACTIVE name: checked by a send with it (`test=1`, nothing delivered, or a real test to
    `test_to` with `idx`, so a retry is not a second SMS), then made the account's default.
    NotUsable before anything is sent."""
    sender = await api.sender(name)
    if not sender.active:
        raise NotUsable(sender)
    result = await api.send(test_to or constants.PROBE_NUMBER, message, sender.sender, test=test_to is None,
                            idx=idx if test_to else None)
    await api.make_default_sender(sender.sender)
    return sender, result


def switched(settings: Settings, name: str) -> Settings:
    """PRO with the name, the request cleared: one atomic save makes the shop use it."""
    from sms_tui.settings.model import SenderSettings  # noqa: PLC0415 — sms_tui.settings.model adds 134 ms to sms_tui.sender_flow (python -X importtime)

    return settings.model_copy(update={"sender": SenderSettings(mode="pro", name=name)})


def name_problem(name: str) -> tuple[list[str], str | None]:
    """The rule's reasons (as sentences) and the suggested spelling, for a name asked for."""
    from sms_tui.checks import sender_reasons  # noqa: PLC0415 — sms_tui.checks adds 1 ms to sms_tui.sender_flow (python -X importtime)

    check = rules.check_sender_name(name)
    return sender_reasons(check), check.suggestion

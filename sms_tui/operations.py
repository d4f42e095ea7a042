"""What both the wizard and the headless commands do with SMSAPI and the settings: one
implementation of "verify", "check the sender", "send" and "save" for the TUI and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui import rules  # rules is lazy: a check loads its own module when first used
from sms_tui.compat import UTC
from sms_tui.settings import store as settings_store

if TYPE_CHECKING:
    from sms_tui.delivery import Delivery
    from sms_tui.settings.model import AccountSettings, SenderSettings, Settings, Verified
    from sms_tui.smsapi import Balance, ClientOptions, Credentials, SenderName, SendResult, SmsapiClient, SmsapiError
    from sms_tui.smsapi.http import ApiHttp


class Session:
    """One HTTP client (one SSL context) for the program's life, whatever credentials are tried."""

    def __init__(self, options: ClientOptions, *, http: ApiHttp | None = None) -> None:
        self.options = options
        self._http = http
        self._own = http is None

    def client(self, credentials: Credentials, options: ClientOptions | None = None) -> SmsapiClient:
        if self._http is None:
            from sms_tui.smsapi.client import make_http  # noqa: PLC0415 — sms_tui.smsapi.client adds 187 ms to sms_tui.operations (python -X importtime); httpx loads on the first call

            self._http = make_http(self.options)
        from sms_tui.smsapi.client import SmsapiClient  # noqa: PLC0415 — sms_tui.smsapi.client adds 187 ms to sms_tui.operations (python -X importtime)

        return SmsapiClient(credentials, options or self.options, http=self._http)

    async def aclose(self) -> None:
        if self._http is not None and self._own:
            await self._http.aclose()
            self._http = None


@dataclass
class AccountStatus:
    balance: Balance
    senders: list[SenderName] | None = None
    senders_error: SmsapiError | None = None


async def verify(session: Session, credentials: Credentials, options: ClientOptions | None = None) -> AccountStatus:
    """Credentials check plus the sender list; a token without the Sendernames scope still passes."""
    from sms_tui.smsapi.errors import ApiError, Category  # noqa: PLC0415 — sms_tui.smsapi.errors adds 3 ms to sms_tui.operations (python -X importtime); loaded with the client by now

    api = session.client(credentials, options)
    balance = await api.check_credentials()
    try:
        senders: list[SenderName] | None = await api.senders()
        return AccountStatus(balance, senders)
    except ApiError as exc:
        if exc.category is not Category.PERMISSION:
            raise
        return AccountStatus(balance, None, exc)


def sender_problems(mode: str, name: str | None, senders: Sequence[SenderName] | None) -> list[str]:
    """i18n keys of everything wrong with the sender choice; empty when it can be used now."""
    if mode == "eco":
        return []
    check = rules.check_sender_name(name or "")
    if not check.ok:
        return list(check.reasons)
    if senders is None:
        return []
    found = next((s for s in senders if s.sender == check.name), None)
    if found is None:
        return ["sender.not_on_account"]
    if found.status == "PENDING":
        return ["sender.pending"]
    if found.status == "REJECTED":
        return ["sender.rejected"]
    if not found.active:
        return ["sender.inactive"]
    return []


def stable_idx(*parts: str) -> str:
    """The same answers give the same idx, so re-running `apply` cannot deliver a second test SMS
    within SMSAPI's check_idx window (error 53 instead)."""
    import hashlib  # noqa: PLC0415 — hashlib adds 3 ms to sms_tui.operations (python -X importtime)

    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"smstui-{digest}"


def test_idx(platform: str, username: str, from_field: str, to: str, message: str) -> str:
    """The test SMS's idx: the wizard's and `apply`'s are the same for the same test."""
    return stable_idx(platform, username, from_field, to, message)


async def send(session: Session, credentials: Credentials, sender: SenderSettings, to: str, message: str,
               *, idx: str | None = None, test: bool = False, options: ClientOptions | None = None) -> SendResult:
    """One SMS with the saved sender; `test=True` is SMSAPI's test=1: checked, never delivered or charged."""
    api = session.client(credentials, options)
    return await api.send(to, message, sender.from_field, test=test, idx=idx)


def verified_record(result: SendResult | None, to: str, *, skipped: bool = False,
                    delivery: Delivery | None = None) -> Verified | None:
    """`[verified]`: the test send that allowed saving (or the confirmed skip); None: neither."""
    from sms_tui.settings.model import Verified  # noqa: PLC0415 — sms_tui.settings.model adds 110 ms to sms_tui.operations (python -X importtime)

    if result is None and not skipped:
        return None
    verified = Verified(to=to, message_id=result.message_id if result else "", points=result.points if result else 0.0,
                        at=datetime.now(UTC), skipped=skipped)
    return with_delivery(verified, delivery) if delivery is not None else verified


def still_verified(earlier: Settings | None, account: AccountSettings, sender: SenderSettings, to: str) -> Verified | None:
    """The saved test, when it was made with this very account, secret, sender and number: then a
    converge needs no new paid SMS — SMSAPI's check_idx forgets an idx after 24 hours, so the idx
    alone would text the shop's phone (and restart its software) every night."""
    if earlier is None or earlier.verified is None:
        return None
    done, saved = earlier.verified, earlier.account
    # A record without a message id is a test SMSAPI answered "already accepted": sent all the same.
    if done.skipped or done.to != to or earlier.sender.from_field != sender.from_field:
        return None
    same_account = (saved.platform, saved.auth, saved.username) == (account.platform, account.auth, account.username)
    return done if same_account and saved.password_md5 == account.password_md5 and saved.token == account.token else None


def with_delivery(verified: Verified, delivery: Delivery) -> Verified:
    """The record of the test send, with what became of it (the last status seen, and when it was delivered)."""
    last = delivery.last
    return verified.model_copy(update={"status": last.status if last else None, "delivered_at": delivery.delivered_at})


def save(settings: Settings, path: Path) -> Path:
    return settings_store.save(settings, path)

"""Any SmsapiError → one sentence saying what happened and what to do, in the current language."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sms_tui.i18n import has, t
from sms_tui.smsapi.errors import ApiError, BadCaBundle, MissingCredentials, SmsapiError, TransportError, message_key

if TYPE_CHECKING:
    from sms_tui.smsapi.message_status import MessageStatus
    from sms_tui.smsapi.models import SenderName


def what_happened(error: SmsapiError) -> str:
    if isinstance(error, ApiError):
        return t(message_key(error.code), code=error.code, server=error.server_message or "—")
    if isinstance(error, TransportError):
        host = urlsplit(error.host).hostname or error.host or "SMSAPI"
        return t(f"net.{error.kind}", host=host, status=error.http_status or "?")
    if isinstance(error, MissingCredentials):
        return t("net.missing")
    if isinstance(error, BadCaBundle):
        return t("net.ca_bundle_unreadable" if error.unreadable else "net.bad_ca_bundle", path=error.path, reason=error.detail)
    return str(error)


def what_to_do(error: SmsapiError) -> str:
    if isinstance(error, ApiError):
        specific = f"err.do.{error.code}"
        return t(specific) if has(specific) else t(f"err.do.{error.category.value}")
    return ""


def describe(error: SmsapiError) -> str:
    """`what happened` + `what to do`: the whole message a technician reads."""
    return " ".join(part for part in (what_happened(error), what_to_do(error)) if part)


def explain_status(status: MessageStatus) -> str:
    """What a message's delivery status means and what to do about it."""
    key = f"status.{status.status}"
    return t(key) if has(key) else t("status.other", status=status.status)


def sender_state_text(sender: SenderName) -> str:
    return t(f"sender.state.{sender.state.value}")

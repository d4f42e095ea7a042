"""Async SMSAPI client: both auth schemes, .pl/.com with backup hosts, typed answers and errors."""

from sms_tui.smsapi.auth import AuthMode, Credentials, Platform, base_urls
from sms_tui.smsapi.client import ClientOptions, SmsapiClient, new_idx
from sms_tui.smsapi.errors import ApiError, Category, MissingCredentials, SmsapiError, TransportError
from sms_tui.smsapi.models import Balance, SenderName, SendResult, SentMessage

__all__ = [
    "ApiError",
    "AuthMode",
    "Balance",
    "Category",
    "ClientOptions",
    "Credentials",
    "MissingCredentials",
    "Platform",
    "SendResult",
    "SenderName",
    "SentMessage",
    "SmsapiClient",
    "SmsapiError",
    "TransportError",
    "base_urls",
    "new_idx",
]

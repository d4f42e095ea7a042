"""Async SMSAPI client: both auth schemes, .pl/.com with backup hosts, typed answers and errors.

Names are loaded on first use (PEP 562): `--version`, `show` and friends must not pay for httpx
and pydantic they never touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_tui.lazy import lazy_getattr

_WHERE = {
    "ApiError": "errors", "Category": "errors", "MissingCredentials": "errors", "SmsapiError": "errors",
    "TransportError": "errors", "AuthMode": "auth", "Credentials": "auth", "Platform": "auth", "base_urls": "auth",
    "ClientOptions": "options", "SmsapiClient": "client", "new_idx": "idx",
    "Balance": "models", "SenderName": "models", "SendResult": "models", "SentMessage": "models",
}

if TYPE_CHECKING:
    from sms_tui.smsapi.auth import AuthMode as AuthMode
    from sms_tui.smsapi.auth import Credentials as Credentials
    from sms_tui.smsapi.auth import Platform as Platform
    from sms_tui.smsapi.auth import base_urls as base_urls
    from sms_tui.smsapi.client import SmsapiClient as SmsapiClient
    from sms_tui.smsapi.errors import ApiError as ApiError
    from sms_tui.smsapi.errors import Category as Category
    from sms_tui.smsapi.errors import MissingCredentials as MissingCredentials
    from sms_tui.smsapi.errors import SmsapiError as SmsapiError
    from sms_tui.smsapi.errors import TransportError as TransportError
    from sms_tui.smsapi.idx import new_idx as new_idx
    from sms_tui.smsapi.models import Balance as Balance
    from sms_tui.smsapi.models import SenderName as SenderName
    from sms_tui.smsapi.models import SendResult as SendResult
    from sms_tui.smsapi.models import SentMessage as SentMessage
    from sms_tui.smsapi.options import ClientOptions as ClientOptions


__getattr__ = lazy_getattr(__name__, _WHERE, globals())

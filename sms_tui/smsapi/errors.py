"""SMSAPI's error codes and transport faults as typed exceptions with a category.

The category decides what the technician is told to do (and the exit code of the headless
commands); the words live in the i18n catalogues under `err.what.<code>` / `err.do.<category>`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, get_args

from sms_tui.compat import StrEnum
from sms_tui.exitcodes import ExitCode

TransportKind = Literal["dns", "refused", "tls", "tls_plain", "connect_timeout", "read_timeout", "dropped", "http", "not_smsapi",
                        "bad_response", "proxy", "network"]


class Category(StrEnum):
    CREDENTIALS = "credentials"
    PERMISSION = "permission"  # token without the needed scope (401): never "wrong password"
    IP_FILTER = "ip_filter"
    POINTS = "points"
    NUMBER = "number"
    SENDER = "sender"
    MESSAGE = "message"
    PARAMETER = "parameter"
    RETRY = "retry"
    SERVER = "server"
    ACCOUNT = "account"
    DUPLICATE = "duplicate"  # 53: the idx was already accepted — success for a retry
    UNKNOWN = "unknown"


_C = Category
ERROR_TABLE: dict[int, Category] = {
    7: _C.ACCOUNT, 8: _C.SERVER, 11: _C.MESSAGE, 12: _C.MESSAGE, 13: _C.NUMBER, 14: _C.SENDER,
    17: _C.MESSAGE, 18: _C.PARAMETER, 19: _C.PARAMETER, 20: _C.PARAMETER, 21: _C.MESSAGE,
    22: _C.MESSAGE, 23: _C.PARAMETER, 24: _C.PARAMETER, 25: _C.PARAMETER, 26: _C.MESSAGE,
    27: _C.PARAMETER, 28: _C.PARAMETER, 30: _C.PARAMETER, 31: _C.MESSAGE, 32: _C.NUMBER,
    33: _C.NUMBER, 35: _C.PARAMETER, 36: _C.MESSAGE, 40: _C.PARAMETER, 41: _C.PARAMETER,
    50: _C.PARAMETER, 51: _C.PARAMETER, 52: _C.RETRY, 53: _C.DUPLICATE, 54: _C.PARAMETER,
    55: _C.NUMBER, 56: _C.PARAMETER, 57: _C.NUMBER, 59: _C.NUMBER,
    **{code: _C.PARAMETER for code in range(60, 67)},
    70: _C.PARAMETER, 72: _C.PARAMETER, 74: _C.ACCOUNT, 76: _C.PARAMETER, 93: _C.PARAMETER,
    94: _C.ACCOUNT, 96: _C.POINTS, 98: _C.ACCOUNT, 101: _C.CREDENTIALS, 102: _C.CREDENTIALS, 103: _C.POINTS,
    104: _C.PARAMETER, 105: _C.IP_FILTER, 106: _C.PARAMETER, 110: _C.ACCOUNT, 112: _C.NUMBER,
    200: _C.RETRY, 201: _C.SERVER, 202: _C.RETRY, 203: _C.RETRY, 300: _C.PARAMETER,
    301: _C.PARAMETER, 400: _C.PARAMETER, 401: _C.PERMISSION, 409: _C.PARAMETER, 666: _C.SERVER,
    997: _C.ACCOUNT, 998: _C.RETRY, 999: _C.SERVER, 1000: _C.ACCOUNT, 1001: _C.PARAMETER,
    2001: _C.PARAMETER, 2010: _C.SENDER, 2030: _C.SENDER, 2031: _C.SENDER, 2060: _C.SENDER,
    2061: _C.SENDER, 2062: _C.SENDER, 2100: _C.SENDER, 2110: _C.SENDER, 2111: _C.SENDER,
    2112: _C.SENDER, 2115: _C.SENDER,
}
# Families documented only as ranges (sub-users, the legacy contacts database).
_RANGES: list[tuple[range, Category]] = [(range(1010, 1194), _C.PARAMETER), (range(4000, 4281), _C.PARAMETER)]


def category_of(code: int) -> Category:
    if code in ERROR_TABLE:
        return ERROR_TABLE[code]
    for span, category in _RANGES:
        if code in span:
            return category
    return Category.UNKNOWN


def message_key(code: int) -> str:
    """The catalogue key for a code; range members share their family's text."""
    if code in ERROR_TABLE:
        return f"err.what.{code}"
    for span, _ in _RANGES:
        if code in span:
            return f"err.what.{span.start}"
    return "err.what.unknown"


class SmsapiError(Exception):
    """Base of everything the client raises; `category` decides what the user is told."""

    category: Category = Category.UNKNOWN

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def exit_code(self) -> ExitCode:
        """The one mapping of an SMSAPI failure to the commands' exit code (exitcodes.exit_code_for asks here)."""
        if self.category in (Category.CREDENTIALS, Category.PERMISSION, Category.IP_FILTER):
            return ExitCode.CREDENTIALS
        return ExitCode.REFUSED


class ApiError(SmsapiError):
    """SMSAPI answered and refused: a numeric legacy code or a REST error."""

    def __init__(
        self,
        code: int,
        server_message: str = "",
        *,
        http_status: int | None = None,
        invalid_numbers: list[dict[str, Any]] | None = None,
        rest_error: str | None = None,
        field_errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(f"SMSAPI error {code}: {server_message}".strip())
        self.code = code
        self.server_message = server_message
        self.http_status = http_status
        self.invalid_numbers = invalid_numbers or []
        self.rest_error = rest_error
        self.field_errors = field_errors or []  # REST `errors[]`: {message, error, path, value}
        self.category = category_of(code)


class TransportError(SmsapiError):
    """SMSAPI could not be reached or answered with something that is not SMSAPI's answer.

    `ambiguous` is True when the request may have reached SMSAPI (read timeout, connection
    dropped after sending, HTTP 5xx): a send may then only be retried with the same idx.
    """

    kinds: ClassVar[tuple[TransportKind, ...]] = get_args(TransportKind)

    def __init__(self, kind: TransportKind, detail: str = "", *, ambiguous: bool = False, http_status: int | None = None,
                 host: str = "") -> None:
        super().__init__(detail)
        self.kind: TransportKind = kind
        self.ambiguous = ambiguous
        self.http_status = http_status
        self.host = host
        self.category = Category.SERVER if kind in ("http", "bad_response", "not_smsapi") else Category.RETRY

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.UNREACHABLE

    @property
    def retry_send(self) -> bool:
        """Another host or another try may get a send through (with the same idx): not when the
        trouble is this machine's TLS, proxy or address, which no retry changes."""
        return self.kind not in ("tls", "tls_plain", "proxy", "not_smsapi")

    @property
    def retry_read(self) -> bool:
        """A read is retried only where the server side failed (5xx, dropped, timed out)."""
        return self.kind not in ("tls", "tls_plain", "bad_response") and (self.http_status or 500) >= 500


class MissingCredentials(SmsapiError):
    category = Category.CREDENTIALS

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.USAGE  # nothing was asked of SMSAPI: the settings lack the secret


class BadCaBundle(SmsapiError):
    """The CA file (--ca-bundle, SSL_CERT_FILE) is not PEM certificates: a usage error, not a crash
    and not SMSAPI's fault — a Windows admin's DER `.cer` is the usual case."""

    category = Category.PARAMETER

    def __init__(self, path: str, detail: str = "", *, unreadable: bool = False) -> None:
        super().__init__(detail)
        self.path = path
        self.unreadable = unreadable  # missing or not readable, rather than not PEM

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.USAGE

"""httpx exceptions → TransportError kinds, so every fault reads the same whatever raised it."""

from __future__ import annotations

import socket
import ssl

import httpx

from sms_tui.smsapi.errors import TransportError, TransportKind


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


# Which failures are which, in the order asked: (exception types, kind, may the request have reached SMSAPI).
_KINDS: tuple[tuple[tuple[type[httpx.HTTPError], ...], TransportKind, bool], ...] = (
    ((httpx.ProxyError,), "proxy", False),
    ((httpx.ConnectTimeout, httpx.PoolTimeout), "connect_timeout", False),
    ((httpx.ReadTimeout, httpx.WriteTimeout), "read_timeout", True),
    ((httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError), "dropped", True),
    ((httpx.DecodingError,), "bad_response", False),
)
# A connection that never opened, by what its causes say: (kind, exception type in the chain, words in the text).
_CONNECT: tuple[tuple[TransportKind, type[BaseException] | None, tuple[str, ...]], ...] = (
    ("tls_plain", None, ("WRONG_VERSION_NUMBER", "record layer failure", "PACKET_LENGTH_TOO_LONG")),  # https:// to a plain-HTTP port
    ("tls", ssl.SSLError, ("CERTIFICATE_VERIFY_FAILED", "SSL")),
    ("dns", socket.gaierror, ("Name or service not known", "getaddrinfo", "nodename", "Temporary failure in name resolution")),
    ("refused", ConnectionRefusedError, ("Connection refused", "Errno 111")),
)


def classify(exc: httpx.HTTPError, host: str) -> TransportError:
    """Whether the request may have reached SMSAPI decides if a send may be retried blindly."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, httpx.ConnectError):
        for kind, cause, words in _CONNECT:
            if (cause is not None and any(isinstance(e, cause) for e in chain)) or any(word in text for word in words):
                return TransportError(kind, text, host=host)
        return TransportError("network", text, host=host)
    for types, kind, ambiguous in _KINDS:
        if isinstance(exc, types):
            return TransportError(kind, text, ambiguous=ambiguous, host=host)
    return TransportError("network", text, ambiguous=True, host=host)

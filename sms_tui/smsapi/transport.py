"""httpx exceptions → TransportError kinds, so every fault reads the same whatever raised it."""

from __future__ import annotations

import socket
import ssl

import httpx

from sms_tui.smsapi.errors import TransportError


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify(exc: httpx.HTTPError, host: str) -> TransportError:
    """Whether the request may have reached SMSAPI decides if a send may be retried blindly."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if isinstance(exc, httpx.ProxyError):
        return TransportError("proxy", text, host=host)
    if isinstance(exc, httpx.ConnectTimeout):
        return TransportError("connect_timeout", text, host=host)
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return TransportError("read_timeout", text, ambiguous=True, host=host)
    if isinstance(exc, httpx.PoolTimeout):
        return TransportError("connect_timeout", text, host=host)
    if isinstance(exc, httpx.ConnectError):
        if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text or "PACKET_LENGTH_TOO_LONG" in text:
            return TransportError("tls_plain", text, host=host)  # https:// to a plain-HTTP port: not a certificate problem
        if any(isinstance(e, ssl.SSLError) for e in chain) or "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
            return TransportError("tls", text, host=host)
        if any(isinstance(e, socket.gaierror) for e in chain) or "Name or service not known" in text or "getaddrinfo" in text or "nodename" in text or "Temporary failure in name resolution" in text:
            return TransportError("dns", text, host=host)
        if any(isinstance(e, ConnectionRefusedError) for e in chain) or "Connection refused" in text or "Errno 111" in text:
            return TransportError("refused", text, host=host)
        return TransportError("network", text, host=host)
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return TransportError("dropped", text, ambiguous=True, host=host)
    if isinstance(exc, httpx.DecodingError):
        return TransportError("bad_response", text, host=host)
    return TransportError("network", text, ambiguous=True, host=host)

"""The one SSL context, built off the main thread while the rest of the program imports.

Parsing the CA bundle takes ~20 ms and OpenSSL releases the GIL while it does, so a headless
command that starts the build before importing pydantic and httpx gets it for free. The policy
is httpx's own default (SSL_CERT_FILE, SSL_CERT_DIR, else certifi's bundle); `--ca-bundle`
means that file only, for a TLS-intercepting proxy. Verification is never switched off.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

_lock = threading.Lock()
_builds: dict[tuple[str | None, ...], _Build] = {}


def _key(ca_bundle: str | None) -> tuple[str | None, ...]:
    return ca_bundle, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")


class _Build(threading.Thread):
    def __init__(self, ca_bundle: str | None) -> None:
        super().__init__(name="sms-tui-tls", daemon=True)
        self.ca_bundle = ca_bundle
        self.context: ssl.SSLContext | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.context = build(self.ca_bundle)
        except BaseException as exc:  # handed to the caller of context(), who reports it
            self.error = exc


def build(ca_bundle: str | None) -> ssl.SSLContext:
    import ssl  # noqa: PLC0415 — ssl adds 9 ms to sms_tui.smsapi.tls (python -X importtime)

    if ca_bundle:
        return ssl.create_default_context(cafile=ca_bundle)
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi  # noqa: PLC0415 — certifi adds 13 ms to sms_tui.smsapi.tls (python -X importtime)

    return ssl.create_default_context(cafile=certifi.where())


def prepare(ca_bundle: str | None = None) -> None:
    """Start building the context in the background; context() picks it up."""
    key = _key(ca_bundle)
    with _lock:
        if key not in _builds:
            _builds[key] = thread = _Build(ca_bundle)
            thread.start()


def context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """The context for these CAs: the prepared one, or built now. A bad bundle raises here."""
    prepare(ca_bundle)
    key = _key(ca_bundle)
    thread = _builds[key]
    thread.join()
    if thread.error is not None:
        with _lock:
            _builds.pop(key, None)  # a fixed file may be retried
        if isinstance(thread.error, (OSError, ValueError)):  # ssl.SSLError is an OSError
            from sms_tui.smsapi.errors import BadCaBundle  # noqa: PLC0415 — sms_tui.smsapi.errors adds 5 ms to sms_tui.smsapi.tls (python -X importtime)

            where = ca_bundle or os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR") or "certifi"
            unreadable = isinstance(thread.error, (FileNotFoundError, PermissionError, IsADirectoryError))
            raise BadCaBundle(str(where), str(thread.error), unreadable=unreadable) from None
        raise thread.error
    assert thread.context is not None
    return thread.context

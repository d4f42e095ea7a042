"""The async SMSAPI client: one httpx.AsyncClient for the app's life, failover, no double sends."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import httpx

from sms_tui import __version__
from sms_tui.smsapi.auth import AuthMode, Credentials, base_urls
from sms_tui.smsapi.errors import ApiError, Category, MissingCredentials, TransportError
from sms_tui.smsapi.idx import new_idx
from sms_tui.smsapi.models import Balance, SenderName, SendResult
from sms_tui.smsapi.options import ClientOptions
from sms_tui.smsapi.parse import decode, parse_balance, parse_send, parse_senders
from sms_tui.smsapi.tls import context as tls_context
from sms_tui.smsapi.transport import classify

log = logging.getLogger("sms_tui.smsapi")
T = TypeVar("T")



class SmsapiClient:
    """Use as `async with SmsapiClient(creds, options) as api:`; every call may raise SmsapiError."""

    def __init__(self, credentials: Credentials, options: ClientOptions | None = None, *, http: httpx.AsyncClient | None = None) -> None:
        self.credentials = credentials
        self.options = options or ClientOptions()
        self.hosts = base_urls(self.options.platform, self.options.api_url)
        self._own_http = http is None
        self._http = http or make_http(self.options)

    async def __aenter__(self) -> SmsapiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    # -- public calls ---------------------------------------------------------------------------

    async def send(self, to: str | Sequence[str], message: str, sender: str | None = None, *, test: bool = False, idx: str | None = None) -> SendResult:
        """Send (or with test=True only validate) one message; `sender="ECO"` asks for ECO.

        Retries after an ambiguous failure reuse the idx with check_idx=1, so SMSAPI answers 53
        rather than delivering twice; 53 is reported as `already_accepted`.
        """
        numbers = ",".join([to] if isinstance(to, str) else list(to))
        form: dict[str, str] = {"to": numbers, "message": message, "format": "json", "encoding": "utf-8", "details": "1"}
        if sender:
            form["from"] = sender
        if test:
            form["test"] = "1"
        else:
            idx = idx or new_idx()
            form.update(idx=idx, check_idx="1")
        attempt = 0
        last: Exception | None = None
        for attempt in range(1, self.options.attempts + 1):
            host = self.hosts[(attempt - 1) % len(self.hosts)]
            try:
                status, body = await self._request("POST", host, "sms.do", form=form)
                result = parse_send(body, http_status=status)
                return result.model_copy(update={"idx": idx, "test": test, "host": host, "attempts": attempt})
            except ApiError as exc:
                if exc.category is Category.DUPLICATE and idx:
                    return SendResult(idx=idx, already_accepted=True, host=host, attempts=attempt)
                if exc.code not in (200, 202):
                    raise
                last = exc
            except TransportError as exc:
                if exc.kind in ("tls", "proxy"):
                    raise
                last = exc
            log.info("sms.do attempt %d on %s failed: %s; retrying with the same idx", attempt, host, last)
            await asyncio.sleep(self.options.retry_delay * attempt)
        assert last is not None
        raise last

    async def balance(self) -> Balance:
        if self.credentials.mode is AuthMode.TOKEN:
            return await self._idempotent("GET", "profile", parse_balance)
        return await self._idempotent("POST", "user.do", parse_balance, form={"credits": "1", "details": "1", "format": "json"})

    async def senders(self) -> list[SenderName]:
        if self.credentials.mode is AuthMode.TOKEN:
            return await self._idempotent("GET", "sms/sendernames", parse_senders)
        return await self._idempotent("POST", "sender.do", parse_senders, form={"list": "1", "format": "json"})

    async def check_credentials(self) -> Balance:
        """The cheapest authenticated call; raises ApiError 101/102/105/401 when refused."""
        return await self.balance()

    # -- plumbing -------------------------------------------------------------------------------

    async def _idempotent(self, method: str, path: str, parser: Callable[..., T], *, form: dict[str, str] | None = None) -> T:
        last: TransportError | None = None
        for attempt in range(1, min(self.options.attempts, len(self.hosts) + 1) + 1):
            host = self.hosts[(attempt - 1) % len(self.hosts)]
            try:
                status, body = await self._request(method, host, path, form=form)
                return parser(body, http_status=status)
            except TransportError as exc:
                last = exc
                if exc.kind in ("tls", "bad_response"):
                    raise
            await asyncio.sleep(self.options.retry_delay * attempt)
        assert last is not None
        raise last

    async def _request(self, method: str, host: str, path: str, *, form: dict[str, str] | None = None) -> tuple[int, str]:
        if not self.credentials.complete:
            raise MissingCredentials("no credentials")
        url = host + path
        headers = {"Accept": "application/json", **self.credentials.headers()}
        data = {**(form or {}), **self.credentials.params()} if method == "POST" else None
        started = time.perf_counter()
        try:
            response = await self._http.request(method, url, data=data, headers=headers)
        except httpx.HTTPError as exc:
            error = classify(exc, host)
            log.warning("%s %s failed: %s (%s)", method, url, error.kind, type(exc).__name__)
            raise error from None
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s -> %d in %.0f ms, %d bytes", method, url, response.status_code, elapsed, len(response.content))
        body = decode(response.content)
        if response.status_code >= 500 and not body.lstrip().startswith(("{", "ERROR", "OK")):
            raise TransportError("http", f"HTTP {response.status_code}", ambiguous=True, http_status=response.status_code, host=host)
        if response.status_code >= 400 and not body.strip():
            raise TransportError("http", f"HTTP {response.status_code}", http_status=response.status_code, host=host)
        return response.status_code, body


def make_http(options: ClientOptions) -> httpx.AsyncClient:
    """Built once per program: the SSL context is shared (see tls.py). Proxies come from the env."""
    timeout = httpx.Timeout(options.read_timeout, connect=options.connect_timeout)
    return httpx.AsyncClient(
        timeout=timeout,
        verify=tls_context(options.ca_bundle),
        trust_env=True,
        headers={"User-Agent": f"sms-tui/{__version__}"},
        follow_redirects=False,
    )

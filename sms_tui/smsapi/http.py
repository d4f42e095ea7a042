"""The HTTP under the SMSAPI client: httpx's own transport (its connection pool, its TLS, its error
types), driven directly rather than through httpx.AsyncClient.

The client's per-request work — cookies, URL and header merging, the auth and redirect flows —
serves none of SMSAPI's calls, and it is a fifth of what each request costs (cProfile against the
sandbox: building the request 12 %, reading cookies out of the answer 8 %). The outbox relay pays
that per message while it drains a backlog (`benchmarks/relay.py`). What the client did that the
calls need is here: the proxy the environment names (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY; NO_PROXY
as Python's urllib reads it), read once like httpx does; the one SSL context; the timeouts; the
User-Agent. Redirects are never followed (an SMSAPI call that redirects is a wrong address).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlencode

import httpx

from sms_tui import __version__
from sms_tui.smsapi.options import ClientOptions
from sms_tui.smsapi.tls import context as tls_context


class ApiHttp:
    """One per program (see operations.Session): a transport per proxy, built when first needed."""

    def __init__(self, options: ClientOptions) -> None:
        self._verify = tls_context(options.ca_bundle)  # raises BadCaBundle here, where doctor expects it
        self._timeout = httpx.Timeout(options.read_timeout, connect=options.connect_timeout).as_dict()
        self._headers = {"User-Agent": f"sms-tui/{__version__}"}
        self._proxies = urllib.request.getproxies_environment()
        self._transports: dict[str | None, httpx.AsyncHTTPTransport] = {}
        self._routes: dict[tuple[str, str], str | None] = {}
        self._urls: dict[str, httpx.URL] = {}

    def proxy_for(self, url: httpx.URL) -> str | None:
        """The proxy for this address, or None to go direct."""
        key = (url.scheme, url.netloc.decode("ascii"))
        if key not in self._routes:
            proxy = self._proxies.get(url.scheme) or self._proxies.get("all")
            if proxy and urllib.request.proxy_bypass_environment(key[1], self._proxies):  # type: ignore[attr-defined]  # in CPython on every OS, not in typeshed; the environment's rules, as getproxies_environment
                proxy = None
            self._routes[key] = proxy if proxy is None or "://" in proxy else f"http://{proxy}"
        return self._routes[key]

    def _url(self, url: str) -> httpx.URL:
        """Parsed once: a program calls a handful of addresses (parsing is a tenth of a request)."""
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = httpx.URL(url)
            if len(self._urls) < 64:
                self._urls[url] = parsed
        return parsed

    def _transport(self, proxy: str | None) -> httpx.AsyncHTTPTransport:
        if proxy not in self._transports:
            self._transports[proxy] = httpx.AsyncHTTPTransport(verify=self._verify, proxy=proxy)
        return self._transports[proxy]

    async def request(self, method: str, url: str, *, form: Mapping[str, object] | None = None,
                      params: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                      json_body: object | None = None) -> httpx.Response:
        """The whole answer, read; every failure is an httpx.HTTPError (see transport.classify). A
        form is encoded here as httpx would (a list value repeats its field): httpx's own per-field
        encoding costs more than the rest of a send."""
        merged = {**self._headers, **(headers or {})}
        content = None
        if form is not None:
            content = urlencode(form, doseq=True).encode()
            merged["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:  # what SMSAPI's REST document declares for /subusers
            content = json.dumps(json_body, ensure_ascii=False).encode()
            merged["Content-Type"] = "application/json"
        request = httpx.Request(method, self._url(url), params=params, content=content, headers=merged,
                                extensions={"timeout": self._timeout})
        response = await self._transport(self.proxy_for(request.url)).handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def aclose(self) -> None:
        transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            await transport.aclose()

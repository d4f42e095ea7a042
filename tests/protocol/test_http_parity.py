"""smsapi/http.py drives httpx's transport without httpx.AsyncClient (a fifth of a request's cost,
benchmarks/relay.py). What the client would have decided must not change: for the same proxy
environment, every address goes direct or through the same proxy as AsyncClient(trust_env=True)."""

from __future__ import annotations

import httpx
import pytest

from sms_tui.smsapi.http import ApiHttp
from sms_tui.smsapi.options import ClientOptions

ENVIRONMENTS = [
    {},
    {"HTTPS_PROXY": "http://proxy.local:3128"},
    {"https_proxy": "http://proxy.local:3128"},
    {"HTTP_PROXY": "http://proxy.local:3128"},
    {"ALL_PROXY": "http://proxy.local:1080"},
    {"HTTPS_PROXY": "proxy.local:3128"},  # without a scheme
    {"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": "api.smsapi.pl"},
    {"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": ".smsapi.pl"},
    {"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": "smsapi.pl"},
    {"HTTPS_PROXY": "http://proxy.local:3128", "NO_PROXY": "*"},
    {"HTTPS_PROXY": "http://proxy.local:3128", "HTTP_PROXY": "http://proxy.local:3128", "NO_PROXY": "127.0.0.1,localhost"},
    {"HTTPS_PROXY": "http://proxy.local:3128", "HTTP_PROXY": "http://proxy.local:3128", "NO_PROXY": "api.smsapi.com, api2.smsapi.pl"},
]
URLS = ["https://api.smsapi.pl/sms.do", "https://api2.smsapi.pl/sms.do", "https://api.smsapi.com/sms.do",
        "http://127.0.0.1:8765/pl/sms.do", "http://localhost:8765/sms.do"]
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def _httpx_choice(client: httpx.AsyncClient, url: str) -> str | None:
    pool = client._transport_for_url(httpx.URL(url))._pool  # type: ignore[attr-defined]
    proxy = getattr(pool, "_proxy_url", None)  # httpcore's URL
    if proxy is None:
        return None
    port = f":{proxy.port}" if proxy.port else ""
    return f"{proxy.scheme.decode()}://{proxy.host.decode()}{port}"


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda env: " ".join(f"{k}={v}" for k, v in env.items()) or "none")
def test_every_address_goes_where_asyncclient_would_send_it(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    ours, client = ApiHttp(ClientOptions()), httpx.AsyncClient(trust_env=True)
    for url in URLS:
        mine = ours.proxy_for(httpx.URL(url))
        theirs = _httpx_choice(client, url)
        assert (mine.rstrip("/") if mine else None) == theirs, url

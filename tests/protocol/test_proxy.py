"""The proxy a shop server's environment names: the client drives httpx's transport itself
(smsapi/http.py), so the choice httpx.AsyncClient made — which proxy, and which hosts go
direct — is its own to get right. A real forwarding proxy on a socket, the sandbox behind it."""

from __future__ import annotations

import http.client
import http.server
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions, Credentials, SmsapiClient
from sms_tui.smsapi.http import ApiHttp

TOKEN = Credentials.bearer("demo-token")
HOP = {"connection", "proxy-connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Forwarder(http.server.BaseHTTPRequestHandler):
    """A plain HTTP proxy: takes the absolute address a client sends it, asks that server, answers."""

    seen: list[str]

    def _forward(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        target = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""), body=body or None,
                         headers={**headers, "Host": target.netloc})
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    def do_GET(self) -> None:
        self._forward()

    def do_POST(self) -> None:
        self._forward()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Recording", (Forwarder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


async def test_calls_go_through_the_proxy_the_environment_names(sandbox: Sandbox, proxy: tuple[str, list[str]],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", address)  # without a scheme, as many servers have it: http:// is meant
    async with SmsapiClient(TOKEN, ClientOptions(api_url=sandbox.url, retry_delay=0.01)) as api:
        assert (await api.balance()).points == 10.0
        result = await api.send("48500000000", "przez proxy", "ECO")
    assert seen == [f"GET {sandbox.url}profile", f"POST {sandbox.url}sms.do"]
    assert [message.message for message in sandbox.outbox] == ["przez proxy"] and result.message_id


async def test_no_proxy_sends_those_hosts_direct(sandbox: Sandbox, proxy: tuple[str, list[str]],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", f"http://{address}")
    monkeypatch.setenv("NO_PROXY", "example.org, 127.0.0.1")
    async with SmsapiClient(TOKEN, ClientOptions(api_url=sandbox.url, retry_delay=0.01)) as api:
        assert (await api.balance()).points == 10.0
    assert seen == []


@pytest.mark.parametrize(("env", "url", "expected"), [
    ({}, "https://api.smsapi.pl/sms.do", None),
    ({"HTTPS_PROXY": "proxy.local:3128"}, "https://api.smsapi.pl/sms.do", "http://proxy.local:3128"),
    ({"HTTPS_PROXY": "http://proxy.local:3128"}, "http://api.smsapi.pl/sms.do", None),  # only https:// goes through it
    ({"ALL_PROXY": "socks5://10.0.0.1:1080"}, "https://api.smsapi.pl/sms.do", "socks5://10.0.0.1:1080"),
    ({"HTTPS_PROXY": "http://p:1", "ALL_PROXY": "http://q:2"}, "https://api.smsapi.pl/", "http://p:1"),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".smsapi.pl"}, "https://api2.smsapi.pl/sms.do", None),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "smsapi.pl"}, "https://api.smsapi.com/sms.do", "http://p:1"),
    ({"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}, "https://api.smsapi.pl/sms.do", None),
    ({"HTTP_PROXY": "http://p:1", "no_proxy": "127.0.0.1:8080"}, "http://127.0.0.1:8080/sms.do", None),
    ({"HTTP_PROXY": "http://p:1", "no_proxy": "127.0.0.1:8080"}, "http://127.0.0.1:9090/sms.do", "http://p:1"),
])
def test_which_proxy_for_which_address(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], url: str,
                                       expected: str | None) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert ApiHttp(ClientOptions()).proxy_for(httpx.URL(url)) == expected

"""Transport faults, each produced for real: the sandbox misbehaves, or nothing listens at all."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx
import pytest
import trustme

from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions, Credentials, SmsapiClient, TransportError
from sms_tui.smsapi_texts import describe
from tests.conftest import DEMO_MD5

pytestmark = pytest.mark.faults
TOKEN = Credentials.bearer("demo-token")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _fail(options: ClientOptions, call: str = "balance") -> TransportError:
    async with SmsapiClient(TOKEN, options) as api:
        with pytest.raises(TransportError) as caught:
            await (api.balance() if call == "balance" else api.send("500000000", "x", "ECO"))
    return caught.value


async def test_connection_refused() -> None:
    error = await _fail(ClientOptions(api_url=f"http://127.0.0.1:{_free_port()}/", retry_delay=0.01))
    assert error.kind == "refused" and not error.ambiguous
    assert "odrzucił połączenie" in describe(error)


async def test_dns_failure() -> None:
    error = await _fail(ClientOptions(api_url="http://sms-tui-test.invalid/", retry_delay=0.01))
    assert error.kind == "dns"
    assert "DNS" in describe(error)


@pytest.fixture
def listen_full() -> Iterator[int]:
    """A socket whose accept queue is full: the kernel drops further SYNs, so connect times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        fillers.append(c)
    yield port
    for c in fillers:
        c.close()
    server.close()


async def test_connect_timeout(listen_full: int) -> None:
    error = await _fail(ClientOptions(api_url=f"http://127.0.0.1:{listen_full}/", connect_timeout=0.3, attempts=1, retry_delay=0.01))
    assert error.kind == "connect_timeout"


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_http_5xx(sandbox: Sandbox, options: ClientOptions, status: int) -> None:
    sandbox.inject(f"http{status}", times=5)
    error = await _fail(options)
    assert (error.kind, error.http_status) == ("http", status)
    assert str(status) in describe(error)


async def test_5xx_then_backup_answers(sandbox: Sandbox, options: ClientOptions) -> None:
    sandbox.inject("http503", "/profile")
    async with SmsapiClient(TOKEN, options) as api:
        assert (await api.balance()).points == 10.0


@pytest.mark.parametrize("kind", ["garbage", "empty"])
async def test_garbage_body(sandbox: Sandbox, options: ClientOptions, kind: str) -> None:
    sandbox.inject(kind, times=5)
    error = await _fail(options)
    assert error.kind == "bad_response"


async def test_truncated_body(sandbox: Sandbox, options: ClientOptions) -> None:
    sandbox.inject("truncate", times=5)
    error = await _fail(options)
    assert error.kind == "dropped" and error.ambiguous


async def test_read_timeout_on_slow_answer(sandbox: Sandbox) -> None:
    sandbox.inject("delay", seconds=1.0, times=5)
    error = await _fail(ClientOptions(api_url=sandbox.url, read_timeout=0.2, attempts=2, retry_delay=0.01))
    assert error.kind == "read_timeout" and error.ambiguous


async def test_stall_mid_body(sandbox: Sandbox) -> None:
    sandbox.inject("stall", seconds=5, times=5)
    error = await _fail(ClientOptions(api_url=sandbox.url, read_timeout=0.2, attempts=1, retry_delay=0.01))
    assert error.kind == "read_timeout"


async def test_slow_but_in_time_is_fine(sandbox: Sandbox, options: ClientOptions) -> None:
    sandbox.inject("delay", seconds=0.3)
    async with SmsapiClient(TOKEN, options) as api:
        assert (await api.balance()).points == 10.0


@pytest.mark.parametrize("kind", ["drop_after", "delay_after_send"])
async def test_ambiguous_send_is_retried_and_delivered_once(sandbox: Sandbox, kind: str) -> None:
    """The request reached SMSAPI but the answer was lost: retry with the same idx → 53 → done."""
    if kind == "drop_after":
        sandbox.inject("drop_after", "/sms.do")
        options = ClientOptions(api_url=sandbox.url, retry_delay=0.01)
    else:
        sandbox.inject("delay", "/sms.do", seconds=0.6)
        options = ClientOptions(api_url=sandbox.url, read_timeout=0.3, retry_delay=1.0)
    async with SmsapiClient(TOKEN, options) as api:
        result = await api.send("500000000", "tylko raz", "ECO")
    assert result.already_accepted and result.attempts == 2
    assert [m.message for m in sandbox.outbox] == ["tylko raz"]


async def test_dropped_before_processing_is_retried_and_delivered(sandbox: Sandbox, options: ClientOptions) -> None:
    sandbox.inject("drop_before", "/sms.do")
    async with SmsapiClient(TOKEN, options) as api:
        result = await api.send("500000000", "raz", "ECO")
    assert not result.already_accepted and result.attempts == 2
    assert len(sandbox.outbox) == 1


async def test_failover_to_backup_host_keeps_idx(sandbox: Sandbox) -> None:
    """Primary refuses, the backup (second host) delivers; the idx is the same on both."""
    dead = f"http://127.0.0.1:{_free_port()}/"
    async with SmsapiClient(TOKEN, ClientOptions(retry_delay=0.01)) as api:
        api.hosts = (dead, sandbox.url)
        result = await api.send("500000000", "przez zapasowy", "ECO", idx="fail-1")
    assert result.host == sandbox.url and result.idx == "fail-1"
    assert [m.idx for m in sandbox.outbox] == ["fail-1"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_sandbox(ca: trustme.CA) -> Iterator[Sandbox]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with Sandbox(ssl_context=context) as server:
        yield server


async def test_untrusted_certificate_is_refused(tls_sandbox: Sandbox) -> None:
    error = await _fail(ClientOptions(api_url=tls_sandbox.url, retry_delay=0.01))
    assert error.kind == "tls"
    assert "--ca-bundle" in describe(error)


async def test_ca_bundle_is_the_fix(tls_sandbox: Sandbox, ca: trustme.CA, tmp_path: object) -> None:
    from pathlib import Path

    pem = Path(str(tmp_path)) / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    async with SmsapiClient(TOKEN, ClientOptions(api_url=tls_sandbox.url, ca_bundle=str(pem))) as api:
        assert (await api.balance()).points == 10.0


async def test_proxy_from_environment_is_used(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP(S)_PROXY is honoured: a dead proxy makes the call fail even though SMSAPI is up."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_free_port()}")
    async with SmsapiClient(TOKEN, ClientOptions(api_url=sandbox.url, retry_delay=0.01)) as api:
        with pytest.raises(TransportError) as caught:
            await api.balance()
    assert caught.value.kind in ("proxy", "refused")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with SmsapiClient(TOKEN, ClientOptions(api_url=sandbox.url, retry_delay=0.01)) as api:
        assert (await api.balance()).points == 10.0


def test_plain_forms_from_the_sandbox(sandbox: Sandbox) -> None:
    from sms_tui.smsapi.parse import parse_balance, parse_send

    with httpx.Client() as http:
        auth = {"username": "demo", "password": "fe01ce2a7fbac8fafaed7c982a04e229"}
        sent = http.post(sandbox.url + "sms.do", data={**auth, "to": "500000000", "message": "x", "from": "ECO"}).text
        points = http.post(sandbox.url + "user.do", data={**auth, "credits": "1", "details": "1"}).text
        bad = http.post(sandbox.url + "sms.do", data={"username": "demo", "password": "0" * 32, "to": "1", "message": "x"}).text
    assert sent.startswith("OK:") and parse_send(sent).points == 0.07
    assert points.startswith("Points:") and parse_balance(points).pro_count == 62
    assert bad == "ERROR:101"


@pytest.mark.faults
async def test_a_wrong_api_path_says_there_is_no_smsapi_there(sandbox: Sandbox) -> None:
    options = ClientOptions(api_url=sandbox.url + "zla-sciezka/", retry_delay=0.01)
    async with SmsapiClient(Credentials.md5("demo", DEMO_MD5), options) as api:
        with pytest.raises(TransportError) as caught:
            await api.balance()
    assert caught.value.kind == "not_smsapi" and "api_url" in describe(caught.value)


@pytest.mark.faults
async def test_https_to_a_plain_http_port_is_not_called_a_certificate_problem(sandbox: Sandbox) -> None:
    options = ClientOptions(api_url=sandbox.url.replace("http://", "https://"), retry_delay=0.01)
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        with pytest.raises(TransportError) as caught:
            await api.balance()
    assert caught.value.kind == "tls_plain"

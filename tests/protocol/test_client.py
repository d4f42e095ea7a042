"""The client against the sandbox over real sockets: every call, both auth modes, each error category."""

from __future__ import annotations

import httpx
import pytest

from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ApiError, Category, ClientOptions, Credentials, SmsapiClient
from tests.conftest import DEMO_MD5


async def test_balance_and_senders(demo_credentials: Credentials, options: ClientOptions) -> None:
    async with SmsapiClient(demo_credentials, options) as api:
        balance = await api.balance()
        senders = await api.senders()
    assert balance.points == 10.0
    if demo_credentials.mode == "md5":
        assert (balance.pro_count, balance.eco_count) == (62, 142)
    assert {(s.sender, s.status) for s in senders} == {("DemoSerwis", "ACTIVE"), ("NowySklep", "PENDING"), ("Odrzucona", "REJECTED")}
    assert [s.sender for s in senders if s.is_default] == ["DemoSerwis"]


async def test_send_delivers_and_charges(demo_credentials: Credentials, options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(demo_credentials, options) as api:
        result = await api.send("+48 500-000-000", "Zażółć gęślą jaźń", "DemoSerwis")
        after = await api.balance()
    assert result.message_id and result.points == 0.16 and result.parts == 1
    assert result.idx and result.idx.startswith("smstui-")
    [delivered] = sandbox.outbox
    assert (delivered.to, delivered.sender, delivered.message, delivered.idx) == ("48500000000", "DemoSerwis", "Zażółć gęślą jaźń", result.idx)
    assert after.points == pytest.approx(9.84)


async def test_eco_send(options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(Credentials.md5("demo", DEMO_MD5), options) as api:
        result = await api.send("500000000", "Serwis Kowalski: auto gotowe", "ECO")
    assert result.points == 0.07
    assert sandbox.outbox[0].sender == "ECO"


async def test_dry_run_sends_nothing(demo_credentials: Credentials, options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(demo_credentials, options) as api:
        result = await api.send("500000000", "a" * 200, "DemoSerwis", test=True)
        balance = await api.balance()
    assert result.test and result.parts == 2 and result.idx is None
    assert sandbox.outbox == [] and balance.points == 10.0


async def test_same_idx_is_delivered_once(options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        first = await api.send("500000000", "raz", "ECO", idx="order-42")
        second = await api.send("500000000", "raz", "ECO", idx="order-42")
    assert not first.already_accepted and second.already_accepted
    assert len(sandbox.outbox) == 1


@pytest.mark.parametrize(
    ("credentials", "to", "sender", "message", "code", "category"),
    [
        (Credentials.md5("demo", "0" * 32), "500000000", "ECO", "x", 101, Category.CREDENTIALS),
        (Credentials.bearer("not-a-token"), "500000000", "ECO", "x", 101, Category.CREDENTIALS),
        (Credentials.md5("pusty", "b5e8b7b4bf4b3cee16f2c4a1c6bd1c7d"), "500000000", "ECO", "x", 101, Category.CREDENTIALS),
        (Credentials.bearer("pusty-token"), "500000000", "ECO", "x", 103, Category.POINTS),
        (Credentials.bearer("filtr-token"), "500000000", "ECO", "x", 105, Category.IP_FILTER),
        (Credentials.bearer("demo-token"), "500000000", "ECO", "", 11, Category.MESSAGE),
        (Credentials.bearer("demo-token"), "221234567", "ECO", "x", 13, Category.NUMBER),
        (Credentials.bearer("demo-token"), "500000000", "NowySklep", "x", 14, Category.SENDER),
        (Credentials.bearer("demo-token"), "+4915123456789", "ECO", "x", 32, Category.NUMBER),
        (Credentials.bearer("nowy-token"), "500000000", "ECO", "x", 98, Category.ACCOUNT),
        (Credentials.bearer("demo-token-bez-sms"), "500000000", "ECO", "x", 401, Category.PERMISSION),
    ],
)
async def test_send_errors_are_typed(credentials: Credentials, to: str, sender: str, message: str, code: int,
                                     category: Category, options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(credentials, options) as api:
        with pytest.raises(ApiError) as caught:
            await api.send(to, message, sender)
    assert (caught.value.code, caught.value.category) == (code, category)
    assert sandbox.outbox == []


async def test_invalid_numbers_are_reported(options: ClientOptions) -> None:
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        with pytest.raises(ApiError) as caught:
            await api.send("221234567", "x", "ECO")
    assert caught.value.invalid_numbers[0]["submitted_number"] == "221234567"


async def test_rest_errors_map_to_codes(options: ClientOptions) -> None:
    async with SmsapiClient(Credentials.bearer("nope"), options) as api:
        with pytest.raises(ApiError) as caught:
            await api.senders()
    assert (caught.value.code, caught.value.http_status, caught.value.category) == (101, 401, Category.CREDENTIALS)
    async with SmsapiClient(Credentials.bearer("demo-token-bez-sms"), options) as api:
        with pytest.raises(ApiError) as caught:
            await api.senders()
    assert (caught.value.code, caught.value.category) == (401, Category.PERMISSION)


async def test_legacy_missing_password_is_102(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(sandbox.url + "user.do", data={"username": "demo", "credits": "1", "format": "json"})
    assert response.json()["error"] == 102


async def test_a_foreign_pro_send_reaches_the_sandbox(options: ClientOptions, sandbox: Sandbox) -> None:
    """The client sends 4915123456789 (SMSAPI's format); the sandbox must accept what it is sent."""
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        result = await api.send("4915123456789", "Hallo", "DemoSerwis")
    assert result.message_id and sandbox.outbox[0].to == "4915123456789"

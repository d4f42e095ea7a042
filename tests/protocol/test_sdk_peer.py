"""SMSAPI's official Python SDK (smsapi-client 2.9.7), unchanged, against the sandbox over real
sockets: if the sandbox drifted from SMSAPI's wire format, the SDK's own parsing would fail here.

The SDK sends HTTP Basic `login:md5` for username + password and a bearer header for a token, on
sender.do, user.do and sms.do; it is pointed at the sandbox through its public `domain` argument.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from smsapi.client import Client
from smsapi.exception import EndpointException, SendException

from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5


@pytest.fixture(params=["token", "md5"])
def sdk(request: pytest.FixtureRequest, sandbox: Sandbox) -> Iterator[Client]:
    if request.param == "token":
        yield Client(sandbox.url, access_token="demo-token")
    else:
        yield Client(sandbox.url, username="demo", password=DEMO_MD5)


def test_balance(sdk: Client) -> None:
    balance = sdk.account.balance()
    assert (balance.points, balance.pro_count, balance.eco_count) == (10.0, 62, 142)


def test_sender_list_and_check(sdk: Client) -> None:
    names = {(s.sender, s.status, s.default) for s in sdk.sender.list()}
    assert names == {("DemoSerwis", "ACTIVE", True), ("NowySklep", "PENDING", False), ("Odrzucona", "REJECTED", False)}
    checked = sdk.sender.check(name="NowySklep")
    assert (checked.sender, checked.status, checked.default) == ("NowySklep", "PENDING", False)
    with pytest.raises(EndpointException) as caught:
        sdk.sender.check(name="Nieznana")
    assert caught.value.code == 2031


def test_add_then_default_refused_until_approved(sdk: Client, sandbox: Sandbox) -> None:
    assert sdk.sender.add(name="Warsztat").count == 1
    assert sdk.sender.check(name="Warsztat").status == "INACTIVE"
    with pytest.raises(EndpointException) as caught:
        sdk.sender.default(name="Warsztat")
    assert caught.value.code == 2061
    with pytest.raises(EndpointException) as caught:
        sdk.sender.add(name="Warsztat")
    assert caught.value.code == 2115
    assert sandbox.state.decide("Warsztat", "ACTIVE") == 1
    assert sdk.sender.default(name="Warsztat").count == 1
    assert [s.sender for s in sdk.sender.list() if s.default] == ["Warsztat"]
    assert sdk.sender.remove(name="Warsztat").count == 1
    assert "Warsztat" not in {s.sender for s in sdk.sender.list()}


def test_invalid_name_is_2112(sdk: Client) -> None:
    with pytest.raises(EndpointException) as caught:
        sdk.sender.add(name="Za długa nazwa")
    assert caught.value.code == 2112


def test_test_send_is_not_delivered(sdk: Client, sandbox: Sandbox) -> None:
    [sent] = list(sdk.sms.send(to="500000000", message="Test bramki SMS", from_="DemoSerwis", test=1))
    assert sent.status == "QUEUE" and sent.number == "48500000000"
    assert sandbox.outbox == [] and sdk.account.balance().points == 10.0


def test_real_send_with_idx_twice_is_53(sdk: Client, sandbox: Sandbox) -> None:
    [sent] = list(sdk.sms.send(to="500000000", message="Auto gotowe", from_="DemoSerwis", idx="zlecenie-7", check_idx=1))
    assert sent.idx == "zlecenie-7" and float(sent.points) == 0.16
    with pytest.raises(SendException) as caught:
        sdk.sms.send(to="500000000", message="Auto gotowe", from_="DemoSerwis", idx="zlecenie-7", check_idx=1)
    assert caught.value.code == 53
    assert [d.idx for d in sandbox.outbox] == ["zlecenie-7"]


def test_refusals_reach_the_sdk_as_its_exceptions(sandbox: Sandbox) -> None:
    wrong = Client(sandbox.url, username="demo", password="0" * 32)
    with pytest.raises(EndpointException) as caught:
        wrong.account.balance()
    assert caught.value.code == 101
    with pytest.raises(SendException) as sent:
        Client(sandbox.url, access_token="demo-token").sms.send(to="221234567", message="x", from_="ECO")
    assert sent.value.code == 13 and sent.value.invalid_numbers[0].submitted_number == "221234567"

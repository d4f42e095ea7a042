"""What SMSAPI's JavaScript client and its OpenAPI document found in the sandbox: flags read the
way SMSAPI reads them (a JSON `true`, a form `true`, any case), every documented price type
answered, `points` a number by default (and a string on request, as the live API has sent), and
the REST IP-filter error a string tag — with our own client reading each form."""

from __future__ import annotations

import httpx
import pytest

from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions, Credentials
from sms_tui.smsapi.client import SmsapiClient
from sms_tui.smsapi.errors import ApiError, Category

TOKEN = {"Authorization": "Bearer demo-token"}


def _send(sandbox: Sandbox, *, json: dict[str, object] | None = None, data: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(f"{sandbox.url}sms.do", headers=TOKEN, json=json, data=data, timeout=10)


@pytest.mark.parametrize("how", ["json-true", "json-1", "json-string", "form-true", "form-TRUE", "form-1"])
def test_a_test_send_is_free_however_the_flag_is_written(sandbox: Sandbox, how: str) -> None:
    value: object = {"json-true": True, "json-1": 1, "json-string": "true"}.get(how, how.split("-", 1)[1])
    fields = {"to": "48500000000", "message": "test", "from": "ECO", "format": "json", "test": value}
    before = sandbox.state.accounts["demo"].points
    answer = _send(sandbox, json=fields) if how.startswith("json") else _send(sandbox, data={k: str(v) for k, v in fields.items()})
    assert answer.status_code == 200 and answer.json()["count"] == 1
    assert sandbox.outbox == [] and sandbox.state.accounts["demo"].points == before  # not delivered, not charged


@pytest.mark.parametrize("flag", [True, "true", "1", 1])
def test_a_repeated_idx_is_refused_with_a_json_true_check_idx(sandbox: Sandbox, flag: object) -> None:
    fields = {"to": "48500000000", "message": "raz", "from": "ECO", "format": "json", "idx": f"idx-{flag!r}", "check_idx": flag}
    assert _send(sandbox, json=fields).json()["count"] == 1
    again = _send(sandbox, json=fields).json()
    assert again["error"] == 53 and len(sandbox.outbox) == 1


@pytest.mark.parametrize("kind", ["pro", "eco", "sms", "2way", "vms", "hlr", "mms"])
def test_every_documented_price_type_is_answered(sandbox: Sandbox, kind: str) -> None:
    answer = httpx.get(f"{sandbox.url}profile/prices", params={"type": kind}, headers=TOKEN, timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["size"] == len(body["collection"]) and (body["size"] > 0) == (kind in ("pro", "eco", "sms"))


@pytest.mark.parametrize("as_text", [False, True])
async def test_points_a_number_by_default_and_our_client_reads_both(sandbox: Sandbox, as_text: bool) -> None:
    raw = _send(sandbox, json={"to": "48500000000", "message": "x", "from": "ECO", "format": "json"}).json()
    assert isinstance(raw["list"][0]["points"], float)  # the document's `number`
    if as_text:
        sandbox.inject("points_text", "/sms.do")
    async with SmsapiClient(Credentials.bearer("demo-token"), ClientOptions(api_url=sandbox.url, retry_delay=0.01)) as client:
        result = await client.send("48500000001", "y", "ECO")
    assert result.points == pytest.approx(0.07)


async def test_the_rest_ip_filter_error_is_a_string_tag_and_still_the_ip_filter() -> None:
    with Sandbox() as sandbox:
        answer = httpx.get(f"{sandbox.url}profile", headers={"Authorization": "Bearer filtr-token"}, timeout=10)
        assert answer.status_code in (401, 403) and isinstance(answer.json()["error"], str)
        async with SmsapiClient(Credentials.bearer("filtr-token"), ClientOptions(api_url=sandbox.url, retry_delay=0.01)) as client:
            with pytest.raises(ApiError) as caught:
                await client.balance()
    assert caught.value.code == 105 and caught.value.category is Category.IP_FILTER


def test_a_repeated_idx_is_refused_only_within_smsapis_24_hours(sandbox: Sandbox) -> None:
    """SMSAPI remembers an idx for check_idx 24 hours: after that the same idx is a new, paid SMS."""
    fields = {"to": "48500000000", "message": "noc", "from": "ECO", "format": "json", "idx": "converge-1", "check_idx": "1"}
    assert _send(sandbox, json=fields).json()["count"] == 1
    clock = f"{sandbox.url}__sandbox/clock"
    httpx.post(clock, json={"advance": 24 * 3600 - 60}, timeout=10)
    assert _send(sandbox, json=fields).json()["error"] == 53  # a minute before the window closes
    httpx.post(clock, json={"advance": 61}, timeout=10)
    assert _send(sandbox, json=fields).json()["count"] == 1
    assert len(sandbox.outbox) == 2
    assert _send(sandbox, json=fields).json()["error"] == 53  # the window starts again from the new send

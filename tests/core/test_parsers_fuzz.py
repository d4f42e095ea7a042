"""Any bytes from the network end as a model or a typed error — never an uncaught exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_tui.smsapi.errors import ApiError, TransportError
from sms_tui.smsapi.parse import decode, parse_balance, parse_send
from sms_tui.smsapi.parse_profile import parse_ping, parse_prices
from sms_tui.smsapi.parse_sender import parse_done, parse_sender, parse_senders, parse_statement
from sms_tui.smsapi.parse_status import parse_status


def parse_status_of_two(body: str, *, http_status: int | None = None) -> object:
    return parse_status(body, ["1", "2"], http_status=http_status)


PARSERS = [parse_send, parse_balance, parse_senders, parse_sender, parse_done, parse_statement, parse_status_of_two,
           parse_ping, parse_prices]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(
        ["error", "message", "list", "count", "points", "proCount", "collection", "sender", "status", "id",
         "invalid_numbers", "number", "parts", "default", "is_default", "authorized", "unavailable", "price",
         "amount", "currency", "content", "sections", "statements", "type", "idx", "created_at"]) | st.text(max_size=5), children, max_size=5),
    max_leaves=20,
)
plain_lines = st.lists(st.sampled_from(["OK", "ERROR", "Points", ":", ";", "\n", "12", "0.16", "48500000000", "x", " "]),
                       max_size=12).map("".join)


def _parse_any(parser, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    try:
        parser(decode(raw), http_status=200)
    except (ApiError, TransportError):
        pass


@pytest.mark.parametrize("parser", PARSERS)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # examples: the profile's (tests/conftest.py)
@given(raw=st.binary(max_size=300))
def test_any_bytes(parser, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    _parse_any(parser, raw)


@pytest.mark.parametrize("parser", PARSERS)
@given(value=json_values)
def test_any_json(parser, value: object) -> None:  # type: ignore[no-untyped-def]
    _parse_any(parser, json.dumps(value).encode())


@pytest.mark.parametrize("parser", PARSERS)
@given(text=plain_lines)
def test_any_plain_form(parser, text: str) -> None:  # type: ignore[no-untyped-def]
    _parse_any(parser, text.encode())


def test_known_shapes() -> None:
    assert parse_send("OK:1:0.16;OK:2:0.16:48600000000").points == 0.32
    assert parse_send('{"count":1,"list":[{"id":"1","points":"0.3000","number":"48500000000"}]}').points == 0.3
    with pytest.raises(ApiError) as caught:
        parse_send('{"error":13,"message":"No correct phone numbers","invalid_numbers":[{"number":"1"}]}')
    assert caught.value.code == 13 and caught.value.invalid_numbers == [{"number": "1"}]
    assert parse_balance('{"points":"7.5","proCount":46}').points == 7.5
    assert parse_senders('[{"sender":"A","status":"active","default":true}]')[0].is_default
    with pytest.raises(TransportError):
        parse_send("<html>proxy login</html>")


def test_known_shapes_of_the_newer_calls() -> None:
    """Shapes from SMSAPI's SDK fixtures and the OpenAPI document (smsapi-protocol-2.md)."""
    [one, missing] = parse_status('{"count":1,"list":[{"id":"1","points":0.165,"number":"48327201200","status":"delivered","error":null,"idx":"a"}]}', ["1", "2"])
    assert (one.status, one.delivered, one.final, missing.status, missing.final) == ("DELIVERED", True, True, "NOT_FOUND", True)
    assert parse_status('{"list":[{"id":"1","status":409}]}', ["1"])[0].status == "QUEUE"
    assert parse_sender('{"sender":"any","status":"ACTIVE","default":false}').active
    assert parse_done('{"count":1}') and parse_done("", http_status=204)
    with pytest.raises(ApiError) as caught:
        parse_sender('{"message":"Not found sender","error":"not_found"}', http_status=404)
    assert caught.value.code == 2031
    with pytest.raises(ApiError) as caught:
        parse_done('{"message":"Cannot set to default not active sendername","error":"sender_not_active"}', http_status=400)
    assert caught.value.code == 2061
    statement = parse_statement('{"content":"","sections":[{"title":"T","content":"c","statements":[{"type":"sendername","content":"x"}]}]}')
    assert statement.accepted_types == ["sendername"]
    assert parse_ping('{"authorized":false,"unavailable":[]}').authorized is False
    assert parse_ping('{"message":"Authorization failed","error":"authorization_failed"}', http_status=401).authorized is False
    assert parse_ping('{"authorized":true,"unavailable":["mms"]}').unavailable == ["mms"]
    [price] = parse_prices('{"size":1,"collection":[{"price":{"amount":0.16,"currency":"PLN"},"country":{"name":"Poland","mcc":260}}]}')
    assert (price.amount, price.currency, price.mcc) == (0.16, "PLN", 260)

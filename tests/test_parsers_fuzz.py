"""Any bytes from the network end as a model or a typed error — never an uncaught exception."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_tui.smsapi.errors import ApiError, TransportError
from sms_tui.smsapi.parse import decode, parse_balance, parse_send, parse_senders

PARSERS = [parse_send, parse_balance, parse_senders]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(
        ["error", "message", "list", "count", "points", "proCount", "collection", "sender", "status", "id",
         "invalid_numbers", "number", "parts", "default", "is_default"]) | st.text(max_size=5), children, max_size=5),
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
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_any_bytes(parser, raw: bytes) -> None:  # type: ignore[no-untyped-def]
    _parse_any(parser, raw)


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=300)
@given(value=json_values)
def test_any_json(parser, value: object) -> None:  # type: ignore[no-untyped-def]
    _parse_any(parser, json.dumps(value).encode())


@pytest.mark.parametrize("parser", PARSERS)
@settings(max_examples=300)
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

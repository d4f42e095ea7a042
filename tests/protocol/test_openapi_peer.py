"""SMSAPI's own OpenAPI document as a peer of the sandbox: every REST answer the sandbox gives, and
`sms.do` in JSON, validated with openapi-core against the document's response schemas
(tests/protocol/openapi/ holds the operations transcribed from it, with its source and SHA-256);
every REST error answer against its `Error` schema.

Two waivers, where the document contradicts SMSAPI's own JavaScript client (the sandbox keeps
what the client says):
- `Sendername.status` lists only ACTIVE, INACTIVE and UNKNOWN; the JS client's `SendernameStatus`
  also has PENDING, REJECTED and DELETED, which SMSAPI sends for a name its staff have not
  approved or refused.
- `InvalidNumber.number` is a `PhoneNumber` (`[0-9]{8,16}`); SMSAPI echoes what it could not
  parse there (`"12"`), which no pattern for numbers can match.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

from sms_tui.sandbox import Sandbox

SPEC_PATH = Path(__file__).parent / "openapi" / "smsapi_panel_subset.yaml"
SERVER = "http://sandbox.invalid"
WAIVED_SENDERNAME_STATUSES = {"PENDING", "REJECTED", "DELETED"}  # the JS client's SendernameStatus, not the document's


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def openapi(spec: dict[str, Any]) -> OpenAPI:
    return OpenAPI.from_dict(spec)  # the document itself is checked as OpenAPI 3.0 here


def _waived(body: Any) -> Any:
    """The body with the two documented waivers applied, and nothing else changed."""
    body = copy.deepcopy(body)
    names = body.get("collection", [body]) if isinstance(body, dict) else []
    for name in names:
        if isinstance(name, dict) and name.get("status") in WAIVED_SENDERNAME_STATUSES:
            name["status"] = "UNKNOWN"
    for invalid in body.get("invalid_numbers", []) if isinstance(body, dict) else []:
        if not re.search(r"[0-9]{8,16}", str(invalid.get("number", ""))):
            invalid["number"] = "00000000"
    return body


def _exchange(sandbox: Sandbox, method: str, path: str, *, token: str = "demo-token", params: dict[str, str] | None = None,
              data: dict[str, str] | None = None) -> httpx.Response:
    return httpx.request(method, f"{sandbox.url}{path.lstrip('/')}", params=params, data=data,
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _validate(openapi: OpenAPI, spec: dict[str, Any], method: str, path: str, answer: httpx.Response,
              params: dict[str, str] | None = None) -> None:
    if answer.status_code >= 400:  # the document declares no 4xx: every REST error is its `Error`
        error_schema = {"$ref": "#/components/schemas/Error", "components": spec["components"]}
        OAS30Validator(error_schema).validate(answer.json())
        assert isinstance(answer.json()["error"], str)
        return
    body = b"" if answer.status_code == 204 else json.dumps(_waived(answer.json())).encode()
    request = MockRequest(SERVER, method.lower(), path, args=params or {})
    response = MockResponse(body, status_code=answer.status_code, content_type=answer.headers.get("content-type", "application/json"))
    openapi.validate_response(request, response)


REST_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/profile", {}),
    *[("GET", "/profile/prices", {"params": {"type": kind}}) for kind in ("pro", "eco", "sms", "2way", "vms", "hlr", "mms")],
    ("GET", "/profile/prices", {}),
    ("GET", "/ping", {}),
    ("GET", "/sms/sendernames", {}),
    ("GET", "/sms/sendernames/statement", {}),
    ("GET", "/sms/sendernames/DemoSerwis", {}),
    ("GET", "/sms/sendernames/NowySklep", {}),  # PENDING: the waiver
    ("POST", "/sms/sendernames", {"data": {"sender": "Peer OpenAPI"}}),
    ("POST", "/sms/sendernames/DemoSerwis/commands/make_default", {}),
    ("DELETE", "/sms/sendernames/Odrzucona", {}),
    # The refusals the sandbox models over REST: each an `Error`.
    ("POST", "/sms/sendernames", {"data": {"sender": "DemoSerwis"}}),  # 409
    ("POST", "/sms/sendernames", {"data": {"sender": "Zażółć gęślą"}}),  # 400
    ("POST", "/sms/sendernames/NowySklep/commands/make_default", {}),  # 400, not active
    ("GET", "/sms/sendernames/NieMaTakiej", {}),  # 404
    ("GET", "/profile", {"token": "zly-token"}),  # 401
    ("GET", "/profile", {"token": "filtr-token"}),  # 403, the IP filter
    ("GET", "/sms/sendernames", {"token": "demo-token-bez-sms"}),  # 403, the token's scope
]


@pytest.mark.parametrize(("method", "path", "extra"), REST_CALLS, ids=[f"{m} {p} {e}" for m, p, e in REST_CALLS])
def test_every_rest_answer_is_what_the_document_declares(sandbox: Sandbox, openapi: OpenAPI, spec: dict[str, Any],
                                                         method: str, path: str, extra: dict[str, Any]) -> None:
    answer = _exchange(sandbox, method, path, **extra)
    _validate(openapi, spec, method, path, answer, extra.get("params"))


SENDS: list[dict[str, str]] = [
    {"to": "48500000000", "message": "test", "from": "ECO", "test": "1"},
    {"to": "48500000000", "message": "ECO", "from": "ECO"},
    {"to": "48500000000,48500000001", "message": "dwa", "from": "DemoSerwis", "details": "1"},
    {"to": "48500000002", "message": "idx", "from": "ECO", "idx": "openapi-1", "check_idx": "1"},
    {"to": "48500000003", "message": "", "from": "ECO"},  # 11
    {"to": "12", "message": "zły numer", "from": "ECO"},  # 13, the InvalidNumber waiver
    {"to": "48500000004", "message": "nadawca", "from": "NieMaTakiej"},  # 14
    {"to": "447911123456", "message": "ECO za granicę", "from": "ECO"},  # 32
]


@pytest.mark.parametrize("form", SENDS, ids=[f"{f['to']}-{f['from']}-{f['message'][:8]}" for f in SENDS])
def test_sms_do_in_json_is_what_the_document_declares(sandbox: Sandbox, openapi: OpenAPI, spec: dict[str, Any],
                                                      form: dict[str, str]) -> None:
    answer = _exchange(sandbox, "POST", "/sms.do", data={**form, "format": "json"})
    assert answer.status_code == 200
    _validate(openapi, spec, "POST", "/sms.do", answer)


def test_a_repeated_idx_and_no_points_are_declared_errors(sandbox: Sandbox, openapi: OpenAPI, spec: dict[str, Any]) -> None:
    form = {"to": "48500000005", "message": "raz", "from": "ECO", "idx": "openapi-2", "check_idx": "1", "format": "json"}
    _exchange(sandbox, "POST", "/sms.do", data=form)
    again = _exchange(sandbox, "POST", "/sms.do", data=form)
    assert again.json()["error"] == 53
    _validate(openapi, spec, "POST", "/sms.do", again)
    empty = _exchange(sandbox, "POST", "/sms.do", token="pusty-token", data={**form, "idx": "openapi-3"})
    assert empty.json()["error"] == 103
    _validate(openapi, spec, "POST", "/sms.do", empty)


def test_a_subusers_life_is_what_the_document_declares(sandbox: Sandbox, openapi: OpenAPI, spec: dict[str, Any]) -> None:
    """Create (JSON, as the document and SMSAPI's JavaScript client send it), list, read, edit the
    points, share the sender names, delete — each answer against the document; a subuser may not."""
    def call(method: str, path: str, body: dict[str, Any] | None = None, token: str = "demo-token") -> httpx.Response:
        answer = httpx.request(method, f"{sandbox.url}{path.lstrip('/')}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        _validate(openapi, spec, method, path, answer)
        return answer

    made = call("POST", "/subusers", {"credentials": {"username": "sklep-7", "password": "x" * 12, "api_password": "tajne-api-7"},
                                      "active": True, "description": "Sklep nr 7", "points": {"from_account": 0, "per_month": 1.0}})
    assert made.status_code == 201
    subuser = made.json()["id"]
    assert call("GET", "/subusers").json()["size"] == 1
    assert call("GET", f"/subusers/{subuser}").json()["points"]["per_month"] == 1.0
    assert call("PUT", f"/subusers/{subuser}", {"points": {"per_month": 2.0}}).json()["points"]["per_month"] == 2.0
    assert call("PUT", f"/subusers/{subuser}/shares/sendernames", {"access": "selected", "senders": ["DemoSerwis"]}).status_code == 204
    assert call("GET", f"/subusers/{subuser}/shares/sendernames").json() == {"access": "selected", "senders": ["DemoSerwis"]}
    assert call("POST", "/subusers", {"credentials": {"username": "sklep-7", "password": "y" * 12}}).status_code == 409
    assert call("GET", "/subusers/" + "0" * 24).status_code == 404
    assert call("DELETE", f"/subusers/{subuser}").status_code == 204


def test_the_check_can_fail(openapi: OpenAPI, spec: dict[str, Any], sandbox: Sandbox) -> None:
    """What the defects were: points as a string and a numeric REST error are refused."""
    from openapi_core.validation.response.exceptions import InvalidData

    sandbox.inject("points_text", "/sms.do")
    answer = _exchange(sandbox, "POST", "/sms.do", data={"to": "48500000006", "message": "x", "from": "ECO", "format": "json"})
    with pytest.raises(InvalidData):
        _validate(openapi, spec, "POST", "/sms.do", answer)
    from jsonschema.exceptions import ValidationError

    with pytest.raises(ValidationError):
        OAS30Validator({"$ref": "#/components/schemas/Error", "components": spec["components"]}).validate({"error": 105})

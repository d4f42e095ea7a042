"""SMSAPI's official JavaScript client (npm `smsapi`, pinned in .ci/run) against the sandbox,
unchanged, as tests/protocol/test_sdk_peer.py does with the Python SDK: a peer nobody here wrote.
`.ci/run` installs it outside the repo and names the folder in SMSAPI_JS_NODE_PATH; without it
the test skips on a developer's machine and fails in CI (never a silent skip there)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sms_tui.sandbox import Sandbox

PEER = Path(__file__).parent / "js_peer" / "peer.cjs"
VERSION = "2.1.3"  # the version .ci/run installs


def _node_path() -> str:
    folder = os.environ.get("SMSAPI_JS_NODE_PATH", "")
    ready = shutil.which("node") and folder and (Path(folder) / "smsapi" / "package.json").is_file()
    if not ready:
        reason = "node or the npm package smsapi is missing (SMSAPI_JS_NODE_PATH; .ci/run installs both)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    assert json.loads((Path(folder) / "smsapi" / "package.json").read_text())["version"] == VERSION
    return folder


@pytest.fixture(scope="module")
def run() -> tuple[dict[str, dict[str, Any]], Sandbox]:
    folder = _node_path()
    with Sandbox() as sandbox:
        done = subprocess.run(["node", str(PEER), sandbox.url], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "NODE_PATH": folder}, check=False)
        assert done.returncode == 0, done.stderr
        calls = {entry["call"]: entry for entry in map(json.loads, done.stdout.splitlines())}
        return calls, sandbox


def _error(entry: dict[str, Any]) -> Any:
    """The client's MessageError carries SMSAPI's answer; its HttpError the status and body."""
    value = entry["value"]
    return value["data"]["error"] if "data" in value else (value["status"], json.loads(value["responseBody"])["error"])


def test_profile_and_sender_names(run: tuple[dict[str, dict[str, Any]], Sandbox]) -> None:
    calls, sandbox = run
    assert calls["profile"]["ok"] and calls["profile"]["value"]["username"] == "demo"
    names = {n["sender"]: n for n in calls["sendernames.get"]["value"]["collection"]}
    assert names["DemoSerwis"]["isDefault"] and names["NowySklep"]["status"] == "PENDING"
    assert calls["sendernames.create"]["value"]["status"] in ("INACTIVE", "PENDING")
    assert _error(calls["sendernames.create.duplicate"]) == (409, "sendername_already_exists")
    assert _error(calls["sendernames.create.invalid"])[0] == 400
    assert _error(calls["sendernames.makeDefault.inactive"]) == (400, "sender_not_active")
    assert calls["sendernames.makeDefault"]["ok"] and calls["sendernames.getBySender.after"]["value"]["isDefault"]
    assert calls["sendernames.remove"]["ok"] and "JsPeer" not in sandbox.state.accounts["demo"].senders
    assert sandbox.state.accounts["demo"].default_sender == "DemoSerwis"


def test_sends_as_the_client_writes_them(run: tuple[dict[str, dict[str, Any]], Sandbox]) -> None:
    calls, sandbox = run
    delivered = {(m.to, m.sender, m.message) for m in sandbox.outbox}
    assert calls["sms.test"]["ok"] and not any(m.to == "48500000010" for m in sandbox.outbox)  # `test: true` is free
    assert ("48500000011", "ECO", "JS eco") in delivered and ("48500000012", "DemoSerwis", "JS own name") in delivered
    assert {("48500000013", "ECO", "JS two"), ("48500000014", "ECO", "JS two")} <= delivered
    assert ("48500000015", "ECO", "Zażółć gęślą jaźń") in delivered
    assert calls["sms.idx.first"]["ok"] and _error(calls["sms.idx.again"]) == 53  # `checkIdx: true` is honoured
    assert sum(1 for m in sandbox.outbox if m.to == "48500000016") == 1
    assert all(isinstance(item["points"], float) for item in calls["sms.eco"]["value"]["list"])


@pytest.mark.parametrize(("call", "expected"), [("refuse.11", 11), ("refuse.13", 13), ("refuse.14", 14), ("refuse.32", 32),
                                                ("refuse.101", (401, "authorization_failed")), ("refuse.105", (403, "ip_not_allowed")),
                                                ("refuse.103", 103), ("refuse.98", 98)])
def test_every_refusal_the_sandbox_models(run: tuple[dict[str, dict[str, Any]], Sandbox], call: str, expected: object) -> None:
    calls, _ = run
    assert not calls[call]["ok"] and _error(calls[call]) == expected


def test_the_calls_the_client_lacks_through_its_own_http(run: tuple[dict[str, dict[str, Any]], Sandbox]) -> None:
    calls, _ = run
    status = calls["status"]["value"]
    assert status["status"] == 200 and status["body"]["list"][0]["status"] in ("QUEUE", "SENT", "DELIVERED")
    assert calls["ping"]["value"]["body"]["authorized"] is True
    prices = calls["prices"]["value"]
    assert prices["status"] == 200 and prices["body"]["size"] > 0

"""The wizard across a dropped link, through the Wizard alone against the sandbox: a test SMS in
flight when the link drops is not sent again after the resume; a test that ended UNDELIVERED is
not "sent again" with a tick and an empty record; a name requested with F2 survives the resume."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sms_tui.delivery import Outcome, Polling
from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ClientOptions
from sms_tui.wizard import Wizard, draft
from tests.conftest import DEMO_MD5


def _wizard(sandbox: Sandbox, config: Path) -> Wizard:
    return Wizard(config, ClientOptions(api_url=sandbox.url, retry_delay=0.01))


@pytest.fixture
async def wizard(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Wizard]:
    made = _wizard(sandbox, tmp_path / "smsapi.toml")
    yield made
    await made.aclose()


async def _logged_in(wizard: Wizard) -> None:
    wizard.set_username("demo")
    assert wizard.set_secret("md5", DEMO_MD5) is None
    await wizard.verify()


async def _until(condition: object, what: str) -> None:
    for _ in range(3000):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.01)
    raise AssertionError(what)


async def test_a_test_sms_in_flight_when_the_link_drops_is_not_sent_twice(wizard: Wizard, sandbox: Sandbox) -> None:
    await _logged_in(wizard)
    wizard.set_test_to("500 000 077")
    wizard.state.step = "test"
    asked = len(sandbox.state.requests)
    sandbox.inject("delay", "/sms.do", seconds=1)
    sending = asyncio.create_task(wizard.send_test())
    await _until(lambda: any(path == "/sms.do" for _, path in sandbox.state.requests[asked:]), "the send never left")
    sending.cancel()  # the SSH link drops: the process is gone before SMSAPI answers
    with pytest.raises(asyncio.CancelledError):
        await sending
    await _until(lambda: len(sandbox.outbox) == 1, "SMSAPI never got it")  # it went out all the same

    saved, _ = draft.load(wizard.config_path)
    assert saved is not None and saved.values["test"]["idx"] == wizard.idx_for_test()  # written before the request
    resumed = _wizard(sandbox, wizard.config_path)
    try:
        assert resumed.resume(saved) == "credentials"  # the password again, then on to step 5
        assert resumed.set_secret("md5", DEMO_MD5) is None
        result = await resumed.send_test()  # "Wyślij test" after the resume
        assert len(sandbox.outbox) == 1 and result.already_accepted  # SMSAPI's "already accepted", not a second SMS
        assert resumed.test_passed  # it was accepted: the vendor's rule lets the technician save
    finally:
        await resumed.aclose()


async def test_an_accepted_test_keeps_its_id_through_a_resume(wizard: Wizard, sandbox: Sandbox) -> None:
    """Accepted, then the link dropped before Zapisz: the resumed wizard saves that test's id."""
    await _logged_in(wizard)
    wizard.set_test_to("500 000 078")
    wizard.state.step = "test"
    first = await wizard.send_test()
    saved, _ = draft.load(wizard.config_path)
    assert saved is not None and saved.values["test"]["message_id"] == first.message_id
    resumed = _wizard(sandbox, wizard.config_path)
    try:
        resumed.resume(saved)
        resumed.set_secret("md5", DEMO_MD5)
        again = await resumed.send_test()
        assert len(sandbox.outbox) == 1 and again.message_id == first.message_id
        path = resumed.save()
        assert tomllib.loads(path.read_text())["verified"]["message_id"] == first.message_id
    finally:
        await resumed.aclose()


@pytest.mark.slow  # the sandbox takes its seconds to call a message undelivered
@pytest.mark.parametrize("number", ["500000405", "500000402"])  # UNDELIVERED, EXPIRED in the sandbox
async def test_a_test_that_did_not_arrive_is_not_sent_again_as_a_tick(wizard: Wizard, sandbox: Sandbox, tmp_path: Path,
                                                                      number: str) -> None:
    await _logged_in(wizard)
    wizard.polling = Polling(start=0.05, growth=1.0, cap=0.05)
    wizard.set_test_to(number)
    first = await wizard.send_test()
    tracked = await wizard.follow_test()
    assert tracked is not None and tracked.outcome is Outcome.NOT_DELIVERED
    problems = wizard.test_input_problems()  # "Wyślij test" again with the same number and text
    assert problems and f"48{number}" in problems[0] and (tracked.last and tracked.last.status) in problems[0]
    again = await wizard.send_test()  # even if it were sent: the known test stays, with its id and its result
    assert again is first and wizard.state.delivery is not None and wizard.state.delivery.outcome is Outcome.NOT_DELIVERED
    saved = tomllib.loads(wizard.save().read_text())["verified"]
    assert saved["message_id"] == first.message_id and saved["points"] == first.points and saved["status"] != ""
    assert len(sandbox.outbox) == 1
    wizard.set_test_to("500 000 000")  # another number: a new test
    assert wizard.test_input_problems() == []


async def test_a_requested_name_survives_a_dropped_link(wizard: Wizard, sandbox: Sandbox) -> None:
    await _logged_in(wizard)
    await wizard.senders.sender_statement()
    await wizard.senders.request_sender("NowaFirma")
    wizard.state.step = "sender"
    wizard.save_draft()
    saved, _ = draft.load(wizard.config_path)
    assert saved is not None
    resumed = _wizard(sandbox, wizard.config_path)
    try:
        resumed.resume(saved)
        assert resumed.setup.requested_sender == "NowaFirma" and resumed.waiting_for_sender()
        resumed.set_secret("md5", DEMO_MD5)
        await resumed.verify()
        resumed.set_test_to("500 000 000")
        await resumed.send_test()
        saved_sender = tomllib.loads(resumed.save().read_text())["sender"]
        assert saved_sender["mode"] == "eco" and saved_sender["requested"] == "NowaFirma"  # check and watch follow it
    finally:
        await resumed.aclose()

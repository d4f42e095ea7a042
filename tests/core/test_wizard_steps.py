"""Every step's rules through the Wizard alone (no screen, no Pilot), against the sandbox over a
real socket: what each step accepts and refuses, the idx that keeps a retry from sending twice,
what a save writes, and the secrets that never reach a draft."""

from __future__ import annotations

import json
import stat
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sms_tui.sandbox import Sandbox
from sms_tui.settings.vocabulary import CHECKLIST
from sms_tui.smsapi import ClientOptions, SmsapiError
from sms_tui.smsapi.auth import Platform
from sms_tui.wizard import Wizard, draft
from tests.conftest import DEMO_MD5


@pytest.fixture
async def wizard(sandbox: Sandbox, tmp_path: Path) -> AsyncIterator[Wizard]:
    made = Wizard(tmp_path / "smsapi.toml", ClientOptions(api_url=sandbox.url, retry_delay=0.01))
    yield made
    await made.aclose()


def test_step2_ticks_only_the_manuals_items(wizard: Wizard) -> None:
    wizard.set_checked("registered", True)
    wizard.set_checked("rm -rf", True)
    assert wizard.setup.checklist == {**dict.fromkeys(CHECKLIST, False), "registered": True}
    assert wizard.unsaved()


async def test_step3_secrets_each_kind_and_the_live_check(wizard: Wizard) -> None:
    wizard.set_username(" demo\u200b ")
    assert wizard.setup.username == "demo"
    assert wizard.set_secret("md5", DEMO_MD5[:-1]) is not None and not wizard.has_secret()
    assert wizard.set_secret("plain", "demo") is None  # hashed at once: the plain password is never kept
    assert wizard.setup.password_md5 is not None and wizard.setup.password_md5.get_secret_value() == DEMO_MD5
    assert wizard.set_secret("token", "demo-token") is None
    wizard.set_secret_kind("md5")  # a stray Space on the radio and back: the MD5 is still there
    assert wizard.has_secret() and wizard.credentials().password_md5 is not None
    status = await wizard.verify()
    assert status.balance.points and wizard.state.status is status
    wizard.set_platform(Platform.COM)  # another platform: what was checked no longer holds
    assert wizard.state.status is None


async def test_step3_a_wrong_password_is_an_error_with_a_diagnosis(wizard: Wizard) -> None:
    wizard.set_username("demo")
    assert wizard.set_secret("md5", "0" * 32) is None
    with pytest.raises(SmsapiError) as caught:
        await wizard.verify()
    finding = await wizard.diagnose(caught.value)
    assert finding.check and finding.text


async def _logged_in(wizard: Wizard) -> None:
    wizard.set_username("demo")
    assert wizard.set_secret("md5", DEMO_MD5) is None
    await wizard.verify()


async def test_step4_the_sender_rules(wizard: Wizard) -> None:
    await _logged_in(wizard)
    wizard.set_sender_mode("pro")
    wizard.set_sender_name("Łódź Serwis")
    assert wizard.sender_problems()  # Polish letters, too long, not on the account
    wizard.set_sender_name(" DemoSerwis ")
    assert wizard.sender_problems() == [] and wizard.sender().name == "DemoSerwis"
    wizard.set_sender_mode("eco")
    assert wizard.sender_problems() == [] and wizard.sender().from_field == "ECO"


async def test_step5_refuses_what_send_refuses_and_a_retry_never_sends_twice(wizard: Wizard, sandbox: Sandbox) -> None:
    await _logged_in(wizard)
    for to, text in (("500000000,600000000", "x"), ("22 123 45 67", "x"), ("500 000 000", "   "), ("500 000 000", "x" * 1000)):
        wizard.set_test_to(to)
        wizard.set_test_message(text)
        assert wizard.test_input_problems(), (to, text)
    wizard.set_test_to("500 000 000")
    wizard.set_test_message("Test bramki")
    assert wizard.test_input_problems() == [] and wizard.save_blocker() is not None  # no test yet: no save
    idx = wizard.idx_for_test()
    assert wizard.idx_for_test() == idx  # the same number, text and sender: the same idx
    first = await wizard.send_test()
    again = await wizard.send_test()  # Retry after an answer that seemed lost
    assert len(sandbox.outbox) == 1 and first.message_id and (again.already_accepted or again.message_id == first.message_id)
    assert wizard.test_passed and wizard.state.tested_to == "48500000000"
    wizard.set_test_message("Inny tekst")
    assert wizard.idx_for_test() != idx  # a different message is a different SMS
    wizard.set_sender_mode("pro")
    wizard.set_sender_name("DemoSerwis")
    assert not wizard.test_passed and "ECO" in (wizard.save_blocker() or "")  # the test vouches for its own sender


async def test_step6_saves_the_tested_setup_and_a_reload_is_the_same(wizard: Wizard, tmp_path: Path) -> None:
    await _logged_in(wizard)
    wizard.set_test_to("500 000 000")
    assert wizard.set_low_balance("12,5") is None
    wizard.state.step = "test"
    wizard.save_draft()
    assert draft.load(wizard.config_path)[0] is not None
    result = await wizard.send_test()
    path = wizard.save()
    saved = tomllib.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and saved["account"]["password_md5"] == DEMO_MD5
    assert saved["verified"]["message_id"] == result.message_id and saved["alerts"]["low_balance"] == 12.5
    assert not wizard.unsaved() and draft.load(wizard.config_path)[0] is None  # no draft outlives the save
    reloaded = Wizard(path, wizard.options)
    reloaded.prefill_from_disk()
    assert reloaded.snapshot()[1:-3] == wizard.snapshot()[1:-3] and not reloaded.unsaved()  # the checklist comes back ticked
    await reloaded.aclose()


async def test_a_resume_past_step3_asks_for_the_secret_again_and_the_draft_never_held_it(wizard: Wizard) -> None:
    await _logged_in(wizard)
    wizard.set_sender_mode("eco")
    wizard.set_test_to("600 100 200")
    wizard.state.step = "test"
    wizard.save_draft()
    saved, _ = draft.load(wizard.config_path)
    assert saved is not None and DEMO_MD5 not in json.dumps(saved.values) and "demo-token" not in json.dumps(saved.values)
    fresh = Wizard(wizard.config_path, wizard.options)
    assert fresh.resume(saved) == "credentials"  # the password is typed again; everything else is back
    assert (fresh.setup.username, fresh.setup.test_to, fresh.setup.sender_mode) == ("demo", "600 100 200", "eco")
    assert DEMO_MD5 not in repr(wizard.setup) and DEMO_MD5 not in str(wizard.setup.model_dump())
    await fresh.aclose()

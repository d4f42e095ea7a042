"""The one setup model: the answers file, the saved settings, the draft and the wizard's fields are
views of it, so a rule holds in all of them or in none. Pure units, no Textual, no network."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from sms_tui.settings import answers
from sms_tui.settings.model import Verified
from sms_tui.settings.setup_model import Setup
from sms_tui.smsapi import ClientOptions
from sms_tui.smsapi.auth import AuthMode, Platform
from sms_tui.wizard import Wizard, draft
from tests.conftest import DEMO_MD5
from tests.samples import PRO_TOKEN

TOKEN = "tok-" + "x" * 36


def _full() -> Setup:
    return Setup(checklist={"registered": True}, platform=Platform.COM, secret_kind="md5", username="serwis",
                 password_md5=SecretStr(DEMO_MD5), token=SecretStr(TOKEN), sender_mode="pro", sender_name="AutoSerwis",
                 test_to="600 123 456", test_message="Próba", low_balance=25.5, notify_to="600 100 200", watch="daily")


def test_the_draft_never_holds_a_secret_and_resumes_to_the_same_setup() -> None:
    setup = _full()
    values = setup.draft_values()
    text = json.dumps(values)
    assert DEMO_MD5 not in text and TOKEN not in text
    assert not {"password_md5", "token", "api_url", "notify_command"} & set(values)
    resumed = Setup().with_draft(json.loads(text))
    assert resumed.model_dump(exclude={"password_md5", "token"}) == setup.model_dump(exclude={"password_md5", "token"})
    assert resumed.password_md5 is None and resumed.token is None


@pytest.mark.parametrize(("key", "bad"), [("low_balance", "2.5.1"), ("low_balance", "nan"), ("low_balance", -1),
                                          ("low_balance", True), ("platform", "de"), ("secret_kind", "root"),
                                          ("checklist", "all"), ("sender_mode", 5), ("watch", "weekly"),
                                          ("test_to", 500000000), ("username", None)])
def test_one_bad_value_in_a_draft_leaves_that_field_and_takes_the_rest(key: str, bad: object) -> None:
    base = _full()
    values: dict[str, Any] = {**Setup().draft_values(), "username": "nowy", "test_message": "Inna", key: bad}
    resumed = base.with_draft(values)
    assert getattr(resumed, key) == getattr(base, key)
    if key != "username":
        assert resumed.username == "nowy"
    assert resumed.test_message == "Inna" or key == "test_message"


@pytest.mark.parametrize("typed", ["2.5.1", "nan", "-1", "1e400", "abc"])
def test_a_threshold_is_refused_alike_by_the_wizard_the_model_and_the_answers(typed: str, tmp_path: Path) -> None:
    wizard = Wizard(tmp_path / "s.toml", ClientOptions(api_url="http://127.0.0.1:9/"))
    assert wizard.set_low_balance("5") is None and wizard.setup.low_balance == 5.0
    assert wizard.set_low_balance(typed) is not None and wizard.setup.low_balance == 5.0  # the old value stays
    with pytest.raises(ValidationError):
        Setup(low_balance=typed)  # type: ignore[arg-type]
    raw = tomllib.loads(PRO_TOKEN)
    raw["alerts"] = {"low_balance": typed}
    with pytest.raises(answers.AnswersError):
        answers.from_mapping(raw, env={})


def test_invisible_characters_are_dropped_whichever_way_a_value_comes_in() -> None:
    dirty = "\u200bserwis\ufeff\u00ad "
    assert Setup(username=dirty).username == "serwis"
    assert Setup().with_draft({"username": dirty}).username == "serwis"
    setup = Setup()
    setup.username = dirty
    assert setup.username == "serwis"
    raw = tomllib.loads(PRO_TOKEN.replace('token = "demo-token"', f'username = "{dirty}"\npassword_md5 = "{DEMO_MD5}"'))
    assert answers.from_mapping(raw, env={}).username == "serwis"


def test_answers_settings_and_a_reload_are_one_setup() -> None:
    """Answers → settings → loaded back into a setup → settings again: nothing lost or changed."""
    raw = tomllib.loads(PRO_TOKEN)
    raw["alerts"] = {"low_balance": 12.5, "notify_to": "+48 600 100 200", "notify_command": "/bin/powiadom --sms", "watch": "daily"}
    setup = answers.from_mapping(raw, env={})
    verified = Verified(to=setup.test_number, message_id="1", points=0.16)
    saved = setup.to_settings(verified)
    assert saved.account.auth is AuthMode.TOKEN and saved.account.token is not None
    assert saved.sender.model_dump(exclude_none=True) == {"mode": "pro", "name": "DemoSerwis"}
    assert saved.alerts.notify_to == "48600100200" and saved.alerts.notify_command == ["/bin/powiadom", "--sms"]
    again = Setup.from_settings(saved).to_settings(verified)
    assert again.to_toml_dict() == saved.to_toml_dict()
    assert Setup.from_settings(saved).checklist == dict.fromkeys(Setup().checklist, True)


def test_each_login_kind_keeps_its_own_secret_and_only_the_chosen_one_is_saved() -> None:
    setup = _full()
    assert setup.to_settings(None).account.token is None and setup.secret is not None
    setup.secret_kind = "token"
    saved = setup.to_settings(None).account
    assert saved.password_md5 is None and saved.token is not None and saved.token.get_secret_value() == TOKEN
    setup.secret_kind = "md5"
    assert setup.secret is not None and setup.secret.get_secret_value() == DEMO_MD5


def test_a_draft_written_by_the_wizard_is_the_models_view(tmp_path: Path) -> None:
    path = tmp_path / "draft.json"
    wizard = Wizard(tmp_path / "s.toml", ClientOptions(api_url="http://127.0.0.1:9/"))
    wizard.set_username("serwis")
    wizard.set_secret("md5", DEMO_MD5)
    draft.save({"step": 3, **wizard.setup.draft_values()}, wizard.config_path, path)
    stored = json.loads(path.read_text())["values"]
    assert set(stored) == {"step", *Setup.drafted_fields()} and DEMO_MD5 not in path.read_text()


def test_a_wizard_with_nothing_to_load_builds_no_setup_before_it_is_used(tmp_path: Path) -> None:
    """The first screen over SSH: pydantic (~85 ms) is not loaded until a step needs the setup (then
    ~55 ms, once, on the first step change), and the phone tables not before a number is typed."""
    code = f"""
import sys
from pathlib import Path
from sms_tui.smsapi import ClientOptions
from sms_tui.wizard import Wizard
wizard = Wizard(Path({str(tmp_path / "none.toml")!r}), ClientOptions())
wizard.prefill_from_disk()
wizard.save_draft()
assert not wizard.unsaved() and not wizard.waiting_for_sender()
print("pydantic" in sys.modules)
wizard.set_username("x")
print("pydantic" in sys.modules, wizard.unsaved(), "phonenumbers" in sys.modules)  # no number typed: no phone tables
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True", "False"]

"""Pure units: why a file was refused is said in the technician's language — no tomllib, pydantic
or codec English inside a Polish sentence, and no class name (field test #34)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_tui.i18n import set_language
from sms_tui.i18n.reasons import toml_reason
from sms_tui.settings import answers
from sms_tui.settings import store as settings_store

ENGLISH = ("Input should", "Field required", "Illegal", "Unterminated", "Invalid", "Expected", "codec",
           "Answers", "Cannot", "Unclosed", "RecursionError", "ValueError", "not UTF-8", "Extra inputs")

BROKEN_TOML = [
    'a = "demo\n', 'a = "demo', "a = demo", "= 1", "a 1", "a = 1 b = 2", "[account", "[[a", "a = [1,",
    "a = {b = 1", "a = 1\na = 2", "[t]\n[t]", "a = 2026-13-45", 'a = "C:\\sms"', "a.b = 1\na = 2", "a = {b=1, b=2}", "a = 1\n!",
]


@pytest.fixture(autouse=True)
def polish() -> Iterator[None]:
    set_language("pl")
    yield
    set_language("pl")


@pytest.mark.parametrize("document", BROKEN_TOML)
def test_every_tomllib_message_is_translated(document: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(document)
    reason = toml_reason(caught.value)
    assert not any(word in reason for word in ENGLISH), (document, str(caught.value), reason)


def problems_of(path: Path, body: bytes) -> str:
    path.write_bytes(body)
    with pytest.raises(answers.AnswersError) as caught:
        answers.read(path, env={})
    return " | ".join(caught.value.problems)


@pytest.mark.parametrize("body", [
    b'account = 3\n[test]\nto = "500000000"\n',
    b'[account]\nusername = [5]\n[test]\nto = ["a"]\n',
    b'[account]\nusername = "demo"\npassword_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\n',
    b'[account]\nusername = "demo"\npassword_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\n[sender]\nmode = "x"\n[test]\nto = "500000000"\n',
    b'[account]\nusername = "demo"\npassword_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\n[test]\nto = "500000000"\n[alerts]\nlow_balance = -1\nwatch = true\n',
    b'[account]\nusername = "d\xb1mo"\n',
    b'a = ' + b'[' * 3000 + b']' * 3000 + b'\n',
    b'[account]\nusername = "demo\n',
])
def test_answers_problems_are_polish(tmp_path: Path, body: bytes) -> None:
    text = problems_of(tmp_path / "a.toml", body)
    assert not any(word in text for word in ENGLISH), text


def test_a_missing_section_and_a_choice_are_named(tmp_path: Path) -> None:
    text = problems_of(tmp_path / "a.toml", b'[account]\nusername = "demo"\npassword_md5 = "fe01ce2a7fbac8fafaed7c982a04e229"\n[sender]\nmode = "x"\n')
    assert "test: brak wymaganej sekcji [test]" in text
    assert 'sender.mode: dozwolone wartości: "eco", "pro"' in text


def test_a_cp1250_file_says_how_to_convert_it(tmp_path: Path) -> None:
    text = problems_of(tmp_path / "a.toml", '[account]\nusername = "Łódź"\n'.encode("cp1250"))
    assert "UTF-8" in text and "iconv -f cp1250 -t utf-8" in text


@pytest.mark.parametrize("body", [b'[account]\nusername = "demo\n', b'[account]\nusername = "d\xb1mo"\n',
                                  b'schema = 1\n[account]\nusername = [5]\n', b'a = ' + b'[' * 3000 + b']' * 3000 + b'\n'])
def test_settings_problems_are_polish(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "smsapi.toml"
    path.write_bytes(body)
    path.chmod(0o600)
    with pytest.raises(settings_store.ConfigError) as caught:
        settings_store.load(path)
    text = caught.value.describe()
    assert not any(word in text for word in ENGLISH), text


def test_english_is_english(tmp_path: Path) -> None:
    set_language("en")
    text = problems_of(tmp_path / "a.toml", b'[account]\nusername = [5]\n')
    assert "account.username: should be text in quotes" in text and "the required section [test] is missing" in text

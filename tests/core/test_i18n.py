"""The catalogues as a unit: a sentence never crashes the message it is part of."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from sms_tui import i18n
from sms_tui.i18n import t


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_sentence_formats_without_its_parameters(lang: str) -> None:
    """A caller that forgets a parameter gets "—" in its place, never a KeyError or a raw "{name}"."""
    i18n.set_language(lang)
    for key in i18n.catalogue(lang):
        text = t(key)
        assert "{" not in text.replace("{{", "") or "}" not in text, key


def test_a_missing_parameter_shows_a_dash() -> None:
    i18n.set_language("pl")
    assert t("send.ok", to="48500000000") == "SMS wysłany na 48500000000 (id —, — pkt)"
    assert t("delivery.delivered", time="14:02:08", after="5 s") == "doręczono 14:02:08 (po 5 s)"


def test_an_unknown_key_shows_itself() -> None:
    assert t("no.such.key", name="x") == "no.such.key"


def test_os_errors_speak_the_current_language() -> None:
    import errno

    from sms_tui.i18n import os_reason

    i18n.set_language("pl")
    assert os_reason(IsADirectoryError(errno.EISDIR, "Is a directory")) == "to jest folder, nie plik"
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "brak miejsca na dysku"
    assert os_reason(OSError(errno.EPROTO, "Protocol error")) == "Protocol error"  # not catalogued: the system's text
    i18n.set_language("en")
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == "permission denied"
    i18n.set_language("pl")


def test_a_cut_off_settings_file_names_no_line_zero(tmp_path: object, capsys: object) -> None:
    from pathlib import Path

    from sms_tui.cli import main

    path = Path(str(tmp_path)) / "smsapi.toml"
    path.write_text('[account]\nusername = "demo"\npassword = "')
    path.chmod(0o600)
    assert main(["show", "--config", str(path)]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "uszkodzony:" in err and "wiersz 0" not in err


def test_a_folder_as_settings_is_said_in_polish(tmp_path: object, capsys: object) -> None:
    from sms_tui.cli import main

    assert main(["show", "--config", str(tmp_path)]) == 2
    err = capsys.readouterr().err  # type: ignore[attr-defined]
    assert "Is a directory" not in err and "Operation not permitted" not in err


@pytest.mark.parametrize("length", [1, 22, 24, 31, 33, 40])
def test_counts_read_right_for_any_number(length: int) -> None:
    """Polish counts decline (1 znak, 2 znaki, 5 znaków): the sentences name the number where no noun follows it."""
    import re

    from sms_tui.i18n import translate

    for key, params in (("md5.short_hex", {"length": length}), ("send.too_long", {"units": length}), ("wiz.too_small", {"w": length, "h": length})):
        text = translate("pl", key, **params)
        assert not re.search(rf"\b{length} (znak|znaki|znaków)\b", text), text


def test_catalogues_have_the_same_keys() -> None:
    pl, en = set(i18n.catalogue("pl")), set(i18n.catalogue("en"))
    assert pl == en, f"missing in en: {pl - en}; missing in pl: {en - pl}"


def test_every_used_key_exists() -> None:
    import re

    root = Path(__file__).parents[2] / "sms_tui"
    used: set[str] = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text()))
    missing = {key for key in used if key not in i18n.catalogue("pl")}
    assert not missing


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_error_table_has_messages(lang: str) -> None:
    from sms_tui.smsapi.errors import ERROR_TABLE, Category, message_key

    catalogue = i18n.catalogue(lang)
    for code in [*ERROR_TABLE, 1050, 4100]:
        assert message_key(code) in catalogue, code
    for category in Category:
        assert f"err.do.{category.value}" in catalogue


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_pl_and_en_take_the_same_parameters() -> None:
    """A sentence that names {path} in Polish names it in English too: a parameter one language
    forgets is a fact the technician reading that language never sees."""
    pl, en = i18n.catalogue("pl"), i18n.catalogue("en")
    differ = {key: (_fields(pl[key]), _fields(en[key])) for key in pl if key in en and _fields(pl[key]) != _fields(en[key])}
    assert not differ


def _families() -> dict[str, list[str]]:
    """Every key built at run time, enumerated from the types that build it."""
    from typing import get_args

    from sms_tui import systemd
    from sms_tui.settings import vocabulary
    from sms_tui.smsapi.errors import Category, TransportKind
    from sms_tui.smsapi.models import SenderState
    from sms_tui.watch import monitor, schedule
    from sms_tui.wizard import steps

    return {
        "net.{kind}": [f"net.{kind}" for kind in get_args(TransportKind)],
        "err.do.{category}": [f"err.do.{c.value}" for c in Category],
        "sender.state.{state}": [f"sender.state.{s.value}" for s in SenderState],
        "wiz.sender.status.{key}": [f"wiz.sender.status.{key}" for key in ("active", "pending", "rejected")],
        "watch.{condition}.{state}": [f"watch.{condition}.{state}" for condition, states in monitor.STATES.items()
                                      for state in states if (condition, state) not in monitor.SILENT],
        "schedule.every.{every}": [f"schedule.every.{every}" for every in schedule.EVERY],
        "schedule.installed.{kind}": [f"schedule.installed.{kind}" for kind in get_args(systemd.Kind)],
        "wiz.watch.ask_install.{kind}": [f"wiz.watch.ask_install.{kind}" for kind in get_args(systemd.Kind)],
        "wiz.watch.{value}": [f"wiz.watch.{value}" for value in ("off", "hourly", "daily")],
        "wiz.step.{step}": [f"wiz.step.{step}" for step in steps.STEPS],
        "wiz.{step}.heading": [f"wiz.{step}.heading" for step in steps.STEPS],
        "wiz.help.{step}": [f"wiz.help.{step}" for step in steps.STEPS],
        "wiz.check.{key}": [f"wiz.check.{key}{why}" for key in vocabulary.CHECKLIST for why in ("", ".why")],
        "wiz.cred.{part}.{kind}": [f"wiz.cred.{part}.{kind}" for part in ("kind", "secret", "where") for kind in vocabulary.SECRET_KINDS],
        "diag.wrong_both.{causes}": ["diag.wrong_both.md5", "diag.wrong_both.token"],
        "doctor.mark.{status}": [f"doctor.mark.{status}" for status in ("ok", "warn", "fail")],
    }


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("family", sorted(_families()))
def test_every_key_built_at_run_time_exists(lang: str, family: str) -> None:
    missing = [key for key in _families()[family] if key not in i18n.catalogue(lang)]
    assert not missing

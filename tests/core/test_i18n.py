"""The catalogues as a unit: a sentence never crashes the message it is part of."""

from __future__ import annotations

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

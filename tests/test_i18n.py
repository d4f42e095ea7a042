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

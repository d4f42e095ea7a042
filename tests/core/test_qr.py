"""The precomputed registration QR is exactly what segno makes for the link, and it decodes."""

from __future__ import annotations

import segno

from sms_tui.constants import REGISTRATION_URL
from sms_tui.tui.widgets.qr import qr_matrix, qr_text


def test_precomputed_matrix_matches_segno() -> None:
    expected = [[int(v) for v in row] for row in segno.make(REGISTRATION_URL, error="l", boost_error=False).matrix]
    assert qr_matrix(REGISTRATION_URL) == expected


def test_other_links_are_encoded_on_demand() -> None:
    assert qr_matrix("https://ssl.smsapi.com/") != qr_matrix(REGISTRATION_URL)


def test_half_blocks_fit_the_welcome_screen() -> None:
    lines = qr_text(REGISTRATION_URL).splitlines()
    assert len(lines) <= 16 and {len(line) for line in lines} == {31}
    assert set("".join(qr_text(REGISTRATION_URL, ascii_only=True).splitlines())) <= set('#",  ')

"""The shared SSL context: built once in the background, same policy as httpx, errors at use."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme

from sms_tui.smsapi import tls
from sms_tui.smsapi.errors import BadCaBundle


def test_prepared_context_is_the_one_used() -> None:
    tls.prepare(None)
    first = tls.context(None)
    assert first is tls.context(None)
    assert first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname


def test_ca_bundle_replaces_the_default(tmp_path: Path) -> None:
    pem = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(pem))
    context = tls.context(str(pem))
    assert context is not tls.context(None)
    assert len(context.get_ca_certs()) == 1


def test_ssl_cert_file_is_honoured_like_httpx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pem = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    assert len(tls.context(None).get_ca_certs()) == 1


def test_missing_bundle_raises_at_use_and_can_be_retried(tmp_path: Path) -> None:
    pem = tmp_path / "later.pem"
    tls.prepare(str(pem))
    with pytest.raises(BadCaBundle) as caught:
        tls.context(str(pem))
    assert caught.value.unreadable and caught.value.path == str(pem)
    trustme.CA().cert_pem.write_to_path(str(pem))
    assert len(tls.context(str(pem)).get_ca_certs()) == 1

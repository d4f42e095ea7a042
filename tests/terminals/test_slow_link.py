"""The whole wizard over a slow mobile link: 300 ms each way and 4 KB/s of output. No key is lost
or lands in the wrong field, a lone Esc stays Esc, and the settings saved are the ones typed."""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

from tests.conftest import DEMO_MD5
from tests.slowlink import SlowLink


def _type(link: SlowLink, text: str, pace: float = 0.03) -> None:
    """One write per key, a technician's typing speed."""
    for ch in text:
        link.send(ch.encode())
        time.sleep(pace)


def test_the_wizard_over_a_slow_link(tmp_path: Path) -> None:
    config = tmp_path / "smsapi.toml"
    link = SlowLink([sys.executable, "-m", "sms_tui", "--demo", "--config", str(config)],
                    {"TEXTUAL_ANIMATIONS": "none"}, delay=0.3, rate=4000)
    try:
        link.read_until(b"Krok 1 z 6")
        link.send(b"\x0e")  # Ctrl+N
        link.read_until(b"Krok 2 z 6")
        link.send(b"\x1b")  # a lone Esc: back to step 1 ...
        time.sleep(0.2)
        link.send(b"m")  # ... then M ("I have an account"), not Alt+M
        link.read_until(b"Krok 3 z 6")
        _type(link, "demo\t" + DEMO_MD5)
        link.send(b"\x0e")  # queued behind the typed keys, live check against the sandbox
        link.read_until(b"Krok 4 z 6")
        link.send(b"\x0e")  # ECO
        link.read_until(b"Krok 5 z 6")
        _type(link, "500000000\r\r")  # Enter in the number moves on, Enter in the text sends
        link.read_until("✓".encode())
        link.send(b"\x0e")
        link.read_until(b"Krok 6 z 6")
        link.send(b"\x0e")  # save
        deadline = time.monotonic() + 20
        while not config.exists() and time.monotonic() < deadline:
            link.settle(quiet=0.05, limit=0.2)
        link.send(b"\x0e")  # finish
        assert link.proc.wait(timeout=20) == 0
    finally:
        link.close()
    saved = tomllib.loads(config.read_text())
    assert saved["account"]["username"] == "demo"
    assert saved["account"]["password_md5"] == DEMO_MD5
    assert saved["sender"]["mode"] == "eco"
    assert saved["verified"]["to"] == "48500000000"

"""The outbox as a drop-in for SMS Server Tools 3, against Debian's own scripts — `sendsms`,
`smsresend` and procmail's `formail`, taken from the Debian packages without installing them or
starting any daemon (.ci/run unpacks them into SMSTOOLS_ROOT), changed in nothing but the spool
path: Polish text written as `Alphabet: UCS` reaches SMSAPI as the same UTF-8 text, each message
once; a failed record re-queued by `smsresend` is sent once; an smsd event handler gets
`SENT|FAILED FILE [ID]`; a program polling `sent/NAME` finds its record with smsd's headers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox.spool import Spool
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.outbox.support import wait_for as _wait_for
from tests.samples import NO_LIMITS

pytestmark = pytest.mark.slow
SCRIPTS = "usr/share/doc/smstools/examples/scripts"
# An event handler as one is written for smsd (eventhandler.html): $1 the event, $2 the message
# file, $3 the message id; it reads the file's headers with formail, as smsd's examples do.
HANDLER = """#!/bin/sh
to=`formail -zx To: < "$2"`
echo "$1|$2|$3|$to" >> {log}
"""
CHECK = """#!/bin/sh
# smsd's checkhandler: 0 send, 1 refuse (what it prints is the reason), 2 it changed the file
if grep -q 'ZAKAZANE' "$1"; then echo "blacklisted word"; exit 1; fi
if grep -q 'ZMIEN' "$1"; then sed -i 's/ZMIEN/zmienione/' "$1"; exit 2; fi
exit 0
"""


@pytest.fixture
def smstools() -> Path:
    root = os.environ.get("SMSTOOLS_ROOT")
    if not root or not (Path(root) / SCRIPTS / "sendsms").is_file() or not (Path(root) / "usr/bin/formail").is_file():
        if os.environ.get("CI"):
            pytest.fail("SMSTOOLS_ROOT does not hold Debian's smstools and procmail (.ci/run unpacks them)")
        pytest.skip("Debian's smstools scripts are not unpacked here: apt-get download smstools procmail; dpkg-deb -x each into "
                    "a folder; SMSTOOLS_ROOT=that folder")
    return Path(root)


@pytest.fixture
def shop(tmp_path: Path, sandbox: Sandbox) -> Iterator[tuple[Path, Spool, Path]]:
    """Settings with an own sender name and smsd's hooks, the outbox, and the handler's log."""
    log, handler, check = tmp_path / "events.log", tmp_path / "smsevent", tmp_path / "checkhandler"
    handler.write_text(HANDLER.format(log=log))
    check.write_text(CHECK)
    for script in (handler, check):
        script.chmod(0o755)
    outbox = tmp_path / "spool"
    answers = tmp_path / "answers.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "pro"\nname = "DemoSerwis"\n'
                       f'[test]\nto = "500000000"\n[outbox]\ndir = "{outbox}"\neventhandler = "{handler}"\ncheckhandler = "{check}"\n' + NO_LIMITS)
    config = tmp_path / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 1000.0
    spool = Spool(outbox)
    spool.prepare()
    yield config, spool, log


def _script(smstools: Path, name: str, tmp_path: Path, outbox: Path) -> Path:
    """Debian's script with only its spool path changed (as the peer check did)."""
    text = (smstools / SCRIPTS / name).read_text()
    changed = text.replace("/var/spool/sms/outgoing", str(outbox / "outgoing")).replace("/var/spool/sms/failed", str(outbox / "failed"))
    assert changed.count(str(outbox)) >= 1 and len(changed.splitlines()) == len(text.splitlines())
    copy = tmp_path / name
    copy.write_text(changed)
    copy.chmod(0o755)
    return copy


def _env(smstools: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{smstools / 'usr/bin'}:{os.environ['PATH']}", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def _events(log: Path) -> list[list[str]]:
    return [line.split("|") for line in log.read_text().splitlines()] if log.exists() else []


def test_debians_sendsms_with_polish_text_reaches_smsapi_as_written(smstools: Path, shop: tuple[Path, Spool, Path], sandbox: Sandbox,
                                                                    tmp_path: Path) -> None:
    config, spool, log = shop
    sendsms = _script(smstools, "sendsms", tmp_path, spool.root)
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--config", str(config)], env=_env(smstools),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sent = {"48600100202": "Zażółć gęślą jaźń", "48600100203": "Paczka gotowa. Dziękujemy", "48600100200": "Hello from sendsms"}
    try:
        for number, text in sent.items():
            done = subprocess.run([str(sendsms), number, text], env=_env(smstools), capture_output=True, text=True, timeout=60, check=False)
            assert done.returncode == 0, done.stderr
        done = subprocess.run([str(sendsms), "48600100204", "48600100205", "Two recipients"], env=_env(smstools), capture_output=True,
                              text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        _wait_for(lambda: len(sandbox.outbox) >= 5, "the five messages at SMSAPI")
        _wait_for(lambda: len(_events(log)) >= 5, "the event handler's five calls")
        assert relay.poll() is None
    finally:
        relay.send_signal(signal.SIGTERM)
        _, err = relay.communicate(timeout=60)
    assert relay.returncode == ExitCode.TERMINATED, err
    received = sorted((m.to, m.message) for m in sandbox.outbox)
    expected = sorted([*sent.items(), ("48600100204", "Two recipients"), ("48600100205", "Two recipients")])
    assert received == expected  # the same UTF-8 text, each once — never NUL-filled UTF-16
    records = sorted(os.listdir(spool.folder("sent")))
    assert len(records) == 5 and all(name.startswith("send_") for name in records)  # the names sendsms gave them, as smsd keeps them
    for name in records:
        headers = dict(line.split(": ", 1) for line in (spool.folder("sent") / name).read_text().partition("\n\n")[0].splitlines())
        datetime.strptime(headers["Sent"], "%y-%m-%d %H:%M:%S")  # smsd's default datetime_format
        assert headers["Message_id"] and "Alphabet" not in headers
    calls = _events(log)
    assert sorted(call[0] for call in calls) == ["SENT"] * 5
    assert all(call[1] == str(spool.folder("sent") / Path(call[1]).name) and call[2] and call[3].startswith("486001002") for call in calls), calls


def test_smsresend_sends_a_failed_record_once(smstools: Path, shop: tuple[Path, Spool, Path], sandbox: Sandbox, tmp_path: Path) -> None:
    """The sender name lost its approval, the messages failed (14), SMSAPI approved it again, and
    the technician ran Debian's smsresend: each failed message is sent once, as it was."""
    config, spool, log = shop
    outgoing = spool.folder("outgoing")
    (outgoing / ".order17").write_text("To: 600100300\nX-Order: 17\n\nZamówienie 17 gotowe\n")
    os.rename(outgoing / ".order17", outgoing / "order17")
    sandbox.state.accounts["demo"].senders["DemoSerwis"] = "INACTIVE"
    first = subprocess.run([sys.executable, "-m", "sms_tui", "relay", "--once", "--config", str(config)], capture_output=True, text=True,
                           timeout=120, check=False)
    assert first.returncode == ExitCode.OK, first.stderr
    assert sandbox.outbox == [] and os.listdir(spool.folder("failed")) == ["order17"]  # smsd's name, smsd's headers
    assert _events(log)[0][:2] == ["FAILED", str(spool.folder("failed") / "order17")]
    sandbox.state.accounts["demo"].senders["DemoSerwis"] = "ACTIVE"
    smsresend = _script(smstools, "smsresend", tmp_path, spool.root)
    done = subprocess.run(["sh", str(smsresend)], env=_env(smstools), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "1 messages moved again" in done.stdout, done.stdout + done.stderr
    for _ in range(2):
        again = subprocess.run([sys.executable, "-m", "sms_tui", "relay", "--once", "--config", str(config)], capture_output=True,
                               text=True, timeout=120, check=False)
        assert again.returncode == ExitCode.OK, again.stderr
    assert [(m.to, m.message, m.sender) for m in sandbox.outbox] == [("48600100300", "Zamówienie 17 gotowe", "DemoSerwis")]
    record = (spool.folder("sent") / "order17").read_text()
    assert "X-Order: 17" in record and "Failed:" not in record and "Retry:" not in record  # one message, its old verdict gone


def test_the_checkhandler_as_smsd_runs_it(shop: tuple[Path, Spool, Path], sandbox: Sandbox) -> None:
    config, spool, _ = shop
    outgoing = spool.folder("outgoing")
    for name, text in (("ok", "Zwykla wiadomosc"), ("zakazane", "ZAKAZANE slowo"), ("zmien", "Do ZMIEN tekstu")):
        (outgoing / f".{name}").write_text(f"To: 600100400\n\n{text}\n")
        os.rename(outgoing / f".{name}", outgoing / name)
    done = subprocess.run([sys.executable, "-m", "sms_tui", "relay", "--once", "--json", "--config", str(config)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == ExitCode.OK, done.stderr
    assert sorted(m.message for m in sandbox.outbox) == ["Do zmienione tekstu", "Zwykla wiadomosc"]  # 2: read again after the change
    refused = json.loads(done.stdout)["refused"]
    assert [r["name"] for r in refused] == ["zakazane"] and "blacklisted word" in refused[0]["reason"]  # 1: its words are the reason


def test_smsd_headers_reach_smsapi(shop: tuple[Path, Spool, Path], sandbox: Sandbox) -> None:
    """Flash, Validity and Autosplit as SMSAPI's flash, expiration_date and max_parts; a From: that
    is no sender name of the account (informational in smsd) sends with the settings' sender."""
    config, spool, _ = shop
    outgoing = spool.folder("outgoing")
    files = {"flash": "To: 600100500\nFlash: yes\n\nAlarm\n", "valid": "To: 600100501\nValidity: 2 hours\n\nDo jutra\n",
             "from": "To: 600100502\nFrom: smsd\n\nOd smsd\n", "phone": "To: 600100503\nFrom: 48600000000\n\nOd numeru\n"}
    for name, text in files.items():
        (outgoing / f".{name}").write_text(text)
        os.rename(outgoing / f".{name}", outgoing / name)
    started = time.time()
    done = subprocess.run([sys.executable, "-m", "sms_tui", "relay", "--once", "--config", str(config)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == ExitCode.OK, done.stderr
    got = {m.to: m for m in sandbox.outbox}
    assert got["48600100500"].flash and not got["48600100501"].flash
    assert got["48600100501"].expires is not None and 7100 < got["48600100501"].expires - started < 7300
    assert got["48600100502"].sender == got["48600100503"].sender == "DemoSerwis"
    assert "From_ignored: smsd" in (spool.folder("sent") / "from").read_text()
    assert "From_ignored: 48600000000" in (spool.folder("sent") / "phone").read_text()

"""The outbox over a bad weekend, on real processes against the real sandbox: an answer lost and
then a link down for longer than SMSAPI remembers an idx (the relay's clock moved by faketime, the
sandbox's by its own clock), a relay killed mid-send and started a day later, a clock that was
ahead, a full disk (a real small filesystem), `queue drop` of a message in flight. Never a second
paid SMS, never a wrong "not sent", and the relay never dies of it. Findings 2, 3, 6, 7 and 12."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox.relay import FOLLOW_EVERY
from sms_tui.outbox.rooms import Hold
from sms_tui.outbox.spool import Spool
from sms_tui.sandbox import Sandbox
from sms_tui.sandbox.state import Fault
from tests.conftest import DEMO_MD5, need_tool
from tests.outbox.support import wait_for as _wait_for
from tests.samples import NO_LIMITS

pytestmark = pytest.mark.slow
DAY_AND_AN_HOUR = 25 * 3600
RECORDER = """import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(json.loads(sys.stdin.read())) + "\\n")
"""


@pytest.fixture
def shop(tmp_path: Path, sandbox: Sandbox) -> tuple[Path, Path]:
    """Settings whose owner hears through notify_command (a recorder), and where it writes."""
    recorder, notices = tmp_path / "record.py", tmp_path / "notices.jsonl"
    recorder.write_text(RECORDER)
    answers = tmp_path / "answers.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n' + NO_LIMITS
                       + f"[alerts]\nnotify_command = {json.dumps([sys.executable, str(recorder), str(notices)])}\n")
    config = tmp_path / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 1000.0
    with sandbox.state.lock:
        sandbox.state.requests.clear()
    return config, notices


def _sends(sandbox: Sandbox) -> int:
    with sandbox.state.lock:
        return sum(1 for _, path in sandbox.state.requests if path == "/sms.do")


def _killed_mid_send(sandbox: Sandbox, config: Path, spool: Spool, text: str) -> str:
    """A message SMSAPI accepted while its relay was SIGKILLed before it learnt (or recorded) so."""
    message_id = spool.drop("500100200", text)
    sandbox.state.inject(Fault("delay", "/sms.do", seconds=60))  # held until the relay is dead
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: _sends(sandbox) >= 1, "the send to reach the sandbox")
    relay.send_signal(signal.SIGKILL)
    relay.wait(timeout=30)
    sandbox.let_go()
    _wait_for(lambda: len(sandbox.outbox) == 1, "the sandbox to accept it")
    return message_id


def _spool() -> Spool:
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    return spool


def _faketime(offset: str | None) -> list[str]:
    if offset is None:
        return []
    return [need_tool("faketime", "faketime", "moving the relay's clock"), "-f", offset]


def _relay(sandbox: Sandbox, config: Path, *args: str, clock: str | None = None) -> subprocess.CompletedProcess[str]:
    """`relay --once` as its own process, its clock moved by `clock` (faketime's "+25h")."""
    return subprocess.run([*_faketime(clock), sys.executable, "-m", "sms_tui", "relay", "--once", *args, "--api-url", sandbox.url,
                           "--config", str(config)], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "LANG": "pl_PL.UTF-8"})


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def _notices(path: Path) -> list[str]:
    return [json.loads(line)["event"] for line in path.read_text().splitlines()] if path.exists() else []


def test_an_answer_lost_and_a_day_long_outage_never_send_twice(shop: tuple[Path, Path], sandbox: Sandbox,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    config, notices = shop
    spool = _spool()
    message_id = spool.drop("500100200", "Samochód gotowy do odbioru")
    sandbox.state.inject(Fault("drop_after", "/sms.do"))  # accepted, and the answer lost on the way back
    first = _relay(sandbox, config)
    assert first.returncode == ExitCode.OK, first.stderr
    assert _sends(sandbox) == 1 and len(sandbox.outbox) == 1 and list(spool.ids()) == [message_id]
    assert spool.state(message_id).uncertain_since is not None
    sandbox.state.advance(DAY_AND_AN_HOUR)  # SMSAPI forgets the idx after 24 h; the link was down all along
    runs = [_relay(sandbox, config, clock="+25h") for _ in range(2)]
    assert [run.returncode for run in runs] == [ExitCode.OK, ExitCode.OK], runs[0].stderr
    assert len(sandbox.outbox) == 1  # not sent again: SMSAPI would have taken it as a new, paid SMS
    assert f"queue resend {message_id}" in runs[0].stderr and "panelu SMSAPI" in runs[0].stderr
    assert _notices(notices) == ["outbox.uncertain"]  # the owner told once
    code, listed = _cli(capsys, "queue", "--config", str(config))
    row = listed["waiting"][0]
    assert code == ExitCode.OK and row["state"] == "check" and row["may_have_been_sent"] and row["next_try"] is None
    _cli(capsys, "queue", "retry", "--config", str(config))  # a retry of everything does not touch it
    assert _relay(sandbox, config, clock="+25h").returncode == ExitCode.OK and len(sandbox.outbox) == 1
    code, resent = _cli(capsys, "queue", "resend", message_id, "--config", str(config))  # a human looked: not in the panel
    assert code == ExitCode.OK and resent["resent"] == [message_id]
    assert _relay(sandbox, config, clock="+25h").returncode == ExitCode.OK
    assert len(sandbox.outbox) == 2 and (spool.folder("sent") / f"{message_id}.sms").exists() and not list(spool.ids())


def test_a_relay_killed_mid_send_and_started_a_day_later_does_not_send_again(shop: tuple[Path, Path], sandbox: Sandbox) -> None:
    config, _ = shop
    spool = _spool()
    message_id = _killed_mid_send(sandbox, config, spool, "Faktura do zapłaty")
    assert list(spool.ids()) == [message_id]
    sandbox.state.advance(DAY_AND_AN_HOUR)
    later = _relay(sandbox, config, clock="+25h")
    assert later.returncode == ExitCode.OK, later.stderr
    assert len(sandbox.outbox) == 1 and spool.state(message_id).check  # held for a look at the panel, not sent blindly
    within_a_day = _relay(sandbox, config)  # the same relay a few seconds on: retried with its idx, "already accepted"
    assert within_a_day.returncode == ExitCode.OK and len(sandbox.outbox) == 1


def test_a_kill_within_the_day_is_settled_by_the_idx(shop: tuple[Path, Path], sandbox: Sandbox) -> None:
    config, _ = shop
    spool = _spool()
    message_id = _killed_mid_send(sandbox, config, spool, "Przypomnienie o wizycie")
    again = _relay(sandbox, config)
    assert again.returncode == ExitCode.OK, again.stderr
    record = (spool.folder("sent") / f"{message_id}.sms").read_text()
    assert "Already_accepted: yes" in record and len(sandbox.outbox) == 1  # SMSAPI still knew the idx
    assert not (spool.folder("queue") / f"{message_id}.json").exists()  # no state left behind


def test_a_clock_that_was_ahead_strands_nothing(shop: tuple[Path, Path], sandbox: Sandbox) -> None:
    config, _ = shop
    spool = _spool()
    spool.drop("500100200", "Zegar z przyszłości")
    sandbox.state.inject(Fault("http500", "/sms.do"))
    ahead = _relay(sandbox, config, clock="+30d")  # a server booted with its clock a month ahead, the link not up yet
    assert ahead.returncode == ExitCode.OK, ahead.stderr
    assert len(sandbox.outbox) == 0 and len(list(spool.ids())) == 1
    assert _relay(sandbox, config).returncode == ExitCode.OK  # the clock right again: due now, not in 30 days
    assert [m.message for m in sandbox.outbox] == ["Zegar z przyszłości"]
    spool.save_hold(Hold(reason="Brak punktów", code=103, until=time.time() + 30 * 86400))  # a hold set by that clock
    spool.drop("500100200", "Po wstrzymaniu")
    assert _relay(sandbox, config).returncode == ExitCode.OK
    assert sorted(m.message for m in sandbox.outbox) == ["Po wstrzymaniu", "Zegar z przyszłości"]


def test_queue_drop_of_a_message_in_flight_never_says_it_was_not_sent(shop: tuple[Path, Path], sandbox: Sandbox,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    config, _ = shop
    spool = _spool()
    first = spool.drop("500100200", "W locie")
    waiting = spool.drop("500100200", "Nie pobrany")
    code, listed = _cli(capsys, "queue", "--config", str(config))  # no relay ran yet: still in outgoing/, and said so
    assert code == ExitCode.OK and [a["name"] for a in listed["arrived"]] == [first, waiting]
    assert _cli(capsys, "queue", "drop", waiting, "--config", str(config))[0] == ExitCode.OK  # never taken: gone, surely not sent
    sandbox.state.inject(Fault("delay", "/sms.do", seconds=2))
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _sends(sandbox) >= 1, "the send to be in flight")
        code, dropped = _cli(capsys, "queue", "drop", first, "--config", str(config))
        assert code == ExitCode.USAGE and dropped["outcome"] == "sent"  # it waited for the answer: sent, not "not sent"
        assert (spool.folder("sent") / f"{first}.sms").exists()
        assert relay.poll() is None  # the relay goes on
    finally:
        relay.send_signal(signal.SIGTERM)
        _, err = relay.communicate(timeout=60)
    assert relay.returncode == ExitCode.TERMINATED, err
    assert [m.message for m in sandbox.outbox] == ["W locie"]


@contextlib.contextmanager
def _small_disk(where: Path) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a real small filesystem needs root (mount)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"mount is not allowed here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_a_full_disk_sends_nothing_it_cannot_record(shop: tuple[Path, Path], sandbox: Sandbox, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    config, notices = shop
    with _small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("SMS_TUI_OUTBOX", str(disk / "outbox"))
        spool = _spool()
        texts = [f"Na pełnym dysku {n}" for n in range(10)]
        for text in texts:
            spool.drop("500100200", text)
        fd = os.open(disk / "fill", os.O_WRONLY | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * 4096):
                pass
        os.close(fd)
        for _ in range(2):
            full = _relay(sandbox, config)
            assert full.returncode == ExitCode.USAGE, full.stdout + full.stderr
            assert str(disk / "outbox") in full.stderr and "Zwolnij" in full.stderr and "Cannot use -" not in full.stderr
            assert _sends(sandbox) == 0  # nothing sent that could not be recorded
        assert _notices(notices) == ["outbox.disk", "outbox.disk"]  # each run is told (a service tells once while it lasts)
        os.unlink(disk / "fill")
        freed = _relay(sandbox, config)
        assert freed.returncode == ExitCode.OK, freed.stderr
        assert sorted(m.message for m in sandbox.outbox) == sorted(texts)
        assert len(os.listdir(spool.folder("sent"))) == 10


def test_a_message_dropped_during_the_first_pass_leaves_at_once(shop: tuple[Path, Path], sandbox: Sandbox) -> None:
    """The relay watches the drop folder before its first look: a file that arrives while the first
    pass is sending is sent by the very next pass. The watch used to start after the first pass, so
    that arrival went unseen until something else fell due: the delivery read 15 s later. The bound
    is no measurement: the arrival takes milliseconds, the next thing due is 15 s away."""
    config, _ = shop
    spool = _spool()
    first = spool.drop("500100200", "Pierwsza")
    spool.claim()
    sandbox.state.inject(Fault("delay", "/sms.do", seconds=60, times=1))  # the first pass held until the second file is there
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _sends(sandbox) >= 1, "the first send to be in flight")
        spool.drop("500100200", "W trakcie pierwszego przejścia")
        sandbox.let_go()
        _wait_for(lambda: len(sandbox.outbox) == 2, "the second message at SMSAPI before anything else fell due", timeout=FOLLOW_EVERY - 5)
        assert (spool.folder("sent") / f"{first}.sms").exists()
    finally:
        relay.send_signal(signal.SIGTERM)
        relay.communicate(timeout=60)


def test_a_message_removed_under_the_relay_mid_send_is_recorded(shop: tuple[Path, Path], sandbox: Sandbox) -> None:
    """`rm` of a queued file while its request is out (by hand, as root): the relay records the
    send from what it read and goes on — no "free disk space", no exit."""
    config, _ = shop
    spool = _spool()
    first = spool.drop("500100200", "Usunięta w locie")
    spool.claim()
    sandbox.state.inject(Fault("delay", "/sms.do", seconds=60))  # held until the file is gone
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _sends(sandbox) >= 1, "the send to be in flight")
        os.unlink(spool.folder("queue") / f"{first}.sms")
        sandbox.let_go()
        _wait_for(lambda: (spool.folder("sent") / f"{first}.sms").exists(), "the record of the send")
        second = spool.drop("500100200", "Następna")
        _wait_for(lambda: (spool.folder("sent") / f"{second}.sms").exists(), "the next message")
        assert relay.poll() is None
    finally:
        relay.send_signal(signal.SIGTERM)
        _, err = relay.communicate(timeout=60)
    assert relay.returncode == ExitCode.TERMINATED, err
    assert "Usunięta w locie" in (spool.folder("sent") / f"{first}.sms").read_text()
    assert sorted(m.message for m in sandbox.outbox) == ["Następna", "Usunięta w locie"]

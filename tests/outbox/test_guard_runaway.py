"""The money guard against a real runaway program, on real processes: the relay as a service, the
sandbox as SMSAPI, a program that drops 5,000 messages to one number and 5,000 to distinct
numbers as fast as it can, `send` run twice at the same moment. Exactly the configured amounts
reach SMSAPI, the rest wait for a human, the owner is told once, `queue release ID…` sends those
once and no other, `queue release` frees all the rest, a restart keeps the counts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox.spool import Spool
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.outbox.support import wait_for

pytestmark = pytest.mark.slow
ONE = "48500100200"
RECORDER = """import json, sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(json.dumps(json.loads(sys.stdin.read())) + "\\n")
"""
RUNAWAY = """import os, sys
outgoing, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for n in range(start, start + count):  # a loop gone wrong: every order texted, one number texted over and over
    for name, to, text in ((f"one-{n}", "48500100200", f"Zamowienie {n} gotowe"), (f"many-{n}", f"4869{n:07d}", f"Zamowienie {n} gotowe")):
        with open(os.path.join(outgoing, "." + name), "w", encoding="utf-8") as f:
            f.write(f"To: {to}\\n\\n{text}\\n")
        os.rename(os.path.join(outgoing, "." + name), os.path.join(outgoing, name))
"""


@pytest.fixture
def shop(tmp_path: Path, sandbox: Sandbox) -> tuple[Path, Path]:
    recorder, notices = tmp_path / "record.py", tmp_path / "notices.jsonl"
    recorder.write_text(RECORDER)
    answers = tmp_path / "answers.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n'
                       f"[alerts]\nnotify_command = {json.dumps([sys.executable, str(recorder), str(notices)])}\n"
                       "[guard]\nper_recipient_day = 3\nper_hour = 40\npoints_day = 0\npoints_month = 0\n")
    config = tmp_path / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 5000.0
    return config, notices


def _relay(config: Path, sandbox: Sandbox) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stop(relay: subprocess.Popen[str]) -> None:
    relay.send_signal(signal.SIGTERM)
    _, err = relay.communicate(timeout=120)
    assert relay.returncode == ExitCode.TERMINATED, err


def _queue(config: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    capsys.readouterr()
    main(["queue", *argv, "--json", "--config", str(config)])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _guarded(spool: Spool) -> int:
    return sum(1 for message_id in spool.ids() if spool.state(message_id).guarded is not None)


def _claimed(spool: Spool) -> bool:
    """Nothing left in outgoing/ (a listing: cheap while 10,000 messages are being held)."""
    return not [name for name in os.listdir(spool.folder("outgoing")) if not name.startswith(".")]


def test_a_runaway_program_spends_only_the_limits_and_a_human_releases_the_rest(
        shop: tuple[Path, Path], sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    config, notices = shop
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    relay = _relay(config, sandbox)
    try:
        subprocess.run([sys.executable, "-c", RUNAWAY, str(spool.folder("outgoing")), "0", "5000"], check=True, timeout=300)
        wait_for(lambda: _claimed(spool) and len(sandbox.outbox) >= 40, "every message taken from outgoing/", timeout=600, every=0.2)
        wait_for(lambda: _guarded(spool) == 10_000 - 40, "every message sent or held", timeout=600, every=0.5)
        _stop(relay)
        assert len(sandbox.outbox) == 40  # per_hour: the whole shop
        assert Counter(m.to for m in sandbox.outbox)[ONE] == 3  # per_recipient_day: the one number
        told = [json.loads(line) for line in notices.read_text().splitlines()]
        assert [n["event"] for n in told] == ["outbox.guarded"]  # once, whatever was held after
        assert "sms-tui queue release" in told[0]["text"] and told[0]["held"] >= 1
        listed = _queue(config, capsys)
        assert Counter(row["state"] for row in listed["waiting"]) == {"guarded": 9960}  # type: ignore[union-attr]

        relay = _relay(config, sandbox)  # a restart keeps the counts: one more is held, not sent
        subprocess.run([sys.executable, "-c", RUNAWAY, str(spool.folder("outgoing")), "5000", "1"], check=True, timeout=60)
        wait_for(lambda: _guarded(spool) == 9962, "the two new messages held", every=0.2)
        assert len(sandbox.outbox) == 40

        rows = _queue(config, capsys)["waiting"]
        chosen = [r["id"] for r in rows if r["to"] == ONE][:30] + [r["id"] for r in rows if r["to"] != ONE][:30]  # type: ignore[union-attr]
        released = _queue(config, capsys, "release", *chosen)
        assert sorted(released["released"]) == sorted(chosen)  # type: ignore[arg-type]
        wait_for(lambda: len(sandbox.outbox) == 100 and not set(chosen) & set(spool.ids()), "the 60 released messages sent")
        _stop(relay)
        assert len(sandbox.outbox) == 100 and _guarded(spool) == 9902  # those 60 and no other
        rest = _queue(config, capsys, "release")
        assert len(rest["released"]) == 9902  # type: ignore[arg-type]
        assert not [row for row in _queue(config, capsys)["waiting"] if row["state"] == "guarded"]  # type: ignore[union-attr]
    finally:
        if relay.poll() is None:
            _stop(relay)
    texts = Counter((m.to, m.message) for m in sandbox.outbox)
    assert len(texts) == 100 and set(texts.values()) == {1}  # each exactly once
    assert Counter(m.to for m in sandbox.outbox)[ONE] == 33  # the 3 the limit let through and the 30 released
    assert [json.loads(line)["event"] for line in notices.read_text().splitlines()] == ["outbox.guarded"]  # the spell's one notice


def test_send_processes_racing_the_relay_never_pass_a_limit_together(
        tmp_path: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n'
                       "[guard]\nper_hour = 20\nper_recipient_day = 0\npoints_day = 0\npoints_month = 0\n")
    config = tmp_path / "smsapi.toml"
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    sandbox.state.accounts["demo"].points = 1000.0
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    loop = ("import subprocess, sys\n"
            "for n in range(15):\n"
            "    subprocess.run([sys.executable, '-m', 'sms_tui', 'send', '--to', f'4879{sys.argv[1]}{n:06d}', '--message', f'Nr {n}',"
            " '--api-url', sys.argv[2], '--config', sys.argv[3]], capture_output=True)\n")
    relay = _relay(config, sandbox)
    try:
        senders = [subprocess.Popen([sys.executable, "-c", loop, str(k), sandbox.url, str(config)]) for k in (1, 2)]
        subprocess.run([sys.executable, "-c", RUNAWAY, str(spool.folder("outgoing")), "0", "8"], check=True, timeout=60)
        for sender in senders:
            assert sender.wait(timeout=300) == 0
        relayed = lambda: sum(1 for m in sandbox.outbox if m.message.startswith("Zamowienie"))  # noqa: E731
        wait_for(lambda: relayed() + _guarded(spool) == 16, "each of the outbox's 16 sent or held")
    finally:
        _stop(relay)
    assert len(sandbox.outbox) == 20  # 30 from two `send` loops and 16 from the outbox, at once: the limit, not one more

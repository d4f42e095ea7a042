"""The relay against the real sandbox: a backlog sent through an outage exactly once, a file that
can never be sent set aside while the rest go on, an account that refuses holding the queue and
telling the owner once, and `send --queue` / `queue` as a shop's program and a technician use them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from sms_tui.base.locks import locked
from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.outbox.spool import Spool
from sms_tui.rules import md5_hex
from sms_tui.sandbox import Sandbox
from sms_tui.sandbox.state import Fault
from tests.samples import ECO_MD5, NO_LIMITS, answers_file


@pytest.fixture
def config(tmp_path: Path, sandbox: Sandbox) -> Path:
    path = tmp_path / "smsapi.toml"
    assert main(["apply", answers_file(tmp_path, ECO_MD5 + NO_LIMITS), "--api-url", sandbox.url, "--config", str(path)]) == ExitCode.OK
    sandbox.state.outbox.clear()  # the test SMS of the set-up: only the outbox's messages are counted
    sandbox.state.accounts["demo"].points = 1000.0  # a backlog costs more than the demo account's 10 points
    return path


@pytest.fixture
def spool() -> Spool:
    spool = Spool(Path(os.environ["SMS_TUI_OUTBOX"]))
    spool.prepare()
    return spool


def _cli(config: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main([*argv, "--json", "--api-url", sandbox.url, "--config", str(config)])
    return code, json.loads(capsys.readouterr().out)


def _drain(config: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str], spool: Spool, passes: int = 40) -> int:
    """Passes until nothing waits; `queue retry` between them stands for the pauses' passing."""
    for done in range(1, passes + 1):
        _cli(config, sandbox, capsys, "relay", "--once")
        if not list(spool.ids()) and not os.listdir(spool.folder("outgoing")):
            return done
        _cli(config, sandbox, capsys, "queue", "retry")
    raise AssertionError(f"still waiting after {passes} passes: {list(spool.ids())[:5]}")


def test_a_backlog_through_an_outage_is_delivered_exactly_once(config: Path, sandbox: Sandbox, spool: Spool,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    texts = [f"Zamówienie {n} gotowe do odbioru" for n in range(200)]
    for text in texts:
        spool.drop("500100200", text)
    for fault in (Fault("http503", "/sms.do", times=150), Fault("drop_after", "/sms.do", times=150),
                  Fault("drop_before", "/sms.do", times=100)):
        sandbox.state.inject(fault)
    code, first = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.OK and first["claimed"] and first["retrying"]  # the link is down: kept, not failed
    assert first["failed"] == [] and len(list(spool.ids())) + len(first["sent"]) == 200
    _drain(config, sandbox, capsys, spool)
    delivered = [m.message for m in sandbox.outbox]
    assert sorted(delivered) == sorted(texts)  # every one, none twice
    assert len(os.listdir(spool.folder("sent"))) == 200 and os.listdir(spool.folder("failed")) == []
    code, listed = _cli(config, sandbox, capsys, "queue")
    assert code == ExitCode.OK and listed["waiting"] == [] and listed["failed"] == []


def test_an_order_of_arrival_and_a_record_of_each_send(config: Path, sandbox: Sandbox, spool: Spool,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    ids = [spool.drop("500100200", f"kolejny {n}") for n in range(5)]
    code, done = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.OK and sorted(done["sent"]) == ids  # started in order of arrival, 4 at a time
    assert sorted(m.message for m in sandbox.outbox) == [f"kolejny {n}" for n in range(5)]
    sent = (spool.folder("sent") / f"{ids[0]}.sms").read_text()  # in sent/ at once, with what SMSAPI said
    assert sent.endswith("\nkolejny 0\n") and all(f"{h}: " in sent for h in ("Sent", "Message_id", "Points")) and "Status:" not in sent
    sandbox.state.advance(10)  # the sandbox's messages reach the phone
    _cli(config, sandbox, capsys, "relay", "--once")
    record = (spool.folder("sent") / f"{ids[0]}.sms").read_text()
    assert all(f"{h}: " in record for h in ("Sent", "Message_id", "Points", "Status")) and "Status: DELIVERED" in record
    assert record.endswith("\nkolejny 0\n") and os.listdir(spool.folder("follow")) == []  # the record complete, nothing left to follow


def test_a_record_whose_update_a_crash_cut_short_is_mended_from_the_follow_log(config: Path, sandbox: Sandbox, spool: Spool,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The relay killed between moving a message to sent/ and writing what SMSAPI said into it:
    the follow log has the same headers, and the next pass puts them into the record."""
    message_id = "20261207T100000000000-abcdef"
    (spool.folder("sent") / f"{message_id}.sms").write_text("To: 48500100200\n\nsprzed aktualizacji\n")
    line = {"id": message_id, "message_id": "", "headers": {"Sent": "2026-12-07T10:00:01Z", "Message_id": "", "Points": "0",
                                                           "Already_accepted": "yes"}}
    (spool.folder("follow") / "20261207T100001000000-000000.log").write_text(json.dumps(line) + "\n")
    code, _ = _cli(config, sandbox, capsys, "relay", "--once")
    record = (spool.folder("sent") / f"{message_id}.sms").read_text()
    assert code == ExitCode.OK and "Sent: 2026-12-07T10:00:01Z\n" in record and "Already_accepted: yes\n" in record
    assert record.endswith("\n\nsprzed aktualizacji\n") and os.listdir(spool.folder("follow")) == []


def test_files_that_can_never_be_sent_are_set_aside_and_the_rest_go_on(config: Path, sandbox: Sandbox, spool: Spool,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    outgoing = spool.folder("outgoing")
    bad = {
        "no-to": b"From: ECO\n\nBez numeru",
        "landline": b"To: 22 123 45 67\n\nDo biura",
        "cp1250": b"To: 500100200\n\nZam\xf3wienie",
        "no-blank": b"To: 500100200",
        "huge": b"To: 500100200\n\n" + b"x" * 20000,
    }
    young = outgoing / "young-no-blank"
    young.write_bytes(b"To: 500100200")  # just written in place: maybe the rest is coming
    a_minute_ago = time.time() - 60
    for name, data in bad.items():
        (outgoing / name).write_bytes(data)
        os.utime(outgoing / name, (a_minute_ago, a_minute_ago))  # written a while ago: what there is, is all
    (outgoing / "link").symlink_to("/etc/passwd")
    (outgoing / "folder").mkdir()
    (outgoing / ".still-writing").write_bytes(b"To: 500100200\n\nniegotowe")
    good = spool.drop("500100200", "Ten dochodzi")
    code, done = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.OK and done["sent"] == [good] and [m.message for m in sandbox.outbox] == ["Ten dochodzi"]
    refused = {r["name"]: r["reason"] for r in done["refused"]}
    assert set(refused) == {*bad, "link", "folder"}
    assert "To:" in refused["no-to"] and "UTF-8" in refused["cp1250"] and "dowiązanie" in refused["link"]
    assert sorted(os.listdir(outgoing)) == [".still-writing", "young-no-blank"]  # a dot name is never read; a young half file waits
    failed = spool.folder("failed")
    records = [n for n in os.listdir(failed) if not n.endswith(".dir")]
    assert sorted(records) == sorted([*bad, "link", "folder"])  # each record keeps the file's name, as smsd's do
    assert all("Fail_reason: " in (failed / n).read_text(errors="replace") for n in records)
    _cli(config, sandbox, capsys, "relay", "--once")
    assert len(sandbox.outbox) == 1  # never retried


def test_an_account_that_refuses_holds_the_queue_and_the_owner_is_told_once(tmp_path: Path, sandbox: Sandbox, spool: Spool,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    told = tmp_path / "told.jsonl"
    script = tmp_path / "powiadom"
    script.write_text(f"#!/bin/sh\ncat >> {told}\necho >> {told}\n")
    script.chmod(0o755)
    config = tmp_path / "pusty.toml"  # the sandbox's account with no points: error 103
    config.write_text(f'schema = 1\n[account]\nusername = "pusty"\npassword_md5 = "{md5_hex("pusty")}"\n'
                      f'[alerts]\nnotify_command = ["{script}"]\n')
    ids = [spool.drop("500100200", f"czeka {n}") for n in range(3)]
    code, first = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.REFUSED and first["held"]["code"] == 103 and first["failed"] == []
    assert sorted(spool.ids()) == ids and sandbox.outbox == []  # held, not failed: nothing lost
    notices = [json.loads(line) for line in told.read_text().splitlines() if line.strip()]
    assert [n["event"] for n in notices] == ["outbox.held"] and "3" in notices[0]["text"]
    for _ in range(2):  # still held: not even tried, and nobody told twice
        code, again = _cli(config, sandbox, capsys, "relay", "--once")
        assert code == ExitCode.REFUSED and again["sent"] == []
    _cli(config, sandbox, capsys, "queue", "retry")  # the technician tries again: refused again, told already
    code, _ = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.REFUSED and len([line for line in told.read_text().splitlines() if line.strip()]) == 1
    code, listed = _cli(config, sandbox, capsys, "queue")
    assert [row["state"] for row in listed["waiting"]] == ["held", "held", "held"] and listed["held"]["code"] == 103
    assert all(row["next_try"] > 60 for row in listed["waiting"])  # the hold's end (5 min), not "due now"
    # Kept as data, described when shown: a hold the relay wrote in Polish reads in English with --lang en.
    assert spool.hold().reason == {"key": "smsapi", "params": {"code": 103, "server": first["held"]["reason"]["params"]["server"]}}
    code, english = _cli(config, sandbox, capsys, "queue", "--lang", "en")
    assert "points" in english["held"]["reason_text"].lower() and "punkt" not in english["held"]["reason_text"].lower()
    assert all("punkt" not in row["last_reason"].lower() for row in english["waiting"])


def test_send_queue_drops_a_checked_message(config: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, queued = _cli(config, sandbox, capsys, "send", "--queue", "--to", "500 100 200", "--message", "Z programu sklepu")
    assert code == ExitCode.OK and queued["id"]
    code, refused = _cli(config, sandbox, capsys, "send", "--queue", "--to", "22 123 45 67", "--message", "Na stacjonarny")
    assert code == ExitCode.USAGE and refused["problems"]
    code, done = _cli(config, sandbox, capsys, "relay", "--once")
    assert done["sent"] == [queued["id"]] and [m.message for m in sandbox.outbox] == ["Z programu sklepu"]
    code, _ = _cli(config, sandbox, capsys, "queue", "drop", "nie-ma-takiego")
    assert code == ExitCode.USAGE


def test_a_notice_that_could_not_go_out_is_tried_again(tmp_path: Path, sandbox: Sandbox, spool: Spool,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    told, first = tmp_path / "told.jsonl", tmp_path / "first-try"
    script = tmp_path / "powiadom"
    script.write_text(f'#!/bin/sh\nif [ ! -f {first} ]; then touch {first}; exit 1; fi\ncat >> {told}\necho >> {told}\n')
    script.chmod(0o755)  # the mail server is down the first time
    config = tmp_path / "pusty.toml"
    config.write_text(f'schema = 1\n[account]\nusername = "pusty"\npassword_md5 = "{md5_hex("pusty")}"\n'
                      f'[alerts]\nnotify_command = ["{script}"]\n')
    spool.drop("500100200", "czeka")
    code, held = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.REFUSED and first.exists() and not told.exists()
    assert any(s["step"] == "notify" for s in held["steps"])  # said: the owner was not reached
    for _ in range(2):  # the next refusals: told once, then not again
        _cli(config, sandbox, capsys, "queue", "retry")
        _cli(config, sandbox, capsys, "relay", "--once")
    assert len([line for line in told.read_text().splitlines() if line.strip()]) == 1


def test_a_hostile_file_name_reaches_no_terminal_and_forges_no_header(config: Path, sandbox: Sandbox, spool: Spool,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    name = "bad-\x1b]0;OWNED\x07\x1b[2Jname\nTo: 600999999"
    (spool.folder("outgoing") / name).write_bytes(b"From: ECO\n\nbez numeru\n")
    os.utime(spool.folder("outgoing") / name, (time.time() - 60, time.time() - 60))
    capsys.readouterr()
    main(["relay", "--once", "--api-url", sandbox.url, "--config", str(config)])
    said = capsys.readouterr()
    assert "\x1b" not in said.out + said.err and "\\x1b]0;OWNED" in said.err
    (record,) = os.listdir(spool.folder("failed"))
    headers = (spool.folder("failed") / record).read_text().partition("\n\n")[0].split("\n")
    assert [h.split(":")[0] for h in headers] == ["From", "Original_name", "Failed", "Fail_reason"]  # no forged To:
    _, listed = _cli(config, sandbox, capsys, "queue")
    assert listed["failed"][0]["to"] is None


def test_a_name_the_queue_knows_is_a_new_message(config: Path, sandbox: Sandbox, spool: Spool,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A failed record dropped again by hand under its id (`mv failed/ID.sms outgoing/ID`) is sent,
    not deleted as "taken already" (finding 13); a claim a crash cut short is still recognised."""
    first = spool.drop("22 123 45 67", "Na stacjonarny")  # refused by SMSAPI's rules: into failed/
    _cli(config, sandbox, capsys, "relay", "--once")
    assert (spool.folder("failed") / f"{first}.sms").exists()
    record = (spool.folder("failed") / f"{first}.sms").read_bytes()
    again = record.replace(b"To: 48221234567", b"To: 500100200").replace(b"To: 22 123 45 67", b"To: 500100200")
    (spool.folder("outgoing") / f".{first}").write_bytes(again)
    os.rename(spool.folder("outgoing") / f".{first}", spool.folder("outgoing") / first)
    code, done = _cli(config, sandbox, capsys, "relay", "--once")
    assert code == ExitCode.OK and len(done["sent"]) == 1 and done["sent"][0] != first
    assert [m.message for m in sandbox.outbox] == ["Na stacjonarny"]
    # A claim cut short: the queue has the copy and the original is still in outgoing/: taken once.
    second = spool.drop("500100200", "Raz")
    spool.claim()
    queued = (spool.folder("queue") / f"{second}.sms").read_bytes()
    (spool.folder("outgoing") / f".{second}").write_bytes(queued)
    os.rename(spool.folder("outgoing") / f".{second}", spool.folder("outgoing") / second)
    _cli(config, sandbox, capsys, "relay", "--once")
    assert sorted(m.message for m in sandbox.outbox) == ["Na stacjonarny", "Raz"]


def test_no_state_is_left_behind(config: Path, sandbox: Sandbox, spool: Spool, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [spool.drop("500100200", f"stan {n}") for n in range(3)]
    _cli(config, sandbox, capsys, "relay", "--once")  # claimed
    sandbox.state.inject(Fault("http503", "/sms.do", times=1))
    spool.drop("500100200", "stan 3")
    _cli(config, sandbox, capsys, "queue", "retry")  # never-tried messages given a state
    _drain(config, sandbox, capsys, spool)
    assert [n for n in os.listdir(spool.folder("queue")) if n != "attempts.log"] == []  # no orphan state files
    assert sorted(m.message for m in sandbox.outbox) == [f"stan {n}" for n in range(4)] and ids


def test_doctor_looks_at_the_outbox(config: Path, sandbox: Sandbox, spool: Spool, capsys: pytest.CaptureFixture[str]) -> None:
    def outbox() -> list[dict[str, Any]]:
        _, said = _cli(config, sandbox, capsys, "doctor")
        return [step for step in said["steps"] if step["step"] == "outbox"]

    assert [s["status"] for s in outbox()] == ["ok", "ok"]  # no relay, nothing waits, nothing failed
    spool.drop("500100200", "Czeka na relay")
    (spool.folder("outgoing") / "stacjonarny").write_bytes(b"To: 22 123 45 67\n\nDo biura\n")
    os.utime(spool.folder("outgoing") / "stacjonarny", (time.time() - 7200, time.time() - 7200))
    seen = outbox()
    assert [s["status"] for s in seen] == ["warn", "warn", "ok"]  # nobody sends; the oldest waited two hours
    assert seen[0]["relay_pid"] is None and seen[1]["waiting"] == 2 and seen[1]["oldest_age"] >= 7200
    _cli(config, sandbox, capsys, "relay", "--once")
    seen = outbox()
    assert [s["status"] for s in seen] == ["ok", "warn"] and seen[1]["failed_24h"] == 1  # sent; the landline failed today

    with locked(spool.root / "relay"):  # a relay serving the outbox holds this lock
        assert outbox()[0]["relay_pid"] == str(os.getpid())

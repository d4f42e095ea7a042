"""The guard's ledger on a real SQLite file: each limit, duplicates, retries counted once, SMSAPI's
refusals not counted, released messages, a restart, processes racing for the last places, and a
link where the ledger belongs."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from pathlib import Path

import pytest

from sms_tui.guard import Ask, Ledger
from sms_tui.guard.ledger import PRICE_PER_PART, GuardUnavailable
from sms_tui.settings.model import Guard

NOON = 1_796_731_200.0  # a fixed moment: days and months are counted by the calendar


class Clock:
    def __init__(self, now: float = NOON) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def ledger(path: Path, clock: Clock | None = None, **limits: object) -> Ledger:
    return Ledger(path / "guard" / "ledger.sqlite", Guard.model_validate(limits), clock=clock or Clock())


def test_the_same_text_to_the_same_number_is_a_duplicate_within_the_window(tmp_path: Path) -> None:
    clock = Clock()
    book = ledger(tmp_path, clock, duplicate_minutes=60)
    assert book.admit("a", "48500100200", "Auto gotowe", 1).send
    verdict = book.admit("b", "48500100200", "Auto gotowe", 1)
    assert verdict.outcome == "duplicate" and verdict.reason is not None and verdict.reason["key"] == "guard.duplicate"
    assert book.admit("c", "48500100201", "Auto gotowe", 1).send  # another number
    assert book.admit("d", "48500100200", "Auto gotowe.", 1).send  # another text
    clock.now += 61 * 60
    assert book.admit("e", "48500100200", "Auto gotowe", 1).send  # the window has passed


def test_a_retry_of_one_message_is_counted_once_and_always_sent(tmp_path: Path) -> None:
    book = ledger(tmp_path, per_hour=1)
    assert book.admit("a", "48500100200", "Raz", 1).send
    assert book.admit("a", "48500100200", "Raz", 1).send  # the relay trying it again: same idx, same row
    assert book.admit("b", "48500100201", "Dwa", 1).outcome == "hold"
    assert book.spend().today.sent == 1


def test_a_batch_is_one_transaction_whose_later_messages_see_the_earlier(tmp_path: Path) -> None:
    """The relay shows the guard a batch at a time: one commit, the same verdicts as one by one."""
    book = ledger(tmp_path, per_hour=3, per_recipient_day=0, duplicate_minutes=60)
    asks = [Ask("a", "48500100200", "Raz", 1), Ask("b", "48500100200", "Raz", 1),  # the second a duplicate of the first
            *(Ask(k, f"4850010030{n}", k, 1) for n, k in enumerate("cdef")), Ask("g", "48500100209", "g", 1, released=True)]
    assert [v.outcome for v in book.admit_many(asks)] == ["send", "duplicate", "send", "send", "hold", "hold", "send"]
    assert book.spend().today.sent == 4 and book.admit_many([]) == []
    one_by_one = ledger(tmp_path / "2", per_hour=3, per_recipient_day=0, duplicate_minutes=60)
    assert [one_by_one.admit(*ask[:4], released=ask.released).outcome for ask in asks] == ["send", "duplicate", "send", "send", "hold", "hold",
                                                                                          "send"]


def test_each_limit_holds_and_says_which(tmp_path: Path) -> None:
    book = ledger(tmp_path, per_recipient_day=2, duplicate_minutes=0, per_hour=0, points_day=0, points_month=0)
    assert [book.admit(k, "48500100200", k, 1).outcome for k in "abc"] == ["send", "send", "hold"]
    assert book.admit("c", "48500100200", "c", 1).reason == {"key": "guard.per_recipient", "params": {"limit": 2, "n": 2}}
    book = ledger(tmp_path / "2", per_hour=3, per_recipient_day=0)
    assert [book.admit(str(n), f"4850010020{n}", "x", 1).outcome for n in range(5)] == ["send"] * 3 + ["hold"] * 2
    book = ledger(tmp_path / "3", points_day=1.0, per_hour=0, per_recipient_day=0)
    # 0.16 a part until SMSAPI prices one: six one-part messages fit 1.0 point, the seventh does not
    assert [book.admit(str(n), f"4850010020{n}", "x", 1).outcome for n in range(7)] == ["send"] * 6 + ["hold"]
    held = book.admit("7", "48500100207", "x", 1).reason
    assert held is not None and held["key"] == "guard.points_day" and held["params"]["spent"] == pytest.approx(6 * PRICE_PER_PART)


def test_the_budget_counts_what_smsapi_charged_and_not_what_it_refused(tmp_path: Path) -> None:
    book = ledger(tmp_path, points_day=1.0, per_hour=0, per_recipient_day=0)
    assert book.admit("a", "48500100200", "x", 2).send  # reserved at 2 × 0.16
    book.settle({"a": 0.14})  # ECO: SMSAPI's answer says 0.07 a part
    assert book.admit("b", "48500100201", "x", 1).send
    book.settle({"b": None})  # refused by SMSAPI (a bad number): nothing charged, nothing counted
    assert book.spend().today.points == pytest.approx(0.14)
    # the price learnt from the answer: 0.07 a part, so twelve more one-part messages fit (0.14 + 12 × 0.07 = 0.98)
    outcomes = [book.admit(f"c{n}", f"485001003{n:02d}", "x", 1).outcome for n in range(13)]
    assert outcomes == ["send"] * 12 + ["hold"]


def test_a_month_budget_spans_the_days(tmp_path: Path) -> None:
    clock = Clock()
    book = ledger(tmp_path, clock, points_month=0.5, points_day=0, per_hour=0, per_recipient_day=0)
    assert book.admit("a", "48500100200", "x", 1).send and book.admit("b", "48500100201", "x", 1).send
    book.settle({"a": 0.2, "b": 0.2})
    clock.now += 86400  # the next day of the same month (the 1st of a month is not NOON)
    assert book.admit("c", "48500100202", "x", 1).outcome == "hold"


def test_released_messages_pass_every_limit_and_still_count(tmp_path: Path) -> None:
    book = ledger(tmp_path, per_hour=1)
    assert book.admit("a", "48500100200", "x", 1).send
    assert book.admit("b", "48500100201", "y", 1).outcome == "hold"
    assert book.admit("b", "48500100201", "y", 1, released=True).send
    spent = book.spend()
    assert (spent.today.sent, spent.today.held, spent.today.released, spent.last_hour) == (2, 1, 1, 2)


def test_the_guard_switched_off_counts_and_never_stops(tmp_path: Path) -> None:
    book = ledger(tmp_path, enabled=False, per_hour=1)
    assert all(book.admit(k, "48500100200", "same", 1).send for k in "abc")
    assert book.spend().today.sent == 3


def test_a_restart_keeps_the_counts(tmp_path: Path) -> None:
    book = ledger(tmp_path, per_hour=2)
    assert book.admit("a", "48500100200", "x", 1).send and book.admit("b", "48500100201", "x", 1).send
    book.close()
    again = ledger(tmp_path, per_hour=2)
    assert again.admit("c", "48500100202", "x", 1).outcome == "hold"


def _race(path: str, start: multiprocessing.synchronize.Event, worker: int, results: multiprocessing.Queue[int]) -> None:  # type: ignore[name-defined]
    book = Ledger(Path(path), Guard(per_hour=50, per_recipient_day=0), clock=lambda: NOON)
    start.wait()
    results.put(sum(book.admit(f"{worker}-{n}", f"48600{worker}{n:05d}", "x", 1).send for n in range(100)))


def test_processes_racing_never_pass_a_limit_together(tmp_path: Path) -> None:
    path = tmp_path / "guard" / "ledger.sqlite"
    Ledger(path, Guard()).spend()  # created once, as the relay does at its start
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_race, args=(str(path), start, n, results)) for n in range(4)]
    for process in workers:
        process.start()
    start.set()
    admitted = [results.get(timeout=120) for _ in workers]
    for process in workers:
        process.join(timeout=60)
    assert sum(admitted) == 50
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM sends").fetchone()[0] == 50


def test_a_link_where_the_ledger_belongs_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("not a ledger")
    (tmp_path / "guard").mkdir()
    os.symlink(target, tmp_path / "guard" / "ledger.sqlite")
    with pytest.raises(GuardUnavailable) as caught:
        ledger(tmp_path).admit("a", "48500100200", "x", 1)
    assert "link" in caught.value.describe()
    assert target.read_text() == "not a ledger"


def test_a_damaged_ledger_stops_sending_and_says_where(tmp_path: Path) -> None:
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "ledger.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(GuardUnavailable) as caught:
        ledger(tmp_path).admit("a", "48500100200", "x", 1)
    assert str(tmp_path / "guard" / "ledger.sqlite") in caught.value.describe()

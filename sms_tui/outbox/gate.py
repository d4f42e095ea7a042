"""The money guard at the relay's door: every due message is shown to the guard's ledger before its
attempt is logged and its request made. A duplicate goes to failed/ (the record and the event say
so), a message past a limit is held — its state says which limit — until a human releases it, and
the owner is told once per spell of holding: when the queue holds none any more, the next hold
tells again. The points SMSAPI charged go into the ledger at the end of each pass."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sms_tui import rules
from sms_tui.guard import Ask, Ledger, Spend, Verdict
from sms_tui.guard.ledger import GuardUnavailable
from sms_tui.i18n import t
from sms_tui.outbox.rooms import Entry, State
from sms_tui.outbox.spool import Spool

if TYPE_CHECKING:
    from sms_tui.settings.model import Settings

EventSink = Callable[[dict[str, Any]], None]


def ledger_for(settings: Settings, spool: Spool) -> Ledger:
    """The guard's ledger for these settings: `[guard] ledger`, else the outbox's guard/ledger.sqlite —
    one per outbox, so the relay and `send` run by the shop's user count together."""
    path = Path(settings.guard.ledger).expanduser() if settings.guard.ledger else spool.root / "guard" / "ledger.sqlite"
    return Ledger(path, settings.guard, owner=spool.owner, group=spool.group)


def spent_for(settings: Settings, spool: Spool) -> tuple[Spend, Path]:
    """What the ledger of these settings says was spent, and where it is (GuardUnavailable when it cannot be read)."""
    ledger = ledger_for(settings, spool)
    try:
        return ledger.spend(), ledger.path
    finally:
        ledger.close()


class Gate:
    def __init__(self, spool: Spool, ledger: Ledger | None, idx: Callable[[str], str], on_event: EventSink) -> None:
        self.spool, self.ledger, self.idx, self.on_event = spool, ledger, idx, on_event
        self._charged: dict[str, float | None] = {}
        self.error: GuardUnavailable | None = None  # the ledger could not be used: nothing more is sent this pass

    @staticmethod
    def waiting(state: State) -> bool:
        """Held by the guard and not released: it waits for `queue release`, not for the clock."""
        return state.guarded is not None and not state.released

    def admit(self, batch: list[Entry], guarded: list[str], duplicates: list[str]) -> list[Entry]:
        """The messages of `batch` that may be sent now (counted, then: one transaction for the
        batch). A duplicate is moved to failed/; a message past a limit is held; a ledger that cannot
        be used sends nothing (`error`)."""
        if self.ledger is None or not batch:
            return batch
        asks = [Ask(self.idx(e.id), e.draft.to, e.draft.text, rules.measure(e.draft.text).parts, e.state.released) for e in batch]
        try:
            verdicts = self.ledger.admit_many(asks)
        except GuardUnavailable as exc:
            self.error = exc
            return []
        admitted = []
        for entry, verdict in zip(batch, verdicts, strict=True):
            if verdict.outcome == "duplicate":
                self._duplicate(entry, verdict, duplicates)
            elif verdict.outcome == "hold":
                entry.state.guarded = verdict.reason
                self.spool.save_state(entry.id, entry.state)
                guarded.append(entry.id)
            else:
                admitted.append(entry)
        return admitted

    def _duplicate(self, entry: Entry, verdict: Verdict, duplicates: list[str]) -> None:
        minutes = (verdict.reason or {}).get("params", {}).get("minutes", 0)
        record = self.spool.mark_failed(entry, t("outbox.duplicate_record", minutes=minutes))
        duplicates.append(entry.id)
        self.on_event({"event": "failed", "id": entry.id, "to": entry.draft.to, "reason": verdict.reason, "duplicate": True,
                       "file": str(self.spool.folder("failed") / record)})

    def charged(self, entry: Entry, points: float | None) -> None:
        """What SMSAPI charged for it (None: it refused, nothing was sent), settled at the pass's end."""
        if self.ledger is not None:
            self._charged[self.idx(entry.id)] = points

    def settle(self) -> None:
        charged, self._charged = self._charged, {}
        if self.ledger is not None and charged:
            try:
                self.ledger.settle(charged)
            except GuardUnavailable as exc:  # sent already: the estimate stays counted instead
                self.error = self.error or exc

    def notice(self, newly: list[str], waiting: int | None) -> None:
        """The owner told once while the guard holds messages (`waiting`: how many the whole queue
        holds, None when the look was cut short); a queue that holds none ends the spell."""
        if waiting is None or self.ledger is None:
            return
        if waiting == 0:
            self.spool.set_guard_told(told=False)
            return
        if newly and not self.spool.guard_told():
            spent = self.ledger.spend()
            first = self.spool.state(newly[0]).guarded
            self.on_event({"event": "guarded", "held": waiting, "sent": spent.last_hour, "reason": first, "ids": newly[:20]})

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()

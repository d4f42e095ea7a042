"""What `doctor` says of the outbox: whether a relay serves it, whether the account holds it, how
long the oldest message has waited, what waits for a human, what failed since yesterday. Read
only, on descriptors like the relay, and without the settings' secret."""

from __future__ import annotations

import fcntl
import os
import time
from typing import TYPE_CHECKING, Literal

from sms_tui.delivery import elapsed_text
from sms_tui.diagnose import Finding
from sms_tui.i18n import t
from sms_tui.outbox.rooms import arrival
from sms_tui.outbox.spool import Spool
from sms_tui.smsapi_texts import describe_reason

WAITED_TOO_LONG = 3600.0  # seconds: a message waiting longer means the relay does not send

if TYPE_CHECKING:
    from sms_tui.settings.model import Settings


def findings(spool: Spool, now: float | None = None) -> list[Finding]:
    if not spool.folder("queue").is_dir():
        return [Finding("outbox", "ok", t("doctor.outbox_none", path=spool.root))]
    clock = time.time() if now is None else now
    found: list[Finding] = []
    ids = list(spool.ids())
    arrived = spool.arrivals()
    found.append(_relay(spool, busy=bool(ids or arrived)))
    hold = spool.hold()
    if hold.reason:
        found.append(Finding("outbox", "warn", t("outbox.held", reason=describe_reason(hold.reason)), {"held_code": hold.code}))
    oldest = min([arrival(i).timestamp() for i in ids] + [info.st_mtime for _, info in arrived], default=None)
    if oldest is not None:
        found.append(_waiting(len(ids) + len(arrived), max(0.0, clock - oldest)))
    found += _waiting_for_a_human(spool, ids)
    failed = _failed_since(spool, clock - 86400)
    found.append(Finding("outbox", "warn" if failed else "ok", t("doctor.outbox_failed", n=failed), {"failed_24h": failed}))
    return found


def _waiting_for_a_human(spool: Spool, ids: list[str]) -> list[Finding]:
    """Held for a look at the panel, held by the money guard: nothing sends them but a person."""
    states = {i: spool.state(i) for i in ids}
    found = []
    if checking := [i for i, state in states.items() if state.check]:
        found.append(Finding("outbox", "warn", t("doctor.outbox_check", n=len(checking), ids=" ".join(checking[:3])), {"check": checking}))
    if guarded := [i for i, state in states.items() if state.guarded is not None and not state.released]:
        found.append(Finding("guard", "warn", t("guard.held", n=len(guarded)), {"guarded": guarded}))
    return found


def _relay(spool: Spool, *, busy: bool) -> Finding:
    """A relay serving the outbox (its PID), or none — a warning only when something waits."""
    holder = _relay_holder(spool)
    if holder:
        return Finding("outbox", "ok", t("doctor.relay_running", pid=holder, path=spool.root), {"relay_pid": holder})
    return Finding("outbox", "warn" if busy else "ok", t("doctor.relay_stopped" if busy else "doctor.relay_idle", path=spool.root),
                   {"relay_pid": None})


def _waiting(count: int, waited: float) -> Finding:
    status: Literal["ok", "warn"] = "warn" if waited > WAITED_TOO_LONG else "ok"
    return Finding("outbox", status, t("doctor.outbox_waiting", n=count, age=elapsed_text(waited)),
                   {"waiting": count, "oldest_age": round(waited)})


def _relay_holder(spool: Spool) -> str | None:
    """The PID of the relay holding the outbox's lock, or None when none does."""
    try:
        fd = os.open(spool.root / "relay.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            words = os.pread(fd, 200, 0).decode("ascii", "replace").split()
            return words[0] if words else "?"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _failed_since(spool: Spool, since: float) -> int:
    count = 0
    with os.scandir(spool.folder("failed")) as entries:
        for entry in entries:
            try:
                if not entry.name.startswith(".") and not entry.name.endswith(".dir") and entry.stat(follow_symlinks=False).st_mtime >= since:
                    count += 1
            except OSError:
                continue
    return count


def guard_finding(settings: Settings, spool: Spool) -> Finding:
    """The money guard: its ledger usable, what was sent today and in the last hour against the limit."""
    from sms_tui.guard.ledger import GuardUnavailable  # noqa: PLC0415 — only doctor asks
    from sms_tui.outbox.gate import spent_for  # noqa: PLC0415

    try:
        spent, _ = spent_for(settings, spool)
    except GuardUnavailable as exc:
        return Finding("guard", "fail", exc.describe(), {"ledger": exc.params.get("path")})
    limits = settings.guard
    status: Literal["ok", "warn"] = "warn" if not limits.enabled or (limits.per_hour and spent.last_hour >= limits.per_hour) else "ok"
    return Finding("guard", status, t("doctor.guard", sent=spent.today.sent, points=f"{spent.today.points:g}", hour=spent.last_hour,
                                      per_hour=limits.per_hour or "—", state=t("doctor.guard_on" if limits.enabled else "doctor.guard_off")),
                   {"sent_today": spent.today.sent, "points_today": spent.today.points, "last_hour": spent.last_hour})

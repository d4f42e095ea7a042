"""The guard's ledger: every message shown to the guard, in one SQLite file per outbox.

Shared by every process that sends — the relay's workers, `send` run by the shop's user — so the
check and the count are one transaction (`BEGIN IMMEDIATE`: SQLite's write lock, taken across
processes): two processes racing cannot pass a limit together. Kept across restarts.

The folder is the relay's, not writable by the shop's group; the ledger and its journal are
created here first, group-writable, and the journal is kept (`journal_mode=PERSIST`): a member of
the group writes the counts without being able to put anything else — a link — in the folder.
A process that may run as root never opens a file another user could have swapped.

Numbers and texts are kept as hashes: the ledger counts, it is no copy of the shop's messages."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from sms_tui.base.errors import KeyedError
from sms_tui.exitcodes import ExitCode
from sms_tui.settings.model import Guard
from sms_tui.smsapi_texts import Reason, keyed

PRICE_PER_PART = 0.16  # points, until an answer of SMSAPI's has told the real price (a PRO part in Poland)
SCHEMA = """
CREATE TABLE IF NOT EXISTS sends (
    key TEXT PRIMARY KEY,     -- the message's idx: a retry of the same message is the same row
    at REAL NOT NULL,         -- when it was admitted (epoch seconds)
    day TEXT NOT NULL,        -- local calendar day and month, as a shop counts
    month TEXT NOT NULL,
    recipient TEXT NOT NULL,  -- hashes, never the number or the text
    text TEXT NOT NULL,
    parts INTEGER NOT NULL,
    points REAL NOT NULL,     -- estimated when admitted, SMSAPI's figure once settled
    state TEXT NOT NULL,      -- reserved | sent | refused (refused: SMSAPI sent nothing, charged nothing)
    released INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sends_at ON sends (at);
CREATE INDEX IF NOT EXISTS sends_recipient ON sends (recipient, day);
CREATE INDEX IF NOT EXISTS sends_day ON sends (day);
CREATE INDEX IF NOT EXISTS sends_month ON sends (month);
CREATE TABLE IF NOT EXISTS stopped (
    key TEXT PRIMARY KEY,     -- a message the guard did not send: once per message, however often it is shown
    at REAL NOT NULL,
    day TEXT NOT NULL,
    month TEXT NOT NULL,
    outcome TEXT NOT NULL,    -- duplicate | held
    reason TEXT NOT NULL      -- the limit's key
);
"""


# What counts: a message SMSAPI may have sent (reserved or sent), not one it refused, not the one asked about.
_DUPLICATE = "SELECT MAX(at) FROM sends WHERE text = ? AND at >= ? AND state != 'refused' AND key != ?"
_TO_RECIPIENT = "SELECT COUNT(*) FROM sends WHERE recipient = ? AND day = ? AND state != 'refused' AND key != ?"
_SINCE = "SELECT COUNT(*) FROM sends WHERE at > ? AND state != 'refused' AND key != ?"
_POINTS_DAY = "SELECT COALESCE(SUM(points), 0) FROM sends WHERE day = ? AND state != 'refused' AND key != ?"
_POINTS_MONTH = "SELECT COALESCE(SUM(points), 0) FROM sends WHERE month = ? AND state != 'refused' AND key != ?"
_TOTALS = "SELECT COUNT(*), COALESCE(SUM(points), 0), COALESCE(SUM(released), 0) FROM sends WHERE state != 'refused' AND "
_STOPPED = "SELECT outcome, COUNT(*) FROM stopped WHERE "
_DAY = (_TOTALS + "day = ?", _STOPPED + "day = ? GROUP BY outcome")
_MONTH = (_TOTALS + "month = ?", _STOPPED + "month = ? GROUP BY outcome")


class GuardUnavailable(KeyedError):
    """The ledger cannot be read or written: nothing is sent uncounted."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Verdict:
    outcome: Literal["send", "duplicate", "hold"]
    reason: Reason | None = None

    @property
    def send(self) -> bool:
        return self.outcome == "send"


SEND = Verdict("send")


class Ask(NamedTuple):
    """A message shown to the guard: its key (the idx), number, text, parts, and whether a human released it."""

    key: str
    number: str
    text: str
    parts: int
    released: bool = False


@dataclass
class Period:
    sent: int = 0
    points: float = 0.0
    held: int = 0
    duplicates: int = 0
    released: int = 0


@dataclass
class Spend:
    """What `sms-tui spend` shows: today and this month by outcome, and the last hour."""

    day: str
    month: str
    today: Period = field(default_factory=Period)
    this_month: Period = field(default_factory=Period)
    last_hour: int = 0
    limits: dict[str, float] = field(default_factory=dict)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:24]


class Ledger:
    def __init__(self, path: Path, limits: Guard, *, owner: tuple[int, int] | None = None, group: int | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.path, self.limits, self.clock = path, limits, clock
        self._owner, self._group = owner, group
        self._db: sqlite3.Connection | None = None

    # -- the file ------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self._prepare()
                db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA journal_mode=PERSIST")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise GuardUnavailable("guard.unavailable", path=str(self.path), reason=str(exc)) from exc
            self._db = db
        return self._db

    def _prepare(self) -> None:
        """The folder (the relay's: others may only read and search it) and, created here before SQLite
        opens them, the ledger and its journal with the mode the shop's group needs. Nothing that is
        not a plain file of one link is opened."""
        folder = self.path.parent
        if not folder.exists():
            folder.mkdir(mode=0o750 if self._group is not None else 0o700, parents=True, exist_ok=True)
            if self._owner is not None or self._group is not None:
                group = self._group if self._group is not None else self._owner[1] if self._owner else -1
                os.chown(folder, self._owner[0] if self._owner else -1, group, follow_symlinks=False)
        mode = 0o660 if self._group is not None else 0o600
        for path in (self.path, self.path.with_name(self.path.name + "-journal")):
            _plain_file(path, mode, self._owner, self._group)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")  # the write lock, across processes: the check and the count are one
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise GuardUnavailable("guard.unavailable", path=str(self.path), reason=str(exc)) from exc

    # -- the verdict ---------------------------------------------------------------------------

    def admit(self, key: str, number: str, text: str, parts: int, *, released: bool = False) -> Verdict:
        """Send it (counted now, before the request), or why not. The same key again — a retry of one
        message — is the same row: counted once, always sent (its idx makes a second SMS impossible)."""
        return self.admit_many([Ask(key, number, text, parts, released)])[0]

    def admit_many(self, asks: list[Ask]) -> list[Verdict]:
        """`admit` for several messages in one transaction, in order (a later one sees what an earlier
        one counted): the relay's batch costs one commit on the disk, not one a message."""
        now = self.clock()
        day, month = _calendar(now)
        with self._write() as db:
            return [self._admit(db, ask, now, day, month) for ask in asks]

    def _admit(self, db: sqlite3.Connection, ask: Ask, now: float, day: str, month: str) -> Verdict:
        row = db.execute("SELECT state FROM sends WHERE key = ?", (ask.key,)).fetchone()
        if row is not None and row[0] != "refused":
            return SEND
        recipient, body = digest(ask.number), digest(f"{ask.number}\n{ask.text}")
        estimate = max(ask.parts, 1) * self._price(db)
        verdict = SEND if ask.released or not self.limits.enabled else self._check(db, ask.key, now, day, month, recipient, body, estimate)
        if verdict.send:
            db.execute("INSERT OR REPLACE INTO sends VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'reserved', ?)",
                       (ask.key, now, day, month, recipient, body, ask.parts, estimate, int(ask.released)))
        else:
            db.execute("INSERT OR IGNORE INTO stopped VALUES (?, ?, ?, ?, ?, ?)",
                       (ask.key, now, day, month, verdict.outcome, (verdict.reason or {}).get("key", "")))
        return verdict

    def _check(self, db: sqlite3.Connection, key: str, now: float, day: str, month: str, recipient: str, body: str,
               estimate: float) -> Verdict:
        limits = self.limits
        if limits.duplicate_minutes:
            earlier = db.execute(_DUPLICATE, (body, now - limits.duplicate_minutes * 60, key)).fetchone()[0]
            if earlier is not None:
                return Verdict("duplicate", keyed("guard.duplicate", minutes=limits.duplicate_minutes, at=earlier))
        if limits.per_recipient_day:
            n = db.execute(_TO_RECIPIENT, (recipient, day, key)).fetchone()[0]
            if n >= limits.per_recipient_day:
                return Verdict("hold", keyed("guard.per_recipient", limit=limits.per_recipient_day, n=n))
        if limits.per_hour:
            n = db.execute(_SINCE, (now - 3600, key)).fetchone()[0]
            if n >= limits.per_hour:
                return Verdict("hold", keyed("guard.per_hour", limit=limits.per_hour, n=n))
        for limit, query, value, name in ((limits.points_day, _POINTS_DAY, day, "guard.points_day"),
                                          (limits.points_month, _POINTS_MONTH, month, "guard.points_month")):
            spent = db.execute(query, (value, key)).fetchone()[0]
            if limit and spent + estimate > limit:
                return Verdict("hold", keyed(name, limit=limit, spent=round(spent, 2)))
        return SEND

    def _price(self, db: sqlite3.Connection) -> float:
        """Points per part, from the last send SMSAPI priced (an estimate is never below that)."""
        row = db.execute("SELECT points, parts FROM sends WHERE state = 'sent' AND points > 0 ORDER BY at DESC LIMIT 1").fetchone()
        return float(row[0]) / max(int(row[1]), 1) if row else PRICE_PER_PART

    def settle(self, outcomes: dict[str, float | None]) -> None:
        """SMSAPI's answers, in one transaction: the points it charged (None: it refused, nothing sent)."""
        if not outcomes:
            return
        with self._write() as db:
            for key, points in outcomes.items():
                if points is None:
                    db.execute("UPDATE sends SET state = 'refused', points = 0 WHERE key = ?", (key,))
                else:
                    db.execute("UPDATE sends SET state = 'sent', points = ? WHERE key = ?", (points, key))

    # -- what was spent ------------------------------------------------------------------------

    def spend(self) -> Spend:
        now = self.clock()
        day, month = _calendar(now)
        spent = Spend(day, month, limits={"per_hour": self.limits.per_hour, "points_day": self.limits.points_day,
                                          "points_month": self.limits.points_month})
        if self._db is None and not os.path.lexists(self.path):
            return spent  # nothing counted yet: a look makes no ledger
        db = self._connect()
        try:
            for period, (totals, stopped), value in ((spent.today, _DAY, day), (spent.this_month, _MONTH, month)):
                sent, points, released = db.execute(totals, (value,)).fetchone()
                period.sent, period.points, period.released = int(sent), round(float(points), 4), int(released)
                for outcome, n in db.execute(stopped, (value,)):
                    if outcome == "duplicate":
                        period.duplicates = int(n)
                    else:
                        period.held = int(n)
            spent.last_hour = int(db.execute("SELECT COUNT(*) FROM sends WHERE at > ? AND state != 'refused'", (now - 3600,)).fetchone()[0])
        except sqlite3.Error as exc:
            raise GuardUnavailable("guard.unavailable", path=str(self.path), reason=str(exc)) from exc
        return spent


def _calendar(now: float) -> tuple[str, str]:
    local = time.localtime(now)
    return time.strftime("%Y-%m-%d", local), time.strftime("%Y-%m", local)


def _plain_file(path: Path, mode: int, owner: tuple[int, int] | None, group: int | None) -> None:
    """Create `path` (or find it) as a plain file of one link, with `mode` and the owner and group given,
    all on its descriptor: never through a link, never a file with another name elsewhere."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link where the ledger belongs
            raise OSError(exc.errno, f"a link where the guard's ledger belongs: {path}") from exc
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise OSError(f"not a plain file of its own: {path}")
        if info.st_uid == os.geteuid():
            if owner is not None or (group is not None and info.st_gid != group):
                os.fchown(fd, owner[0] if owner else -1, group if group is not None else (owner[1] if owner else -1))
            if stat.S_IMODE(info.st_mode) != mode:
                os.fchmod(fd, mode)
    finally:
        os.close(fd)

"""The watch: what `check` sees, told to the owner when it changes — once.

The state kept is what each channel was last *told*, not what was last seen: a notice that could
not go out (no SMS while SMSAPI refuses the password, a mail command that failed) goes at the
next run, and a condition that returns to what the owner was told says nothing. At most one
notice per channel, condition and state in 24 h: a balance hovering at the threshold cannot text
the owner every hour. UI-free and without I/O but the state file (docs/headless.md: "The watch").
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sms_tui.base.files import atomic_write, private_folder
from sms_tui.i18n import translate
from sms_tui.rules import measure, plain_letters

QUIET = 24 * 3600  # seconds: one notice per channel, condition and state
# What the owner is assumed to know before the first run: a first run that finds the balance
# low tells; one that finds everything fine says nothing.
CALM = {"gateway": "reachable", "credentials": "ok", "balance": "ok", "sender": "ok", "requested": "waiting", "spend": "ok"}
# Every state a condition can be in, as `check` sees them: each but the silent one has a notice.
STATES: dict[str, tuple[str, ...]] = {"gateway": ("unreachable", "reachable"), "credentials": ("refused", "ok"), "balance": ("low", "ok"),
                                      "sender": ("problem", "ok"), "requested": ("usable", "refused", "waiting"), "spend": ("spike", "ok")}
# A state that is never news in itself (a newly requested name waits: the technician knows).
SILENT = {("requested", "waiting")}
# Conditions the check sees only when it could read the account: absent then means "not watched".
OPTIONAL = ("balance", "requested", "spend")  # spend: only where the money guard's ledger could be read
CHANNELS = ("sms", "command")


@dataclass(frozen=True)
class Notice:
    condition: str
    state: str
    previous: str
    text: str  # in the settings' language
    data: dict[str, Any] = field(default_factory=dict)
    language: str = "pl"

    @property
    def event(self) -> str:
        return f"{self.condition}.{self.state}"


@dataclass
class ChannelState:
    told: dict[str, str] = field(default_factory=dict)  # condition -> state the owner was told
    told_at: dict[str, float] = field(default_factory=dict)  # condition -> when
    sent: dict[str, float] = field(default_factory=dict)  # "condition.state" -> when last sent

    def knows(self, condition: str) -> str:
        return self.told.get(condition, CALM.get(condition, ""))


@dataclass
class WatchState:
    channels: dict[str, ChannelState] = field(default_factory=lambda: {c: ChannelState() for c in CHANNELS})
    seen: dict[str, str] = field(default_factory=dict)
    last_run: float | None = None

    def channel(self, name: str) -> ChannelState:
        return self.channels.setdefault(name, ChannelState())


def changes(state: WatchState, channel: str, seen: dict[str, str]) -> list[tuple[str, str, str]]:
    """(condition, previous, now) the channel has not been told about, in a stable order."""
    known = state.channel(channel)
    found = []
    for condition in CALM:
        now = seen.get(condition)
        if now is None:
            continue
        previous = known.knows(condition)
        if now != previous:
            found.append((condition, previous, now))
    return found


def forget_unwatched(state: WatchState, seen: dict[str, str]) -> None:
    """A threshold set to 0 or a requested name switched to: its old state must not be "news"
    against a later one (a new request is not "rejected → waiting")."""
    if seen.get("credentials") != "ok":
        return  # the check could not see them: keep what was told
    for condition in OPTIONAL:
        if condition not in seen:
            for known in state.channels.values():
                known.told.pop(condition, None)
                known.told_at.pop(condition, None)


def quiet(known: ChannelState, condition: str, now_state: str, now: float) -> bool:
    last = known.sent.get(f"{condition}.{now_state}")
    return last is not None and now - last < QUIET


def silent(condition: str, now_state: str) -> bool:
    return (condition, now_state) in SILENT


def told(known: ChannelState, condition: str, now_state: str, now: float, *, sent: bool) -> None:
    known.told[condition] = now_state
    known.told_at[condition] = now
    if sent:
        known.sent[f"{condition}.{now_state}"] = now


def idx_for(settings_key: str, channel: str, known: ChannelState, condition: str, now_state: str) -> str:
    """The same notice gets the same idx until it is recorded as told: a run that sent it and
    died before saving the state is answered "already accepted" (53) the next time, not sent twice."""
    from sms_tui.operations import stable_idx  # noqa: PLC0415 — sms_tui.operations adds 11 ms to sms_tui.watch.monitor (python -X importtime)

    since = f"{known.told_at.get(condition, 0.0):.0f}"
    return stable_idx("watch", settings_key, channel, condition, now_state, since)


def notice(condition: str, previous: str, now_state: str, language: str, data: dict[str, Any]) -> Notice:
    params = {**data, "state": now_state, "previous": previous}
    return Notice(condition, now_state, previous, translate(language, f"watch.{condition}.{now_state}", **params), data,
                  language)


def sms_text(notice: Notice) -> str:
    """Without Polish letters: 160 characters a part, not 70 — a notice is one SMS. Its command
    names the settings (`--config PATH`) while that fits; a long path leaves it to the command
    channel and the timer's log, which always have it."""
    text = plain_letters(notice.text)
    if measure(text).parts > 1:
        params = {**notice.data, "state": notice.state, "previous": notice.previous, "prog": "sms-tui"}
        text = plain_letters(translate(notice.language, f"watch.{notice.condition}.{notice.state}", **params))
    return text


# -- the state file ------------------------------------------------------------------------------


def state_path(config_path: Path) -> Path:
    import platformdirs  # noqa: PLC0415 — platformdirs adds 7 ms to sms_tui.watch.monitor (python -X importtime)

    from sms_tui.settings.store import settings_key  # noqa: PLC0415 — sms_tui.settings.store adds 7 ms to sms_tui.watch.monitor (python -X importtime)

    return platformdirs.user_state_path("sms-tui") / f"watch-{settings_key(config_path)}.json"


def load(path: Path) -> WatchState:
    """A missing or damaged state is a first run: at worst one notice too many, never a crash."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        channels = {name: ChannelState(told={str(k): str(v) for k, v in raw.get("told", {}).items()},
                                       told_at={str(k): float(v) for k, v in raw.get("told_at", {}).items()},
                                       sent={str(k): float(v) for k, v in raw.get("sent", {}).items()})
                    for name, raw in data.get("channels", {}).items()}
        last = data.get("last_run")
        return WatchState(channels={**{c: ChannelState() for c in CHANNELS}, **channels},
                          seen={str(k): str(v) for k, v in data.get("seen", {}).items()},
                          last_run=float(last) if last is not None else None)
    except (OSError, ValueError, TypeError, AttributeError):
        return WatchState()


def save(state: WatchState, path: Path, config_path: Path) -> None:
    """Atomic and 0600, in a 0700 folder, like the settings."""
    payload = {"version": 1, "config_path": str(config_path), "last_run": state.last_run, "seen": state.seen,
               "channels": {name: {"told": c.told, "told_at": c.told_at, "sent": c.sent} for name, c in state.channels.items()}}
    private_folder(path.parent)
    atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))


def now() -> float:
    return time.time()

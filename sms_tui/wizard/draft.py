"""The wizard's resumable draft: saved after every step and on a hang-up, so a dropped SSH link
loses nothing. No secret is ever in it (the setup model leaves them out) — the password or token
is typed again on resume."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sms_tui import constants
from sms_tui.base.files import atomic_write, private_folder
from sms_tui.settings.store import settings_key

MAX_AGE = 7 * 24 * 3600


def draft_path(config_path: Path | None = None) -> Path:
    """One draft per settings file: a `--demo` run or another `--config` never touches the draft
    of the real setup that a dropped link interrupted."""
    if (fixed := constants.draft_path()) is not None:
        return fixed
    import platformdirs  # noqa: PLC0415 — platformdirs adds 8 ms to sms_tui.wizard.draft (python -X importtime); only the wizard keeps drafts

    folder = platformdirs.user_state_path("sms-tui")
    if config_path is None:
        return folder / "draft.json"
    return folder / f"draft-{settings_key(config_path)}.json"


@dataclass
class Draft:
    values: dict[str, Any]
    config_path: str
    saved_at: float

    @property
    def step(self) -> int:
        try:
            return int(self.values.get("step", 1))
        except (TypeError, ValueError):
            return 1


def save(values: dict[str, Any], config_path: Path, path: Path | None = None) -> None:
    """Atomic and 0600 like the settings; failures are swallowed (a draft must never break a run).
    `values` are the step and `Setup.draft_values()`: the model marks what never goes in."""
    path = path or draft_path(config_path)
    payload = {"version": 1, "config_path": str(config_path), "saved_at": time.time(), "values": dict(values)}
    import json  # noqa: PLC0415 — json adds 2 ms to sms_tui.wizard.draft (python -X importtime); like in load()

    try:
        private_folder(path.parent)
        atomic_write(path, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass


def _legacy(config_path: Path, path: Path | None) -> Path | None:
    """The one shared draft.json of earlier versions, while it holds this settings file's draft."""
    if path is not None or constants.draft_path() is not None:
        return None
    legacy = draft_path()
    return legacy if legacy.exists() else None


def load(config_path: Path, path: Path | None = None, *, now: float | None = None) -> tuple[Draft | None, bool]:
    """(draft for this settings file or None, True when a stale draft was dropped)."""
    own = path or draft_path(config_path)
    if not own.exists() and (legacy := _legacy(config_path, path)) is not None:
        own = legacy  # a setup interrupted before an upgrade is still offered
    path = own
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None, False
    import json  # noqa: PLC0415 — json adds 2 ms to sms_tui.wizard.draft (python -X importtime); most starts find no draft

    try:
        data = json.loads(text)
        draft = Draft(dict(data["values"]), str(data["config_path"]), float(data["saved_at"]))
    except (ValueError, KeyError, TypeError):
        return None, False
    if draft.config_path != str(config_path):
        return None, False
    if (now or time.time()) - draft.saved_at > MAX_AGE:
        clear(path=path)
        return None, True
    return draft, False


def clear(config_path: Path | None = None, path: Path | None = None) -> None:
    targets = [path or draft_path(config_path)]
    if config_path is not None and (legacy := _legacy(config_path, path)) is not None:
        draft, _ = load(config_path, legacy)
        if draft is not None:  # the shared file of earlier versions, holding this setup's draft
            targets.append(legacy)
    for target in targets:
        try:
            target.unlink()
        except OSError:
            pass

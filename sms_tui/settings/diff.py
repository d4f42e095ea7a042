"""What a save would change in the settings, key by key, for `apply --json` and Ansible's diff
mode: dotted keys (`alerts.low_balance`) with their value before and after, secrets masked. Two
secrets with the same last characters mask alike, so a changed secret is said in words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sms_tui.settings.model import Settings

SECRETS = ("account.password_md5", "account.token")


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _secret(settings: Settings | None, key: str) -> str | None:
    if settings is None:
        return None
    value = getattr(settings.account, key.split(".", 1)[1])
    return None if value is None else str(value.get_secret_value())


def settings_diff(before: Settings | None, after: Settings) -> dict[str, dict[str, Any]]:
    """{key: {"before": …, "after": …}} for every key whose value differs (None: absent)."""
    old = _flat(before.masked()) if before is not None else {}
    new = _flat(after.masked())
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(old.keys() | new.keys()):
        if key in SECRETS:
            if _secret(before, key) != _secret(after, key):
                shown = new.get(key)
                if shown is not None and shown == old.get(key):
                    shown = f"{shown} (changed)"
                changes[key] = {"before": old.get(key), "after": shown}
        elif old.get(key) != new.get(key):
            changes[key] = {"before": old.get(key), "after": new.get(key)}
    return changes


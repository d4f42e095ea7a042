"""A systemd unit name as `--restart-unit` takes it: what systemctl would accept, nothing a shell
or a terminal could read more into (the name is shown in a question and passed as one argument)."""

from __future__ import annotations

import re

# systemd.unit(5): letters, digits, ":-_.\" and "@" for a template's instance; at most 255 bytes.
_UNIT = re.compile(r"[A-Za-z0-9:_.\\@-]{1,246}")
_SUFFIXES = (".service", ".target", ".socket", ".timer", ".path", ".mount", ".scope", ".slice")


def systemd_unit(raw: str) -> str | None:
    """The unit's full name (`shop` → `shop.service`, as systemctl completes it), or None when
    systemctl could not take it."""
    name = raw.strip()
    if not _UNIT.fullmatch(name) or name.startswith(("-", ".")) or name.endswith("@"):
        return None
    return name if name.endswith(_SUFFIXES) else f"{name}.service"

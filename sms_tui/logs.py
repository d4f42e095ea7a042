"""A rotating log file with secrets redacted — never a stderr handler (it would write over the TUI)."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

_SECRETS: set[str] = set()
_PATTERNS = [
    re.compile(r"(?i)(password|token|access_token|authorization)([\"']?\s*[:=]\s*[\"']?)(bearer\s+)?[^\s&\"',;]+"),
    re.compile(r"\b[0-9a-fA-F]{32}\b"),  # anything MD5-shaped
]
_log_path: Path | None = None


def register_secret(value: str | None) -> None:
    """Every secret the program learns is registered, so no log line can carry it."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    return _PATTERNS[1].sub("[redacted-md5]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def default_log_path() -> Path:
    from sms_tui import constants

    if (fixed := constants.log_path()) is not None:
        return fixed
    import platformdirs  # deferred: only when logging starts

    return platformdirs.user_log_path("sms-tui") / "sms-tui.log"


def setup(debug: bool = False, path: Path | None = None) -> Path | None:
    """Log to a 0600 file; on a read-only home the program still runs, just without a log."""
    global _log_path
    import logging.handlers  # deferred: `show` and `--version` never log

    root = logging.getLogger("sms_tui")
    if not root.handlers:
        # Without a handler Python's last-resort handler prints warnings to stderr, over the TUI.
        root.addHandler(logging.NullHandler())
    path = path or default_log_path()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=512_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for old in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    _log_path = path
    return path


def log_path() -> Path | None:
    return _log_path

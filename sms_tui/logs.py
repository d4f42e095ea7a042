"""A rotating log file with secrets redacted — never a stderr handler (it would write over the TUI)."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from sms_tui import constants

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


def _dropped(handler: logging.Handler, on_failure: Callable[[str], None] | None) -> None:
    """A log that cannot be written (a full disk, a folder gone read-only) is dropped with one
    plain sentence, never Python's "--- Logging error ---" traceback on every line."""
    global _log_path

    error = sys.exc_info()[1]
    logging.getLogger("sms_tui").removeHandler(handler)
    try:
        handler.close()
    except OSError:
        pass
    if _log_path is not None and on_failure is not None:
        from sms_tui.i18n import os_reason, t  # noqa: PLC0415 — sms_tui.i18n adds 2 ms to sms_tui.logs (python -X importtime)

        on_failure(t("log.unwritable", path=_log_path, reason=os_reason(error) if error else "-"))
    _log_path = None


def default_log_path() -> Path:
    if (fixed := constants.log_path()) is not None:
        return fixed
    import platformdirs  # noqa: PLC0415 — platformdirs adds 9 ms to sms_tui.logs (python -X importtime); only when logging starts

    return platformdirs.user_log_path("sms-tui") / "sms-tui.log"


def setup(debug: bool = False, path: Path | None = None, on_failure: Callable[[str], None] | None = None) -> Path | None:
    """Log to a 0600 file; on a read-only home the program still runs, just without a log.
    `on_failure` hears once when the log stops being writable later (a command's stderr; the
    wizard passes none: nothing may write over the TUI)."""
    global _log_path
    import logging.handlers  # noqa: PLC0415 — logging.handlers adds 8 ms to sms_tui.logs (python -X importtime); `show` and `--version` never log

    from sms_tui.base.files import private_folder  # noqa: PLC0415 — sms_tui.base.files adds 1 ms to sms_tui.logs (python -X importtime)

    class LogFile(logging.handlers.RotatingFileHandler):
        def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802  (logging's name)
            _dropped(self, on_failure)

    logging.raiseExceptions = False  # a last guard: no handler of ours may print a traceback
    root = logging.getLogger("sms_tui")
    if not root.handlers:
        # Without a handler Python's last-resort handler prints warnings to stderr, over the TUI.
        root.addHandler(logging.NullHandler())
    path = path or default_log_path()
    try:
        private_folder(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler = LogFile(path, maxBytes=512_000, backupCount=3, encoding="utf-8")
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

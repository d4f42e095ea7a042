"""One error base for whatever the technician can fix: a catalogue key and its parameters, the
text written in the reader's language only when shown (`describe()`), and the exit code its kind
carries. Persist the key and the parameters, never the sentence."""

from __future__ import annotations

from typing import ClassVar

from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t


class KeyedError(Exception):
    exit_code: ClassVar[ExitCode] = ExitCode.USAGE

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params

    def describe(self) -> str:
        return t(self.key, **self.params)


class Busy(KeyedError):
    """Another process holds the lock (saving the settings, relaying the same outbox): wait, or
    nothing to do. Never a broken setting, so a service loop can tell the two apart."""


def reason(error: BaseException) -> str:
    """Why a step failed, in the reader's language: a keyed error described, an OS error by its
    errno (with the file it names), anything else as it says."""
    if isinstance(error, KeyedError):
        return error.describe()
    if isinstance(error, OSError):
        from sms_tui.i18n import os_reason  # noqa: PLC0415 — the module-level import names t only

        return f"{error.filename or ''} {os_reason(error)}".strip()
    return str(error)

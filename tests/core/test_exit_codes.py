"""One mapping of every error to an exit code, and the last line of defence using it: only what
nobody foresaw is 1 "unexpected"."""

from __future__ import annotations

import errno
import json

import pytest

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode, exit_code_for
from sms_tui.settings import store as settings_store
from sms_tui.settings.answers import AnswersError
from sms_tui.smsapi import ApiError, TransportError
from sms_tui.smsapi.errors import BadCaBundle, MissingCredentials


@pytest.mark.parametrize(("error", "code"), [
    (settings_store.ConfigError("config.locked", pid=1, since="-"), ExitCode.USAGE),
    (AnswersError(["x"]), ExitCode.USAGE),
    (OSError(errno.ENOSPC, "No space left on device", "/etc/sklep/smsapi.toml"), ExitCode.USAGE),
    (OSError(errno.EROFS, "Read-only file system"), ExitCode.USAGE),
    (PermissionError(errno.EACCES, "Permission denied"), ExitCode.USAGE),
    (TransportError("dns"), ExitCode.UNREACHABLE),
    (ApiError(101, "Authorization failed"), ExitCode.CREDENTIALS),
    (ApiError(103, "Not enough points"), ExitCode.REFUSED),
    (MissingCredentials(), ExitCode.USAGE),
    (BadCaBundle("/x.pem", "not PEM"), ExitCode.USAGE),
    (KeyboardInterrupt(), ExitCode.INTERRUPTED),
    (BrokenPipeError(errno.EPIPE, "Broken pipe"), ExitCode.PIPE_CLOSED),
    (RuntimeError("a bug"), ExitCode.FAILURE),
    (OSError(errno.EIO, "I/O error"), ExitCode.FAILURE),
])
def test_exit_code_for_every_error(error: BaseException, code: ExitCode) -> None:
    assert exit_code_for(error) is code


@pytest.mark.parametrize(("error", "code", "words"), [
    (OSError(errno.ENOSPC, "No space left on device", "/etc/sklep/smsapi.toml"), 2, "Zwolnij miejsce"),
    (settings_store.ConfigError("config.locked", pid=4242, since="12:00"), 2, "4242"),
    (RuntimeError("a bug with a secret fe01ce2a"), 1, "Nieoczekiwany błąd"),
])
def test_an_error_reaching_the_top_gets_its_code_and_sentence(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                              error: Exception, code: int, words: str) -> None:
    from sms_tui.commands import show

    def fail(*_args: object, **_kwargs: object) -> int:
        raise error

    monkeypatch.setattr(show, "run", fail)
    assert main(["show", "--json"]) == code
    out = capsys.readouterr()
    payload = json.loads(out.out)  # exactly one object, whatever went wrong
    assert payload["exit_code"] == code and words in out.err and "Traceback" not in out.err + out.out
    assert "fe01ce2a" not in out.err + out.out

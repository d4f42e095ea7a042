"""Exit codes of the headless commands: a public interface, documented in docs/headless.md."""

from __future__ import annotations

import errno
import signal
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # unexpected: the message names the log file
    USAGE = 2  # bad arguments or answers file, no terminal for the wizard
    UNREACHABLE = 3  # DNS, refused, TLS, timeout, HTTP 5xx: SMSAPI not reachable
    CREDENTIALS = 4  # 101, 102, 401 or IP filter 105
    REFUSED = 5  # SMSAPI refused the send or the sender name (points, number, sender, message…)
    LOW_BALANCE = 6  # `check`: points under the configured threshold
    NOT_DELIVERED = 7  # `status`, `--wait`: a message ended without reaching the phone
    NOT_CONFIRMED = 8  # `status`, `--wait`: still on its way (no final status within the wait)
    HANGUP = 129  # 128 + SIGHUP: the SSH link dropped
    INTERRUPTED = 130  # 128 + SIGINT: Ctrl+C
    TERMINATED = 143  # 128 + SIGTERM: a service stop, `timeout`, kill
    PIPE_CLOSED = 141  # the output's reader went away (`| head`): 128 + SIGPIPE, as the shell reports it


def exit_code_for(error: BaseException) -> ExitCode:
    """The one mapping of every error to its exit code (as httpie's core.py): a command, the last
    line of defence in cli.py and doctor all ask here. An error that knows its code carries it
    (`exit_code`: settings, answers, SMSAPI); only what nobody foresaw is 1."""
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, BrokenPipeError):
        return ExitCode.PIPE_CLOSED
    code = getattr(error, "exit_code", None)
    if isinstance(code, ExitCode):
        return code
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                                                      errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG):
        return ExitCode.USAGE  # a full disk, a read-only or forbidden folder: the place, not the program
    return ExitCode.FAILURE


def exit_code_for_signal(signum: int) -> ExitCode:
    """As the shell reports a process a signal ended: 128 + its number."""
    codes: dict[int, ExitCode] = {signal.SIGHUP: ExitCode.HANGUP, signal.SIGTERM: ExitCode.TERMINATED}
    return codes.get(signum, ExitCode.INTERRUPTED)

"""Running part of a test as another user. Shop servers run sms-tui as root and as the shop's own
account; the path and double-send guarantees must hold for both, so the tests that pin them run
their commands twice: as the test's own user and, when that is root, in a forked child that has
dropped to `nobody` (the modules are loaded already, so nothing needs to be importable by it)."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

NOBODY = 65534
IDENTITIES = ["self", "nobody"]


def as_nobody(fn: Callable[[], Any]) -> Any:
    """`fn()` in a forked child without root's privileges; its result or its error comes back by pipe."""
    import sqlite3  # noqa: F401 — the guard's: loaded before the fork, the child may not read a Python under root's home

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result: Any = ("ok", fn())
        except BaseException as exc:
            result = ("error", repr(exc))
        os.write(write, pickle.dumps(result))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    assert status == "ok", value
    return value


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def need(identity: str) -> None:
    if identity == "nobody" and os.geteuid() != 0:
        pytest.skip("dropping to nobody needs root (the 'self' run covers the normal user)")
    if identity == "nobody" and (hidden := code_hidden_from_nobody()):
        pytest.skip(f"nobody cannot read {hidden}: the checkout or its Python lives below a folder only its owner may enter "
                    "(a 0700 parent, pyenv under /root), and sms-tui loads parts of itself as it goes; clone into a 0755 folder "
                    "to run the tests that act as another user")


@cache
def code_hidden_from_nobody() -> str | None:
    """The first folder of sms-tui's code, its libraries or its Python that `nobody` cannot read, or
    None: a child dropped to nobody imports what the parent has not loaded yet, and reads data files."""
    import httpx

    import sms_tui

    folders = [os.path.dirname(m.__file__ or "") for m in (sms_tui, httpx)]  # the standard library: loaded by pytest already

    def unreadable() -> str | None:
        return next((folder for folder in folders if not os.access(folder, os.R_OK | os.X_OK)), None)

    return unreadable() if os.geteuid() != 0 else as_nobody(unreadable)


def cli_as(identity: str, home: Path, argv: list[str]) -> Run:
    """`sms-tui argv` as `identity`, its streams captured; `home` becomes HOME and the XDG folders
    (root's per-test HOME is 0700, so `nobody` gets one it owns)."""
    from sms_tui.cli import main

    def run() -> Run:
        os.environ["HOME"] = str(home)
        for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state"),
                         ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache")):
            os.environ[var] = str(home / sub)
        out, err = io.StringIO(), io.StringIO()
        stdin, sys.stdin = sys.stdin, io.StringIO("")
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(argv)
        finally:
            sys.stdin = stdin
        return Run(int(code), out.getvalue(), err.getvalue())

    saved = dict(os.environ)
    need(identity)
    try:
        return as_nobody(run) if identity == "nobody" else run()
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder root and `nobody` can both reach and write (pytest's tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix="sms-tui-as-"))
    path.chmod(0o1777)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)

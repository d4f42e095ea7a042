"""The settings-path and double-send guarantees (findings 1, 2, 12–14, 22 of the field test) for
both users sms-tui meets on a shop server: root, and an unprivileged account. Each test runs its
commands as the test's own user and, when that is root, again as `nobody` on files `nobody` owns —
so a chmod or a replace that the bug would do is one the user could really do."""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.identity import IDENTITIES, NOBODY, Run, cli_as, need, shared_folder
from tests.samples import ECO_MD5, PRO_TOKEN


@pytest.fixture(params=IDENTITIES)
def who(request: pytest.FixtureRequest) -> str:
    need(request.param)
    return str(request.param)


@pytest.fixture
def place() -> Iterator[Path]:
    with shared_folder() as path:
        yield path


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _own(path: Path, who: str) -> Path:
    """Give `path` to `who`, so that whatever the command does to it, it is allowed to do."""
    if who == "nobody":
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    return path


def _uid(who: str) -> int:
    return NOBODY if who == "nobody" else os.geteuid()


class Shop:
    """One shop server: its answers files, a home for the user, the sandbox as SMSAPI."""

    def __init__(self, who: str, place: Path, sandbox: Sandbox) -> None:
        self.who, self.place, self.sandbox = who, place, sandbox
        (place / "home").mkdir()
        self.home = _own(place / "home", who)

    def answers(self, text: str, name: str = "answers.toml") -> str:
        path = self.place / name
        path.write_text(text)
        return str(path)

    def run(self, *argv: str) -> Run:
        return cli_as(self.who, self.home, [*argv, "--api-url", self.sandbox.url])

    def folder(self, name: str, mode: int = 0o755) -> Path:
        path = self.place / name
        path.mkdir()
        path.chmod(mode)
        return _own(path, self.who)


@pytest.fixture
def shop(who: str, place: Path, sandbox: Sandbox) -> Shop:
    return Shop(who, place, sandbox)


def test_apply_to_a_folder_leaves_it_untouched_and_sends_nothing(shop: Shop) -> None:
    shop_files = shop.folder("www", 0o755)
    (shop_files / "index.php").write_text("<?php")
    run = shop.run("apply", shop.answers(PRO_TOKEN), "--config", str(shop_files))
    assert run.code == ExitCode.USAGE and "nie jest plik" in run.err
    assert _mode(shop_files) == 0o755 and shop.sandbox.outbox == []
    assert sorted(p.name for p in shop.place.iterdir()) == ["answers.toml", "home", "www"]  # no www.lock


def test_a_link_to_a_file_that_is_no_settings_is_refused_and_not_chmodded(shop: Shop) -> None:
    passwd = shop.place / "passwd-copy"
    passwd.write_text("root:x:0:0\n")
    passwd.chmod(0o644)
    _own(passwd, shop.who)
    link = shop.place / "smsapi.toml"
    link.symlink_to(passwd)
    run = shop.run("show", "--config", str(link))
    assert run.code == ExitCode.USAGE and _mode(passwd) == 0o644 and passwd.read_text() == "root:x:0:0\n"


def test_a_fifo_is_refused_without_hanging(shop: Shop) -> None:
    fifo = shop.place / "fifo"
    os.mkfifo(fifo, 0o644)
    _own(fifo, shop.who)
    assert shop.run("show", "--config", str(fifo)).code == ExitCode.USAGE
    assert shop.run("check", "--config", str(fifo)).code == ExitCode.USAGE
    assert _mode(fifo) == 0o644 and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symlinked_settings_file_is_written_through_to_its_target(shop: Shop) -> None:
    target = shop.folder("shop") / "smsapi.toml"
    assert shop.run("apply", shop.answers(PRO_TOKEN), "--config", str(target)).code == ExitCode.OK
    link = shop.folder("conf") / "smsapi.toml"
    link.symlink_to(target)
    _own(link, shop.who)
    assert shop.run("apply", shop.answers(ECO_MD5, "eco.toml"), "--config", str(link)).code == ExitCode.OK
    assert link.is_symlink() and os.readlink(link) == str(target)
    saved = tomllib.loads(target.read_text())
    assert saved["sender"]["mode"] == "eco" and _mode(target) == 0o600 and target.stat().st_uid == _uid(shop.who)
    assert [p.name for p in link.parent.iterdir()] == ["smsapi.toml"]


def test_apply_finds_a_folder_it_cannot_write_before_the_test_sms(shop: Shop) -> None:
    if shop.who == "self" and os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder; the 'nobody' run is the real case")
    readonly = shop.folder("ro", 0o555)
    for extra in ([], ["--dry-run"]):
        run = shop.run("apply", shop.answers(PRO_TOKEN), "--config", str(readonly / "smsapi.toml"), *extra)
        assert run.code == ExitCode.USAGE, run.err
    assert shop.sandbox.outbox == [] and list(readonly.iterdir()) == []


def test_send_after_a_dropped_connection_names_the_idx_and_its_retry_is_delivered_once(shop: Shop) -> None:
    settings = shop.folder("conf") / "smsapi.toml"
    assert shop.run("apply", shop.answers(PRO_TOKEN), "--config", str(settings)).code == ExitCode.OK
    shop.sandbox.state.reset()
    shop.sandbox.inject("drop_after", "/sms.do", times=3)
    args = ["send", "--to", "500000000", "--message", "Zamowienie 123 gotowe", "--config", str(settings)]
    failed = shop.run(*args)
    assert failed.code == ExitCode.UNREACHABLE
    idx = failed.err.split("--idx ")[1].split()[0]
    assert idx.startswith("smstui-") and len(shop.sandbox.outbox) == 1
    assert shop.run(*args, "--idx", idx).code == ExitCode.OK
    assert len(shop.sandbox.outbox) == 1


def test_rerunning_apply_sends_no_second_test_and_keeps_the_record(shop: Shop) -> None:
    settings = shop.folder("conf") / "smsapi.toml"
    answers = shop.answers(PRO_TOKEN)
    assert shop.run("apply", answers, "--config", str(settings)).code == ExitCode.OK
    first = tomllib.loads(settings.read_text())["verified"]
    again = shop.run("apply", answers, "--config", str(settings))
    assert again.code == ExitCode.OK and "nie wysyłam nowego" in again.out + again.err
    second = tomllib.loads(settings.read_text())["verified"]
    assert len(shop.sandbox.outbox) == 1 and first["message_id"] and second["message_id"] == first["message_id"]

"""The outbox under attack by a member of the shop's group (`nobody`, group `nogroup`, a real
process of its own): a dropped file swapped for a symbolic link at the moment the root relay opens
it, files created and removed as fast as the kernel allows. The relay never changes, follows or
copies anything outside the outbox, and never stops. Findings 1 and 5 of field test 4."""

from __future__ import annotations

import grp
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sms_tui.exitcodes import ExitCode
from sms_tui.outbox.spool import Spool
from sms_tui.sandbox import Sandbox
from tests.outbox.support import shop_settings

GROUP = "nogroup"
NOBODY = 65534
pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.geteuid() != 0, reason="an attacker of another user needs root")]

# Finding 1's attack, stdlib only: a message renamed into the drop folder, a link to the target
# ready beside it, and the link renamed over the message the moment inotify says it was opened.
SWAP = r"""
import ctypes, os, select, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
IN_OPEN = 0x20
folder, target, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
ifd = libc.inotify_init1(os.O_NONBLOCK)
assert ifd >= 0 and libc.inotify_add_watch(ifd, folder.encode(), IN_OPEN) >= 0
swapped = 0
for n in range(rounds):
    name, tmp, link = f"{folder}/a{n}", f"{folder}/.t{n}", f"{folder}/.l{n}"
    with open(tmp, "w") as out:
        out.write("To: 48600100200\nFrom: ECO\n\nrace\n")
    os.chmod(tmp, 0o644)
    os.symlink(target, link)
    os.rename(tmp, name)
    deadline = time.monotonic() + 20
    done = False
    while not done and time.monotonic() < deadline:
        if not select.select([ifd], [], [], 0.05)[0]:
            done = not os.path.lexists(name)
            continue
        data, at = os.read(ifd, 65536), 0
        while at < len(data):
            _, _, _, size = struct.unpack_from("iIII", data, at)
            opened = data[at + 16:at + 16 + size].rstrip(b"\0").decode()
            at += 16 + size
            if opened == f"a{n}" and not done:
                try:
                    os.rename(link, name)
                    swapped += 1
                except OSError:
                    pass
                done = True
    while os.path.lexists(name) and time.monotonic() < deadline:
        time.sleep(0.001)
    if os.path.lexists(link):
        os.unlink(link)
print(swapped)
"""

# Finding 5's churn: files, links and pipes appearing and vanishing under the relay's look.
CHURN = r"""
import os, sys, time
folder, seconds = sys.argv[1], float(sys.argv[2])
end, n = time.monotonic() + seconds, 0
while time.monotonic() < end:
    n += 1
    name = f"{folder}/c{n % 50}"
    try:
        with open(name, "w") as out:
            out.write("To: 22 123 45 67\n\nchurn\n")  # caught whole, it is refused (a landline): never sent
        os.unlink(name)
        os.symlink("/etc/shadow", name)
        os.unlink(name)
        os.mkfifo(name)
        os.unlink(name)
        with open(name, "w") as out:
            out.write("To: 22 123 45 67\n\nchurn\n")  # caught whole, it is refused (a landline): never sent
        os.rename(name, name + "x")
        os.unlink(name + "x")
    except OSError:
        pass
print(n)
"""


def _python_for_nobody() -> str:
    """Any Python nobody can start (the attacks use the standard library only): pyenv's and a venv's
    live under /root, which nobody cannot enter; Debian's /usr/bin/python3 is there on a shop server."""
    for candidate in (sys.executable, "/usr/bin/python3", "/usr/local/bin/python3"):
        try:
            if subprocess.run([candidate, "-c", "pass"], user=NOBODY, capture_output=True, check=False, cwd="/").returncode == 0:
                return candidate
        except OSError:  # not there, or nobody may not start it
            continue
    pytest.fail("no Python that nobody can start here (apt-get install python3-minimal)")


def _as_nobody(script: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([_python_for_nobody(), str(script), *args], user=NOBODY, group=grp.getgrnam(GROUP).gr_gid, extra_groups=[],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/")


@pytest.fixture
def shop(shared: Path, sandbox: Sandbox, tmp_path: Path) -> tuple[Path, Spool]:
    """Settings as a shop has them (the drop folder the shop's group's) and the outbox's folders, made by the relay."""
    config, outbox = shop_settings(shared, sandbox, tmp_path, f'[files]\ngroup = "{GROUP}"\n[outbox]\ndir = "{{outbox}}"\n')
    sandbox.state.accounts["demo"].points = 1000.0
    spool = Spool(outbox, group=grp.getgrnam(GROUP).gr_gid)
    spool.prepare()
    return config, spool


def _secret(shared: Path) -> tuple[Path, os.stat_result]:
    """A root-only file the shop's user cannot read (stands in for /etc/shadow)."""
    folder = shared / "root-only"
    folder.mkdir(mode=0o755)
    secret = folder / "secret"
    secret.write_text("TOPSECRET-root-only\n")
    secret.chmod(0o600)
    return secret, secret.stat()


def _nothing_leaked(spool: Spool, secret: Path, before: os.stat_result) -> None:
    after = secret.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (before.st_uid, before.st_gid, 0o600)
    assert secret.read_text() == "TOPSECRET-root-only\n"
    for folder in ("outgoing", "queue", "sent", "failed"):
        for name in os.listdir(spool.folder(folder)):
            path = spool.folder(folder) / name
            info = path.lstat()
            assert folder == "outgoing" or stat.S_ISREG(info.st_mode), f"{folder}/{name} is not a regular file"
            if stat.S_ISREG(info.st_mode):
                assert b"TOPSECRET" not in path.read_bytes(), f"{folder}/{name} holds the secret"


def test_a_link_swapped_in_when_the_root_relay_opens_a_file_is_never_followed(shared: Path, shop: tuple[Path, Spool]) -> None:
    _, spool = shop
    secret, before = _secret(shared)
    script = shared / "swap.py"
    script.write_text(SWAP)
    rounds = 200
    attacker = _as_nobody(script, str(spool.folder("outgoing")), str(secret), str(rounds))
    deadline = time.monotonic() + 600
    while attacker.poll() is None and time.monotonic() < deadline:
        spool.claim()  # the root relay's intake, looking as fast as it can
    out, err = attacker.communicate(timeout=30)
    assert attacker.returncode == 0, err
    swapped = int(out)
    assert swapped > 0  # the attacker did get its link in after the relay's open (finding 1 won at once)
    spool.claim()
    _nothing_leaked(spool, secret, before)
    queued = [spool.entry(i) for i in spool.ids()]
    assert all(e is not None and e.draft.text == "race" for e in queued)  # what was read is what was checked and queued
    failed = [(spool.folder("failed") / n).read_text() for n in os.listdir(spool.folder("failed"))]
    # Each link refused unread — or, when the swap fell between the relay's last look at the name and
    # its removal of the message it had read, removed with it: the attacker's own link, never followed.
    assert len(failed) <= swapped and all("dowiązanie symboliczne" in record and "TOPSECRET" not in record for record in failed)
    assert len(queued) + len(failed) >= rounds  # a message whose swap beat the read is refused as the link it became
    assert rounds - swapped <= len(queued) <= rounds  # each message read before its swap queued once; none twice


def test_files_vanishing_under_the_relay_never_stop_it(shared: Path, shop: tuple[Path, Spool], sandbox: Sandbox) -> None:
    config, spool = shop
    secret, before = _secret(shared)
    script = shared / "churn.py"
    script.write_text(CHURN)
    churn = _as_nobody(script, str(spool.folder("outgoing")), "2")
    looks = 0
    while churn.poll() is None:
        spool.claim()  # thousands of looks, each racing the churn
        looks += 1
    assert churn.returncode == 0 and looks > 100
    # The relay as the service runs it, with the churn going on, then a real message.
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        churn = _as_nobody(script, str(spool.folder("outgoing")), "3")
        time.sleep(0.5)
        message_id = spool.drop("500100200", "Po burzy")
        deadline = time.monotonic() + 60
        while not (spool.folder("sent") / f"{message_id}.sms").exists():
            assert relay.poll() is None, relay.communicate()
            assert time.monotonic() < deadline, "the message was not sent"
            time.sleep(0.05)
        churn.wait(timeout=60)
        assert relay.poll() is None, relay.communicate()  # still serving after the churn
    finally:
        relay.send_signal(signal.SIGTERM)
        _, err = relay.communicate(timeout=60)
    assert relay.returncode == ExitCode.TERMINATED, err
    assert [m.message for m in sandbox.outbox] == ["Po burzy"]
    _nothing_leaked(spool, secret, before)


def test_files_written_in_place_are_never_read_half_way(shop: tuple[Path, Spool], sandbox: Sandbox) -> None:
    """Finding 4's slow writers (as the shop's user): `>` with a pause, a file opened empty first,
    headers first; smsd's `.LOCK` file; an appender that opens the file three times — each sent whole, once."""
    config, spool = shop
    out = spool.folder("outgoing")
    writers = {
        "slow1": (f"( printf 'To: 600500001\\nFrom: ECO\\n\\nZamowienie nr 17 '; sleep 3; printf 'gotowe do odbioru, zapraszamy.\\n' ) > {out}/slow1",
                  "Zamowienie nr 17 gotowe do odbioru, zapraszamy."),
        "slow2": (f"exec 3>{out}/slow2; sleep 3; printf 'To: 600500002\\nFrom: ECO\\n\\nempty-first message\\n' >&3",
                  "empty-first message"),
        "slow3": (f"( printf 'To: 600500003\\n'; sleep 3; printf 'From: ECO\\n\\nheaders-first message\\n' ) > {out}/slow3",
                  "headers-first message"),
        "slow4": (f"touch {out}/slow4.LOCK; printf 'To: 600500004\\n\\nunder a ' > {out}/slow4; sleep 3; printf 'lock file\\n' >> {out}/slow4;"
                  f" rm {out}/slow4.LOCK", "under a lock file"),
        "slow5": (f"printf 'To: 600500005\\n' > {out}/slow5; sleep 1; printf '\\n' >> {out}/slow5; sleep 1; printf 'appended\\n' >> {out}/slow5",
                  "appended"),
    }
    relay = subprocess.Popen([sys.executable, "-m", "sms_tui", "relay", "--api-url", sandbox.url, "--config", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        shells = [subprocess.Popen(["sh", "-c", command], user=NOBODY, group=grp.getgrnam(GROUP).gr_gid, extra_groups=[], cwd="/")
                  for command, _ in writers.values()]
        for shell in shells:
            assert shell.wait(timeout=60) == 0
        deadline = time.monotonic() + 60
        while len(os.listdir(spool.folder("sent"))) < len(writers):
            assert relay.poll() is None, relay.communicate()
            assert time.monotonic() < deadline, f"sent: {os.listdir(spool.folder('sent'))}, failed: {os.listdir(spool.folder('failed'))}"
            time.sleep(0.05)
    finally:
        relay.send_signal(signal.SIGTERM)
        _, err = relay.communicate(timeout=60)
    assert relay.returncode == ExitCode.TERMINATED, err
    assert sorted(m.message for m in sandbox.outbox) == sorted(text for _, text in writers.values())  # whole, each once
    assert os.listdir(spool.folder("failed")) == [] and os.listdir(spool.folder("outgoing")) == []

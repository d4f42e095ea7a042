"""The outbox relay's pace and weight against the sandbox, beside a floor measured in the same run:

    python benchmarks/relay.py [--messages N] [--backlog N]

- throughput: `sms-tui relay --once` draining N queued messages (claimed, sent with an idx,
  recorded in sent/, followed) beside a bare httpx loop POSTing the same N messages to a fresh
  sandbox, each in a process of its own timed from start to end: messages per second, and the
  ratio (the issue's floor: at least 0.80);
- weight: the relay's peak RSS with a backlog of 10,000 files queued, beside the same relay with
  one: what a backlog costs in memory (names, not messages);
- latency: the relay serving as a service, a message dropped every 50 ms (200 drops): from the
  drop to the sandbox accepting the request, p50 and p95, beside the sandbox's own request time (a
  keep-alive httpx client's POST to its acceptance, the same 200 times);
- idle: the same relay with nothing to do for a minute: how often it woke (its threads' voluntary
  context switches), which a relay that polls pays every POLL seconds.

Each side gets a fresh sandbox in its own process (an account with points enough), so neither
pays for the other's state. No timed assertion anywhere: this table is the judge.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.record import record, say  # noqa: E402
from sms_tui.outbox.spool import Spool  # noqa: E402

PY = sys.executable
# sms-tui as `python -m sms_tui` would run it, printing its own peak RSS (kB) on the way out.
# VmHWM, not getrusage's ru_maxrss: Linux carries the parent's high-water mark over a fork into
# the child's ru_maxrss, so a child smaller than this benchmark reads as large as it.
MEASURED = ("import atexit, sys\n"
            "def peak():\n"
            "    hwm = next(line for line in open('/proc/self/status') if line.startswith('VmHWM:'))\n"
            "    print('PEAK', hwm.split()[1], file=sys.stderr)\n"
            "atexit.register(peak)\n"
            "from sms_tui.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
MD5 = "fe01ce2a7fbac8fafaed7c982a04e229"
SANDBOX = """
import sys, time
from sms_tui.sandbox import Sandbox
with Sandbox(int(sys.argv[1])) as sandbox:
    sandbox.state.accounts["demo"].points = 1e9
    print("ready", flush=True)
    while True:
        time.sleep(3600)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SandboxProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([PY, "-c", SANDBOX, str(self.port)], stdout=subprocess.PIPE, cwd=ROOT, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"
        self.url = f"http://127.0.0.1:{self.port}/"

    def outbox(self) -> int:
        return len(httpx.get(f"{self.url}__sandbox/outbox", timeout=30).json())

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def home() -> dict[str, str]:
    folder = tempfile.mkdtemp(prefix="sms-tui-bench-")
    return {**os.environ, "HOME": folder, "XDG_CONFIG_HOME": f"{folder}/.config", "XDG_STATE_HOME": f"{folder}/.state",
            "SMS_TUI_OUTBOX": f"{folder}/spool", "SMS_TUI_SYSTEM_CONFIG": f"{folder}/etc/smsapi.toml", "LANG": "C.UTF-8"}


def settings(env: dict[str, str], url: str) -> Path:
    path = Path(env["HOME"]) / "smsapi.toml"
    # The money guard's limits off (a backlog to one number is the point here); it still counts every
    # message, so its ledger's cost is in the figures.
    path.write_text(f'schema = 1\n[account]\nusername = "demo"\npassword_md5 = "{MD5}"\napi_url = "{url}"\n'
                    "[guard]\nduplicate_minutes = 0\nper_recipient_day = 0\nper_hour = 0\npoints_day = 0\npoints_month = 0\n")
    path.chmod(0o600)
    return path


def texts(count: int) -> list[str]:
    return [f"Zamówienie {n} gotowe do odbioru" for n in range(count)]


# The floor: one keep-alive httpx client POSTing each message with its own idx, one by one — in a
# process of its own, timed from its start to its end as the relay's is (both pay for starting
# Python and importing what they use; the relay's own imports are its own cost).
BARE_LOOP = """
import sys, httpx
url, count, md5 = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with httpx.Client(timeout=30) as client:
    for n in range(count):
        form = {"username": "demo", "password": md5, "to": "48500100200", "message": f"Zamówienie {n} gotowe do odbioru",
                "from": "ECO", "format": "json", "encoding": "utf-8", "idx": f"bench-{n}", "check_idx": "1"}
        client.post(url + "sms.do", data=form).raise_for_status()
"""


def bare_loop(count: int) -> float:
    sandbox = SandboxProcess()
    try:
        start = time.perf_counter()
        subprocess.run([PY, "-c", BARE_LOOP, sandbox.url, str(count), MD5], cwd=ROOT, check=True)
        seconds = time.perf_counter() - start
        assert sandbox.outbox() == count
        return count / seconds
    finally:
        sandbox.stop()


def relay(count: int) -> tuple[float, int]:
    """Messages per second of `sms-tui relay --once` draining `count` queued messages, and its peak RSS (kB)."""
    sandbox = SandboxProcess()
    env = home()
    config = settings(env, sandbox.url)
    try:
        spool = Spool(Path(env["SMS_TUI_OUTBOX"]))
        spool.prepare()
        for text in texts(count):
            spool.drop("48500100200", text)  # as `send --queue` writes it
        start = time.perf_counter()
        done = subprocess.run([PY, "-c", MEASURED, "relay", "--once", "--config", str(config)], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        assert done.returncode == 0, done.stderr[-2000:]
        assert sandbox.outbox() == count and not list(spool.ids())
        return count / seconds, peak_of(done.stderr)
    finally:
        sandbox.stop()


def accepted_at(sandbox: SandboxProcess) -> dict[str, float]:
    return {item["message"]: item["at"] for item in httpx.get(f"{sandbox.url}__sandbox/outbox", timeout=30).json()}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def wakeups(pid: int) -> int:
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/status") as status:
            total += int(next(line for line in status if line.startswith("voluntary_ctxt_switches")).split()[1])
    return total


def latency(count: int, idle: float) -> tuple[list[float], list[float], int]:
    """Drop-to-request seconds for `count` drops to a relay serving as a service, the sandbox's own
    request time for as many POSTs, and the relay's wake-ups in `idle` seconds with nothing to do."""
    sandbox = SandboxProcess()
    env = home()
    config = settings(env, sandbox.url)
    spool = Spool(Path(env["SMS_TUI_OUTBOX"]))
    spool.prepare()
    relay = subprocess.Popen([PY, "-m", "sms_tui", "relay", "--config", str(config)], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        spool.drop("48500100200", "warm-up")  # the relay is up and connected once this is accepted
        while "warm-up" not in accepted_at(sandbox):
            time.sleep(0.05)
        dropped: dict[str, float] = {}
        for n in range(count):
            text = f"latency {n}"
            dropped[text] = time.time()
            spool.drop("48500100200", text)
            time.sleep(0.05)
        deadline = time.monotonic() + 120
        while len(got := accepted_at(sandbox)) < count + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        relay_times = [got[text] - at for text, at in dropped.items()]
        with httpx.Client(timeout=30) as client:
            floor_times = []
            for n in range(count):
                text = f"floor {n}"
                start = time.time()
                client.post(sandbox.url + "sms.do", data={"username": "demo", "password": MD5, "to": "48500100200", "message": text,
                                                          "from": "ECO", "format": "json", "encoding": "utf-8", "idx": f"floor-{n}",
                                                          "check_idx": "1"}).raise_for_status()
                floor_times.append(accepted_at(sandbox)[text] - start)
        relay.send_signal(15)
        relay.wait(timeout=60)
        quiet = Spool(Path(home()["SMS_TUI_OUTBOX"]))  # a relay with nothing to do, nothing to follow
        quiet.prepare()
        idle_env = {**env, "SMS_TUI_OUTBOX": str(quiet.root)}
        relay = subprocess.Popen([PY, "-m", "sms_tui", "relay", "--config", str(config)], env=idle_env, cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not (quiet.root / "relay.lock").exists():
            time.sleep(0.05)
        time.sleep(2.0)  # past its start-up
        before = wakeups(relay.pid)
        time.sleep(idle)
        woke = wakeups(relay.pid) - before
        return relay_times, floor_times, woke
    finally:
        relay.kill()
        relay.wait()
        sandbox.stop()


def peak_of(stderr: str) -> int:
    return int(next(line.split()[1] for line in stderr.splitlines() if line.startswith("PEAK ")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000, help="messages for the throughput pair (default 5000)")
    parser.add_argument("--backlog", type=int, default=10000, help="files queued for the weight (default 10000)")
    parser.add_argument("--rounds", type=int, default=5, help="floor and relay measured in pairs; the median pair counts (default 5)")
    parser.add_argument("--drops", type=int, default=200, help="drops for the latency (default 200)")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds the idle relay is watched (default 60)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave docs/benchmarks.md as it is")
    args = parser.parse_args()
    drop_times, floor_times, woke = latency(args.drops, args.idle)
    pairs = sorted(((pace := relay(args.messages)[0]) / (floor := bare_loop(args.messages)), pace, floor) for _ in range(args.rounds))
    ratio, pace, floor = pairs[len(pairs) // 2]
    _, smallest = relay(1)
    _, peak = relay(args.backlog)
    say(f"{'goal':<44} {'figure':>14} {'floor':>14} {'ratio':>10}")
    say(f"{'relay throughput (' + str(args.messages) + ' messages, median of ' + str(args.rounds) + ')':<44} {pace:>10.0f} /s {floor:>10.0f} /s {ratio:>9.2f}× "
          f"{'ok' if ratio >= 0.8 else 'UNDER 0.80'}")
    say(f"{'relay peak RSS, ' + str(args.backlog) + ' queued':<44} {peak / 1024:>11.1f} MB {smallest / 1024:>11.1f} MB "
          f"{peak / smallest:>9.2f}×  (floor: the same relay with 1 queued)")
    for share, label in ((0.5, "p50"), (0.95, "p95")):
        mine, floor_at = percentile(drop_times, share) * 1000, percentile(floor_times, share) * 1000
        say(f"{'drop to request, ' + label + ' (' + str(args.drops) + ' drops)':<44} {mine:>10.1f} ms {floor_at:>10.1f} ms "
              f"{mine / floor_at:>9.1f}× {'ok' if label != 'p50' or mine <= 50 else 'OVER 50 ms'}  (floor: the sandbox's own request time)")
    per_minute = woke * 60.0 / args.idle
    say(f"{'idle wake-ups per minute':<44} {per_minute:>13.0f} {60 / 2.0:>14.0f}            "
          f"{'ok' if per_minute == 0 else 'NOT 0'}  (floor: a relay looking every 2 s)")
    say(f"each pair's ratio, relay run first then its floor: {' '.join(f'{r:.2f}' for r, _, _ in pairs)} "
          "(the machine's own noise; the median counts)")
    if not args.no_record:
        record("relay", "python benchmarks/relay.py" + "".join(f" {a}" for a in sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

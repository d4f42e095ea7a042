"""sms-tui's speed and weight over a slow SSH link, each figure against a floor measured in the
same run on the same machine. One command:

    python benchmarks/run.py [--idle SECONDS] [--rounds N]

Timed assertions do not belong in the test suite; this table is the judge.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ptyprog import PtyProgram  # noqa: E402

PY = sys.executable
ROWS: list[tuple[str, str, str, str, str]] = []


def row(goal: str, figure: float | str, floor: float | str = "", unit: str = "", target: float | None = None) -> None:
    ratio = ""
    if isinstance(figure, float | int) and isinstance(floor, float | int) and floor:
        ratio = f"{figure / floor:.2f}×"
        if target is not None:
            ratio += " ok" if figure / floor <= target else " OVER"
    elif isinstance(figure, float | int) and target is not None:
        ratio = "ok" if figure <= target else "OVER"
    fig = f"{figure:.3g} {unit}" if isinstance(figure, float | int) else figure
    flo = f"{floor:.3g} {unit}" if isinstance(floor, float | int) else floor
    ROWS.append((goal, fig, flo, ratio, ""))


def env_home() -> dict[str, str]:
    home = tempfile.mkdtemp(prefix="sms-tui-bench-")
    return {"HOME": home, "XDG_CONFIG_HOME": f"{home}/.config", "XDG_STATE_HOME": f"{home}/.state",
            "XDG_CACHE_HOME": f"{home}/.cache", "TEXTUAL_ANIMATIONS": "none", "LANG": "pl_PL.UTF-8"}


def first_paint(argv: list[str], marker: bytes, rounds: int) -> tuple[float, int, int]:
    """Median seconds to the first paint, bytes of the first screen, peak RSS (kB)."""
    times, sizes, rss = [], [], []
    for _ in range(rounds):
        prog = PtyProgram(argv, env_home())
        try:
            times.append(prog.read_until(marker))
            prog.settle()
            sizes.append(len(prog.output))
            rss.append(prog.peak_rss_kb())
        finally:
            prog.close()
    return statistics.median(times), int(statistics.median(sizes)), int(statistics.median(rss))


def wizard_bytes(idle: float) -> dict[str, float]:
    """Bytes of the first screen, of a step change and of a typed key; then idle traffic on every
    step, focus in an input field wherever the step has one (steps 3, 5 and 6)."""
    prog = PtyProgram([PY, "-m", "sms_tui", "--demo"], env_home())
    figures: dict[str, float] = {}
    try:
        prog.read_until(b"Krok 1 z 6")
        figures["first"] = len(prog.output) + prog.settle()
        figures["idle_1"] = prog.count_for(idle)
        before = len(prog.output)
        prog.send(b"\x0e")  # ctrl+n: step 2
        prog.read_until(b"Krok 2 z 6")
        prog.settle()
        figures["step"] = len(prog.output) - before
        figures["idle_2"] = prog.count_for(idle)
        prog.send(b"\x1b")  # Esc back, then M: "I have an account" -> step 3 with focus in a field
        prog.settle()
        prog.send(b"m")
        prog.read_until(b"Krok 3 z 6")
        prog.settle()
        figures["idle_3"] = prog.count_for(idle)
        keys = [prog_send_and_settle(prog, ch) for ch in b"demo"]
        figures["key"] = statistics.median(keys)
        prog.send(b"\tfe01ce2a7fbac8fafaed7c982a04e229\x0e")  # the demo MD5, Next: live check
        prog.read_until(b"Krok 4 z 6")
        prog.settle()
        figures["idle_4"] = prog.count_for(idle)
        prog.send(b"\x0e")
        prog.read_until(b"Krok 5 z 6")  # focus in the number field
        prog.settle()
        figures["idle_5"] = prog.count_for(idle)
        prog.send(b"500000000\r\r")  # Enter to the text, Enter sends the test
        prog.read_until("✓".encode())
        prog.send(b"\x0e")
        prog.read_until(b"Krok 6 z 6")  # focus in the low-balance field
        prog.settle()
        figures["idle_6"] = prog.count_for(idle)
    finally:
        prog.close()
    return figures


def whiptail_key() -> float:
    prog = PtyProgram(["whiptail", "--inputbox", "Krok 1 z 6", "10", "40"], env_home())
    try:
        prog.read_until(b"Krok 1 z 6")
        prog.settle()
        return statistics.median(prog_send_and_settle(prog, ch) for ch in b"demo")
    finally:
        prog.close()


def prog_send_and_settle(prog: PtyProgram, ch: int) -> int:
    prog.send(bytes([ch]))
    return prog.settle(quiet=0.25)


def command_times(rounds: int) -> tuple[list[tuple[str, float]], dict[str, list[str]]]:
    from sms_tui.sandbox import Sandbox

    results = []
    with Sandbox() as sandbox:
        home = env_home()
        config = Path(home["HOME"]) / "smsapi.toml"
        answers = Path(home["HOME"]) / "answers.toml"
        answers.write_text('[account]\ntoken = "demo-token"\n[test]\nto = "500000000"\n')
        env = {**os.environ, **home}
        subprocess.run([PY, "-m", "sms_tui", "apply", str(answers), "--config", str(config), "--api-url", sandbox.url],
                       env=env, capture_output=True, check=True)
        for name, argv in (("--version", ["--version"]), ("show", ["show", "--config", str(config)]),
                           ("check", ["check", "--config", str(config)]), ("apply --help", ["apply", "--help"])):
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                subprocess.run([PY, "-m", "sms_tui", *argv], env=env, capture_output=True)
                samples.append(time.perf_counter() - started)
            results.append((name, statistics.median(samples)))
        tops = {command: import_top(command, env, str(config)) for command in ("show", "check")}
        for name, code in FLOORS:
            floor = []
            for _ in range(rounds):
                started = time.perf_counter()
                subprocess.run([PY, "-c", code], env={**env, "FLOOR_URL": sandbox.url}, capture_output=True, check=True)
                floor.append(time.perf_counter() - started)
            results.append((name, statistics.median(floor)))
    return results, tops


# What the commands cannot go below: the interpreter, then the libraries the design asks for
# (pydantic for the settings and answers, httpx on asyncio/anyio for the client).
BARE_REQUEST = """
import asyncio, httpx, os
async def main():
    async with httpx.AsyncClient() as http:
        await http.get(os.environ["FLOOR_URL"] + "user.do")
asyncio.run(main())
"""
PYDANTIC_MODEL = "from pydantic import BaseModel, SecretStr\nclass M(BaseModel):\n    s: SecretStr"
FLOORS = (("python -c pass (floor)", "pass"),
          ("  + one pydantic model with a SecretStr (floor of `show`)", PYDANTIC_MODEL),
          ("  + one bare httpx request on asyncio (floor of `check`)", PYDANTIC_MODEL + BARE_REQUEST))


def import_top(command: str, env: dict[str, str], config: str, n: int = 6) -> list[str]:
    """The biggest top-level imports (cumulative), the packages a command pulls in."""
    done = subprocess.run([PY, "-X", "importtime", "-m", "sms_tui", command, "--config", config],
                          capture_output=True, text=True, env=env)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            parts = line[len("import time:"):].split("|")
            name = parts[2]
            if parts[1].strip().isdigit() and not name[1:].startswith(" "):
                rows.append((int(parts[1]), name.strip()))
    return [f"{us / 1000:.1f} ms {name}" for us, name in sorted(rows, reverse=True)[:n]]


async def send_overhead(rounds: int) -> tuple[float, float]:
    import httpx

    from sms_tui.sandbox import Sandbox
    from sms_tui.smsapi import ClientOptions, Credentials, SmsapiClient

    with Sandbox() as sandbox:
        sandbox.state.accounts["demo"].points = 1e9
        form = {"to": "48500000000", "message": "x", "from": "ECO", "format": "json", "encoding": "utf-8", "details": "1"}
        async with httpx.AsyncClient() as http:
            await http.post(sandbox.url + "sms.do", data={**form, "test": "1"}, headers={"Authorization": "Bearer demo-token"})
            started = time.perf_counter()
            for i in range(rounds):
                await http.post(sandbox.url + "sms.do", data={**form, "idx": f"bare-{i}", "check_idx": "1"},
                                headers={"Authorization": "Bearer demo-token"})
            bare = (time.perf_counter() - started) / rounds
        async with SmsapiClient(Credentials.bearer("demo-token"), ClientOptions(api_url=sandbox.url)) as api:
            await api.send("48500000000", "x", "ECO", test=True)
            started = time.perf_counter()
            for _ in range(rounds):
                await api.send("48500000000", "x", "ECO")
            ours = (time.perf_counter() - started) / rounds
    return ours * 1000, bare * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle measured per step")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    # Byte-compile as an installed package is: an editable checkout (or PYTHONDONTWRITEBYTECODE)
    # would otherwise recompile every edited module on every start and measure the compiler.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "sms_tui")], check=True)

    ours_t, _, ours_rss = first_paint([PY, "-m", "sms_tui"], b"Krok 1 z 6", args.rounds)
    demo_t, _, demo_rss = first_paint([PY, "-m", "sms_tui", "--demo"], b"Krok 1 z 6", args.rounds)
    min_t, min_b, min_rss = first_paint([PY, str(ROOT / "benchmarks" / "minimal_app.py")], b"Krok 1 z 6", args.rounds)
    row("time to first paint (pty 80×24) ≤ 1.15× minimal app", ours_t, min_t, "s", 1.15)
    row("peak RSS ≤ 1.15× minimal app", ours_rss / 1024, min_rss / 1024, "MB", 1.15)
    row("  --demo (adds the sandbox) first paint", demo_t, min_t, "s")
    row("  --demo peak RSS", demo_rss / 1024, min_rss / 1024, "MB")
    if shutil.which("whiptail"):
        wt, wb, _ = first_paint(["whiptail", "--msgbox", "Krok 1 z 6", "10", "40"], b"Krok 1 z 6", args.rounds)
        row("whiptail first paint (reference)", wt, "", "s")
        row("whiptail first screen (reference)", wb / 1024, "", "KB")
        row("whiptail typed character (reference)", whiptail_key(), "", "B")
    figures = wizard_bytes(args.idle)
    row("first screen ≤ 12 KB (256 colours)", figures["first"] / 1024, min_b / 1024, "KB", None)
    ROWS[-1] = (*ROWS[-1][:3], "ok" if figures["first"] <= 12 * 1024 else "OVER", "floor: minimal app")
    row("step change ≤ 6 KB", figures["step"] / 1024, "", "KB", 6)
    row("typed character ≤ 300 B", figures["key"], "", "B", 300)
    for step in range(1, 7):
        where = " (focus in a field)" if step in (3, 5, 6) else ""
        row(f"idle, step {step}{where}, {args.idle:g} s: 0 B/s", figures[f"idle_{step}"] / args.idle, "", "B/s", 0)
    times, tops = command_times(args.rounds)
    floors = {"show": times[-2][1], "check": times[-1][1]}  # the libraries they cannot do without
    for name, seconds in times:
        if "floor" in name:
            row(name, seconds, "", "s")
            continue
        row(f"`sms-tui {name}` ≤ 0.15 s median", seconds, floors.get(name, ""), "s")
        verdict = "ok" if seconds <= 0.15 else "OVER"
        ROWS[-1] = (*ROWS[-1][:3], f"{ROWS[-1][3]} {verdict}".strip(), "floor: its libraries" if name in floors else "")
    ours_ms, bare_ms = asyncio.run(send_overhead(50))
    row("test send vs bare httpx: ≤ +10 ms", ours_ms, bare_ms, "ms", None)
    ROWS[-1] = (*ROWS[-1][:3], f"+{ours_ms - bare_ms:.2f} ms " + ("ok" if ours_ms - bare_ms <= 10 else "OVER"), "")

    width = max(len(r[0]) for r in ROWS)
    print(f"{'goal':<{width}}  {'figure':>12}  {'floor':>12}  ratio")
    for goal, fig, flo, ratio, note in ROWS:
        print(f"{goal:<{width}}  {fig:>12}  {flo:>12}  {ratio} {note}".rstrip())
    for command, lines in tops.items():
        print(f"\n`sms-tui {command}`: biggest top-level imports (python -X importtime, cumulative):")
        for line in lines:
            print("  " + line)
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {os.uname().sysname} {os.uname().machine}")


if __name__ == "__main__":
    main()

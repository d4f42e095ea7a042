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

from benchmarks.record import record, say  # noqa: E402
from tests.ptyprog import PtyProgram  # noqa: E402

PY = sys.executable
ROWS: list[tuple[str, str, str, str, str]] = []


def row(goal: str, figure: float | str, floor: float | str = "", unit: str = "", target: float | None = None,
        ratio_value: float | None = None) -> None:
    """`ratio_value`: the median of per-round ratios when figure and floor were measured in pairs."""
    ratio = ""
    if isinstance(figure, float | int) and isinstance(floor, float | int) and floor:
        value = ratio_value if ratio_value is not None else figure / floor
        ratio = f"{value:.2f}×"
        if target is not None:
            ratio += " ok" if value <= target else " OVER"
    elif isinstance(figure, float | int) and target is not None:
        ratio = "ok" if figure <= target else "OVER"
    fig = f"{figure:.3g} {unit}" if isinstance(figure, float | int) else figure
    flo = f"{floor:.3g} {unit}" if isinstance(floor, float | int) else floor
    ROWS.append((goal, fig, flo, ratio, ""))


def env_home() -> dict[str, str]:
    home = tempfile.mkdtemp(prefix="sms-tui-bench-")
    return {"HOME": home, "XDG_CONFIG_HOME": f"{home}/.config", "XDG_STATE_HOME": f"{home}/.state",
            "XDG_CACHE_HOME": f"{home}/.cache", "TEXTUAL_ANIMATIONS": "none", "LANG": "pl_PL.UTF-8"}


def paint_once(argv: list[str], marker: bytes) -> tuple[float, int, int]:
    """Seconds to the first paint, bytes of the first screen, peak RSS (kB)."""
    prog = PtyProgram(argv, env_home())
    try:
        seconds = prog.read_until(marker)
        prog.settle()
        return seconds, len(prog.output), prog.peak_rss_kb()
    finally:
        prog.close()


def first_paint(argv: list[str], marker: bytes, rounds: int) -> tuple[float, int, int]:
    """Medians of `rounds` starts."""
    runs = [paint_once(argv, marker) for _ in range(rounds)]
    return (statistics.median(r[0] for r in runs), int(statistics.median(r[1] for r in runs)),
            int(statistics.median(r[2] for r in runs)))


def paired_paints(programs: dict[str, list[str]], rounds: int) -> dict[str, list[tuple[float, int, int]]]:
    """Each round starts every program once, one after the other: a shared machine's slow minute
    then hits the figure and its floor alike, and the per-round ratio stays honest."""
    runs: dict[str, list[tuple[float, int, int]]] = {name: [] for name in programs}
    for _ in range(rounds):
        for name, argv in programs.items():
            runs[name].append(paint_once(argv, b"Krok 1 z 6"))
    return runs


def median_ratio(figures: list[float], floors: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(figures, floors, strict=True))


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
        # The test is followed to the phone (~5 s in the sandbox): the report repaints the step, so
        # idle is measured after it, not while it arrives.
        prog.read_until("doręczono".encode())
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


def command_times(rounds: int) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """Seconds per run of each command and each floor, in rounds (every one once per round)."""
    from sms_tui.sandbox import Sandbox

    with Sandbox() as sandbox:
        home = env_home()
        config = Path(home["HOME"]) / "smsapi.toml"
        answers = Path(home["HOME"]) / "answers.toml"
        answers.write_text('[account]\ntoken = "demo-token"\n[test]\nto = "500000000"\n')
        env = {**os.environ, **home, "FLOOR_URL": sandbox.url}
        subprocess.run([PY, "-m", "sms_tui", "apply", str(answers), "--config", str(config), "--api-url", sandbox.url],
                       env=env, capture_output=True, check=True)
        runs: dict[str, list[str]] = {
            "--version": [PY, "-m", "sms_tui", "--version"],
            "show": [PY, "-m", "sms_tui", "show", "--config", str(config)],
            "check": [PY, "-m", "sms_tui", "check", "--config", str(config)],
            "apply --help": [PY, "-m", "sms_tui", "apply", "--help"],
            **{name: [PY, "-c", code] for name, code in FLOORS},
        }
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(rounds):
            for name, argv in runs.items():
                started = time.perf_counter()
                subprocess.run(argv, env=env, capture_output=True)
                samples[name].append(time.perf_counter() - started)
        tops = {command: import_top(command, env, str(config)) for command in ("show", "check")}
    return samples, tops


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
    parser.add_argument("--no-record", action="store_true", help="print only; leave docs/benchmarks.md as it is")
    args = parser.parse_args()
    # Byte-compile as an installed package is: an editable checkout (or PYTHONDONTWRITEBYTECODE)
    # would otherwise recompile every edited module on every start and measure the compiler.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "sms_tui")], check=True)

    runs = paired_paints({"ours": [PY, "-m", "sms_tui"], "demo": [PY, "-m", "sms_tui", "--demo"],
                          "minimal": [PY, str(ROOT / "benchmarks" / "minimal_app.py")]}, args.rounds)

    def med(name: str, index: int) -> float:
        return statistics.median(r[index] for r in runs[name])

    def ratio(name: str, index: int) -> float:
        return median_ratio([r[index] for r in runs[name]], [r[index] for r in runs["minimal"]])

    min_b = med("minimal", 1)
    row("time to first paint (pty 80×24) ≤ 1.15× minimal app", med("ours", 0), med("minimal", 0), "s", 1.15,
        ratio("ours", 0))
    row("peak RSS ≤ 1.15× minimal app", med("ours", 2) / 1024, med("minimal", 2) / 1024, "MB", 1.15, ratio("ours", 2))
    row("  --demo (adds the sandbox) first paint", med("demo", 0), med("minimal", 0), "s", None, ratio("demo", 0))
    row("  --demo peak RSS", med("demo", 2) / 1024, med("minimal", 2) / 1024, "MB", None, ratio("demo", 2))
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
    floor_of = {"show": FLOORS[1][0], "check": FLOORS[2][0]}  # the libraries they cannot do without
    for name, samples in times.items():
        seconds = statistics.median(samples)
        if name in dict(FLOORS):
            row(name, seconds, "", "s")
            continue
        floor = floor_of.get(name)
        ratio_value = median_ratio(samples, times[floor]) if floor else None
        row(f"`sms-tui {name}` ≤ 0.15 s median", seconds, statistics.median(times[floor]) if floor else "", "s",
            None, ratio_value)
        verdict = "ok" if seconds <= 0.15 else "OVER"
        ROWS[-1] = (*ROWS[-1][:3], f"{ROWS[-1][3]} {verdict}".strip(), "floor: its libraries" if floor else "")
    ours_ms, bare_ms = asyncio.run(send_overhead(50))
    row("test send vs bare httpx: ≤ +10 ms", ours_ms, bare_ms, "ms", None)
    ROWS[-1] = (*ROWS[-1][:3], f"+{ours_ms - bare_ms:.2f} ms " + ("ok" if ours_ms - bare_ms <= 10 else "OVER"), "")

    width = max(len(r[0]) for r in ROWS)
    say(f"{'goal':<{width}}  {'figure':>12}  {'floor':>12}  ratio")
    for goal, fig, flo, ratio, note in ROWS:
        say(f"{goal:<{width}}  {fig:>12}  {flo:>12}  {ratio} {note}".rstrip())
    for command, lines in tops.items():
        say(f"\n`sms-tui {command}`: biggest top-level imports (python -X importtime, cumulative):")
        for line in lines:
            say("  " + line)
    if not args.no_record:
        record("run", "python benchmarks/run.py" + "".join(f" {a}" for a in sys.argv[1:]))


if __name__ == "__main__":
    main()

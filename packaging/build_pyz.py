"""Build sms-tui as one file for servers without a package index: `sms-tui-VERSION-pyXY.pyz`.

    python packaging/build_pyz.py [--python /usr/bin/python3.11] [--out dist] [--wheelhouse DIR]

The libraries come from `constraints.txt` (the versions the tests ran with), installed by the
target interpreter's own pip, because pydantic-core is compiled for one Python version: a file per
version, and its shebang names that version (`/usr/bin/env python3.11`). `--wheelhouse` builds
offline from `pip download` wheels. shiv zips them; the archive then gets its own first module
(`pyz_main.py`), so a user without a writable HOME can run it too.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIM = "_sms_tui_pyz"


def _version() -> str:
    for line in (ROOT / "sms_tui" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("no __version__ in sms_tui/__init__.py")


def _python_version(python: str) -> tuple[int, int]:
    out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, check=True)
    major, minor = out.stdout.split()
    return int(major), int(minor)


def _install(python: str, site: Path, wheelhouse: Path | None) -> None:
    source = tempfile.mkdtemp(prefix="sms-tui-src-")
    try:
        # A copy without build leftovers: pip builds the wheel from it, hatchling reads pyproject.
        shutil.copytree(ROOT, source, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".git", "dist", "build", "*.egg-info", "__pycache__", ".tox", ".venv", "*.pyz"))
        argv = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
                "--target", str(site), "--constraint", str(ROOT / "constraints.txt"), source]
        if wheelhouse is not None:
            argv[4:4] = ["--no-index", "--find-links", str(wheelhouse)]
        subprocess.run(argv, check=True)
    finally:
        shutil.rmtree(source, ignore_errors=True)


def _with_shim(built: Path, target: Path) -> None:
    """The same archive with `__main__` running pyz_main first (shiv's own bootstrap after it)."""
    data = built.read_bytes()
    with zipfile.ZipFile(built) as archive:
        start = data.index(b"PK\x03\x04")  # the shebang line shiv wrote comes before the zip
        with target.open("wb") as out:
            out.write(data[:start])
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as new:
                for item in archive.infolist():
                    if item.filename != "__main__.py":
                        new.writestr(item, archive.read(item))
                new.write(Path(__file__).with_name("pyz_main.py"), f"{SHIM}.py")
                new.writestr("__main__.py", f"import {SHIM}\n{SHIM}.main()\n")
    target.chmod(0o755)


def build(python: str, out: Path, wheelhouse: Path | None = None) -> Path:
    major, minor = _python_version(python)
    target = out / f"sms-tui-{_version()}-py{major}{minor}.pyz"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sms-tui-pyz-") as work:
        site, built = Path(work) / "site-packages", Path(work) / "shiv.pyz"
        _install(python, site, wheelhouse)
        subprocess.run([sys.executable, "-m", "shiv", "--site-packages", str(site), "--console-script", "sms-tui",
                        "--python", f"/usr/bin/env python{major}.{minor}", "--reproducible", "--output-file", str(built)],
                       check=True, stdout=subprocess.DEVNULL)
        _with_shim(built, target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter the file is for (default: this one)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the .pyz goes (default: dist/)")
    parser.add_argument("--wheelhouse", type=Path, help="build offline from these wheels (pip download -d DIR …)")
    args = parser.parse_args()
    print(build(args.python, args.out, args.wheelhouse))
    return 0


if __name__ == "__main__":
    sys.exit(main())

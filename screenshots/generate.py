"""Write the README's screenshots: the same recipes the snapshot tests compare (tests/tour.py).

    python screenshots/generate.py        # SVGs into screenshots/
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
# Like the tests: a throw-away HOME, so no draft or log of yours changes the pictures.
_home = tempfile.mkdtemp(prefix="sms-tui-shots-")
for _var, _sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".state"), ("XDG_CACHE_HOME", ".cache")):
    os.environ[_var] = os.path.join(_home, _sub)


async def shoot() -> None:
    from sms_tui import i18n
    from sms_tui.sandbox import Sandbox
    from tests.tour import TOUR, tour_app

    for stop in TOUR:
        os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(dir=_home)  # no draft carried from stop to stop
        if stop.no_color:
            os.environ["NO_COLOR"] = "1"
        else:
            os.environ.pop("NO_COLOR", None)
        i18n.set_language(stop.lang)
        with Sandbox() as sandbox:
            app = tour_app(sandbox)
            async with app.run_test(size=(80, 24)) as pilot:
                await stop.run_before(pilot)
                await pilot.pause()
                path = app.save_screenshot(filename=f"{stop.name}.svg", path=str(ROOT / "screenshots"))
                print(path)


if __name__ == "__main__":
    asyncio.run(shoot())

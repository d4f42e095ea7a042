"""What the outbox's tests share: waiting for a condition (never for a time), and a shop's
settings applied against the sandbox in a folder other users can reach."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sms_tui.cli import main
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from tests.conftest import DEMO_MD5
from tests.samples import NO_LIMITS


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60.0, every: float = 0.02) -> None:
    """Until `condition` holds (`every`: the pause between looks — longer for a look that reads
    thousands of files, so it does not take the CPU from the process it waits for)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(every)


def shop_settings(shared: Path, sandbox: Sandbox, tmp_path: Path, sections: str) -> tuple[Path, Path]:
    """ECO settings in `shared`/etc (a 0755 folder, as /etc is), the outbox in `shared`/spool;
    `sections` adds to the answers (`{outbox}` stands for the outbox's path). The settings file and
    the outbox; the sandbox's outbox emptied of the set-up's test SMS."""
    config, outbox = shared / "etc" / "smsapi.toml", shared / "spool"
    answers = tmp_path / "answers.toml"
    answers.write_text(f'[account]\nusername = "demo"\npassword_md5 = "{DEMO_MD5}"\n[sender]\nmode = "eco"\n[test]\nto = "500000000"\n' + NO_LIMITS
                       + sections.replace("{outbox}", str(outbox)))
    (shared / "etc").mkdir(mode=0o755)
    assert main(["apply", str(answers), "--api-url", sandbox.url, "--config", str(config)]) == ExitCode.OK
    sandbox.state.outbox.clear()
    return config, outbox

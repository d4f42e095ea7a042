"""What several test layers start from: answers files, a saved settings model, a stand-in for
systemctl/crontab/loginctl. Kept here so that no test module imports another."""

from __future__ import annotations

import shutil
from pathlib import Path

from pydantic import SecretStr

from sms_tui.settings.model import AccountSettings, SenderSettings, Settings, Verified
from tests.conftest import DEMO_MD5

# The outbox's own tests are about its mechanics, not the money guard's: every limit off (still counted).
NO_LIMITS = "[guard]\nduplicate_minutes = 0\nper_recipient_day = 0\nper_hour = 0\npoints_day = 0\npoints_month = 0\n"
ECO_MD5 = f"""
[account]
username = "demo"
password_md5 = "{DEMO_MD5.upper()}"
[sender]
mode = "eco"
[test]
to = "+48 500-000-000"
"""
PRO_TOKEN = """
[account]
token = "demo-token"
[sender]
mode = "pro"
name = "DemoSerwis"
[test]
to = "600 123 456"
message = "Serwis: test bramki"
"""

# Records each call and keeps a crontab in a file: the timer tests run the real command lines
# against it where the real tools are absent or must not be touched.
FAKE_TOOL = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
if [ "$(basename "$0")" = crontab ]; then
  case "$1" in
    -l) [ -f "{tab}" ] && exec cat "{tab}"; echo "no crontab for tester" >&2; exit 1 ;;
    -) cat > "{tab}" ;;
  esac
fi
if [ "$(basename "$0")" = loginctl ]; then echo no; fi
exit 0
"""


def answers_file(tmp_path: Path, text: str, name: str = "answers.toml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def saved_settings(md5: str = DEMO_MD5) -> Settings:
    return Settings(account=AccountSettings(username="demo", password_md5=SecretStr(md5)),
                    sender=SenderSettings(mode="pro", name="DemoSerwis"),
                    verified=Verified(to="48500000000", message_id="1", points=0.16))


def checkout_copy(tmp_path: Path) -> Path:
    """The checkout without its venvs and caches, as a technician's copy would be."""
    target = tmp_path / "sms-tui"
    shutil.copytree(Path(__file__).parents[1], target,
                    ignore=shutil.ignore_patterns(".git", ".venv", ".ci-venv*", "__pycache__", ".mypy_cache", ".ruff_cache",
                                                  "*.egg-info", ".pytest_cache", ".hypothesis", "site"))
    return target

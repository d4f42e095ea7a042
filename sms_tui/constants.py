"""Every SMS_TUI_* environment variable, read here and nowhere else (as Textual's constants.py),
and the few fixed facts more than one module needs.

Read when asked, not at import: a test's monkeypatch and a wizard started after `export` see the
current value. `VARIABLES` is the list docs/headless.md documents (a test holds them to each other).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

REFERRAL_CODE = "AC6K"  # the vendor's, in every registration link
REGISTRATION_LINK = f"https://ssl.smsapi.{{tld}}/rejestracja/{REFERRAL_CODE}"  # {tld}: pl or com
REGISTRATION_URL = REGISTRATION_LINK.format(tld="pl")  # step 1's, before a platform is chosen
# A number for the checks that need one before the technician typed any (a `test=1` send, a
# diagnosis): a valid Polish mobile number, never delivered to.
PROBE_NUMBER = "48500000000"
ACCOUNT_NAME = r"^[a-z_][a-z0-9_-]{0,31}\$?$"  # a Linux user or group name (useradd's rule): [files] group / user
SETTINGS_SCHEMA = 1  # the settings file's `schema`: a newer one is never overwritten

VARIABLES: dict[str, str] = {
    "SMS_TUI_CONFIG": "the settings file, when --config is not given",
    "SMS_TUI_SYSTEM_CONFIG": "root's settings file, when neither --config nor SMS_TUI_CONFIG is given (default /etc/sms-tui/smsapi.toml)",
    "SMS_TUI_OUTBOX": "the outbox folder, when the settings name none ([outbox] dir; default /var/spool/sms-tui as root)",
    "SMS_TUI_LOG": "the log file, instead of the user log folder",
    "SMS_TUI_DRAFT": "the wizard's resume draft, instead of one per settings file in the user state folder",
    "SMS_TUI_PUBLIC_IP": "this server's public address, named in the IP-filter diagnosis when SMSAPI does not say it",
    "SMS_TUI_THEME": "a Textual theme for the wizard (a wrong name is a usage error listing the themes)",
    "SMS_TUI_FULL_REPAINT": "1: send every frame whole instead of only the changed cells",
}


def _get(name: str, env: Mapping[str, str] | None = None) -> str | None:
    assert name in VARIABLES, name
    value = (os.environ if env is None else env).get(name, "").strip()
    return value or None


def _path(name: str, env: Mapping[str, str] | None = None) -> Path | None:
    value = _get(name, env)
    return Path(value).expanduser() if value else None


def config_path(env: Mapping[str, str] | None = None) -> Path | None:
    return _path("SMS_TUI_CONFIG", env)


SYSTEM_CONFIG = Path("/etc/sms-tui/smsapi.toml")  # root's default, as msmtp's /etc/msmtprc: a shop service can reach it


def system_config_path(env: Mapping[str, str] | None = None) -> Path:
    return _path("SMS_TUI_SYSTEM_CONFIG", env) or SYSTEM_CONFIG


SYSTEM_OUTBOX = Path("/var/spool/sms-tui")  # root's outbox, as smstools3's /var/spool/sms


def outbox_path() -> Path | None:
    return _path("SMS_TUI_OUTBOX")


def log_path() -> Path | None:
    return _path("SMS_TUI_LOG")


def draft_path() -> Path | None:
    return _path("SMS_TUI_DRAFT")


def public_ip() -> str | None:
    return _get("SMS_TUI_PUBLIC_IP")


def theme() -> str | None:
    return _get("SMS_TUI_THEME")


def full_repaint() -> bool:
    return _get("SMS_TUI_FULL_REPAINT") not in (None, "0", "no", "false")

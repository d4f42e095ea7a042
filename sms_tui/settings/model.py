"""What the wizard and `apply` produce and the shop software reads (documented in docs/settings.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from sms_tui import constants
from sms_tui.compat import UTC
from sms_tui.rules import check_sender_name
from sms_tui.rules.text import mask
from sms_tui.smsapi.auth import AuthMode, Credentials, Platform

SCHEMA = constants.SETTINGS_SCHEMA


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class AccountSettings(_Section):
    platform: Platform = Platform.PL
    auth: AuthMode = AuthMode.MD5
    username: str = ""
    password_md5: SecretStr | None = None
    token: SecretStr | None = None
    api_url: str | None = None  # only when not SMSAPI itself: a proxy or the sandbox

    @model_validator(mode="after")
    def _one_secret(self) -> AccountSettings:
        if self.auth is AuthMode.MD5 and not (self.username and self.password_md5):
            raise ValueError("auth = md5 needs username and password_md5")
        if self.auth is AuthMode.TOKEN and not self.token:
            raise ValueError("auth = token needs token")
        return self

    def credentials(self) -> Credentials:
        if self.auth is AuthMode.TOKEN:
            assert self.token is not None
            return Credentials(AuthMode.TOKEN, username=self.username, token=self.token)
        assert self.password_md5 is not None
        return Credentials(AuthMode.MD5, username=self.username, password_md5=self.password_md5)


class SenderSettings(_Section):
    mode: Literal["eco", "pro"] = "eco"
    name: str | None = None
    # An own name asked of SMSAPI and not yet switched to: the shop keeps `mode` meanwhile, and
    # `check` says when it is approved (`sms-tui sender use NAME` switches).
    requested: str | None = None
    requested_at: datetime | None = None  # UTC

    @field_validator("requested")
    @classmethod
    def _requested_is_a_name(cls, value: str | None) -> str | None:
        """Printed by check, watch and sender list: a hand-edited value with escape sequences or
        that `sender add` would refuse never reaches the terminal or a notice."""
        if value is None:
            return None
        from sms_tui.i18n import t  # noqa: PLC0415 — sms_tui.i18n adds 1 ms to sms_tui.settings.model (python -X importtime)

        check = check_sender_name(value)
        if not check.ok or check.name != value:
            raise ValueError(t("config.requested_invalid", value=ascii(value)[:40]))
        return value

    @model_validator(mode="after")
    def _name_for_pro(self) -> SenderSettings:
        if self.mode == "pro" and not self.name:
            raise ValueError("mode = pro needs name")
        return self

    @property
    def from_field(self) -> str:
        """The `from` parameter of sms.do."""
        return "ECO" if self.mode == "eco" else (self.name or "")


class Verified(_Section):
    """The test send that allowed saving; `skipped` when saved without one after confirmation."""

    to: str = ""
    message_id: str = ""
    points: float = 0.0
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    skipped: bool = False
    status: str | None = None  # the last delivery status seen (DELIVERED, QUEUE, UNDELIVERED…); None = not followed
    delivered_at: datetime | None = None  # UTC, when DELIVERED was first seen


Watch = Literal["hourly", "daily", "off"]


class Alerts(_Section):
    """What `sms-tui watch` looks for and whom it tells (docs/headless.md: "The watch")."""

    low_balance: float = Field(0.0, ge=0, allow_inf_nan=False)  # warn below this many points; 0 = off
    notify_to: str | None = None  # the owner's phone (digits with the country code): notices by SMS
    notify_command: list[str] | None = None  # run without a shell, the notice as one JSON object on stdin
    watch: Watch = "off"  # the timer the wizard or `apply` installed
    language: Literal["pl", "en"] = "pl"  # of the notices: the owner reads them, not the technician


ACCOUNT_NAME = constants.ACCOUNT_NAME


class Files(_Section):
    """Who besides the owner may read the settings: the shop software's group (root:GROUP 0640 in a
    0750 folder) or its user (the file is that user's, 0600). Neither: 0600, the writer's."""

    group: str | None = Field(None, pattern=ACCOUNT_NAME)
    user: str | None = Field(None, pattern=ACCOUNT_NAME)

    @model_validator(mode="after")
    def _one_reader(self) -> Files:
        if self.group and self.user:
            raise ValueError("group or user, not both")
        return self

    @property
    def mode(self) -> int:
        """The file's permission bits: group-readable only for a named group."""
        return 0o640 if self.group else 0o600


class Outbox(_Section):
    """Where the shop's programs drop messages for `sms-tui relay` (docs/outbox.md)."""

    dir: str | None = None  # default: /var/spool/sms-tui as root, else the user state folder's outbox/
    # The group whose members may drop messages (the drop folder's), without reading the settings:
    # the relay alone holds the secret. Default: [files] group (which also lets them read the settings).
    group: str | None = Field(None, pattern=ACCOUNT_NAME)
    on_event: list[str] | None = None  # run without a shell, one event as JSON on stdin: sent, delivered, failed…
    concurrency: int = Field(4, ge=1, le=32)  # requests in flight at once while a backlog drains
    # smsd's own hooks, called exactly as smsd calls them (docs/outbox.md: "Coming from SMS Server Tools 3"):
    eventhandler: str | None = None  # PATH: `PATH SENT|FAILED|REPORT RECORD [MESSAGE_ID]`
    checkhandler: str | None = None  # PATH: `PATH FILE` before a message is taken; 0 send, 1 refuse, 2 read it again
    date_format: str = "%y-%m-%d %H:%M:%S"  # Sent:/Failed:/Delivered: (smsd's datetime_format, local time); "iso": ISO 8601 UTC


class Guard(_Section):
    """The money guard (docs/guard.md): what one shop may send before a human is asked. 0 switches a
    limit off; `enabled = false` switches the guard off. The defaults cover three times a busy
    workshop's busiest day and stop a runaway program within the hour."""

    enabled: bool = True
    duplicate_minutes: int = Field(60, ge=0, le=7 * 24 * 60)  # the same text to the same number again within this: not sent
    per_recipient_day: int = Field(6, ge=0)  # messages to one number per calendar day
    per_hour: int = Field(150, ge=0)  # messages in any 60 minutes, the whole shop
    points_day: float = Field(100.0, ge=0, allow_inf_nan=False)  # points per calendar day
    points_month: float = Field(1500.0, ge=0, allow_inf_nan=False)  # points per calendar month
    ledger: str | None = None  # where the counts are kept; default: the outbox's guard/ledger.sqlite


class Export(_Section):
    """The shop software's copies of the account (`sms-tui export`), named once: every save rewrites
    them, so a `sender use` or a changed secret never leaves the program sending with the old one."""

    env: str | None = None  # a systemd EnvironmentFile= / shell file, absolute
    json_: str | None = Field(None, alias="json")  # the same as one JSON object, absolute

    def target(self, kind: str) -> str | None:
        return self.env if kind == "env" else self.json_

    def with_target(self, kind: str, path: str) -> Export:
        return self.model_copy(update={"env" if kind == "env" else "json_": path})


class Settings(_Section):
    schema_: int = Field(SCHEMA, alias="schema")
    account: AccountSettings
    sender: SenderSettings = Field(default_factory=SenderSettings)
    verified: Verified | None = None
    alerts: Alerts = Field(default_factory=Alerts)
    files: Files = Field(default_factory=Files)
    outbox: Outbox = Field(default_factory=Outbox)
    guard: Guard = Field(default_factory=Guard)
    export: Export = Field(default_factory=Export)

    def to_toml_dict(self) -> dict[str, Any]:
        """Plain data for the TOML writer: secrets revealed (the file is 0600), Nones dropped."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        if not data.get("files"):
            data.pop("files", None)  # nobody named: no empty section in the file
        if self.outbox == Outbox():
            data.pop("outbox", None)  # no outbox configured: files saved before it existed keep their bytes
        if self.guard == Guard():
            data.pop("guard", None)  # the defaults: not written out, so a later release's defaults apply
        if not data.get("export"):
            data.pop("export", None)
        account = data["account"]
        for key in ("password_md5", "token"):
            secret = getattr(self.account, key)
            if secret is not None:
                account[key] = secret.get_secret_value()
        return data

    def masked(self) -> dict[str, Any]:
        """For `show` and the summary: the same shape with every secret masked."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        for key in ("password_md5", "token"):
            if getattr(self.account, key) is not None:
                data["account"][key] = mask(getattr(self.account, key).get_secret_value())
        return data



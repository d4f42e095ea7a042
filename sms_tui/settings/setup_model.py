"""The setup being made: one model behind the wizard's fields, the answers file, the draft and the
saved settings. Before it, one setup was described four times and mapped by hand, and the rules
drifted apart (a threshold the wizard refused, a draft could carry; a number `apply` cut, the
wizard kept). Now each of them is a view of this model:

- the wizard's fields are the model (the Wizard is its only writer, every assignment validated);
- `answers.read` turns the answers file into one (`apply`);
- `Setup.from_settings` pre-fills it from the saved file, `to_settings` is what gets saved;
- the draft is `draft_values()` (no secret can get in: those fields are marked) and a resume is
  `from_draft`, which keeps whatever each field's own validation refuses at its current value.

The values are kept as typed (a number "500 000 000", a name with a stray space): the screens
show them back; they are normalised where they leave the model (`test_number`, `sender_settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from sms_tui import checks, rules
from sms_tui.compat import UTC
from sms_tui.i18n import language, t
from sms_tui.logs import register_secret
from sms_tui.settings import vocabulary
from sms_tui.smsapi.auth import AuthMode, Credentials, Platform

if TYPE_CHECKING:
    from sms_tui.settings.model import AccountSettings, Alerts, SenderSettings, Settings, Verified

SecretKind = vocabulary.SecretKind
Watch = Literal["hourly", "daily", "off"]
# Marks a field the draft never holds: secrets (the draft is not a secret store), and what comes
# from elsewhere on a resume (the command line, the saved file).
NOT_DRAFTED: dict[str, Any] = {"draft": False}


class Setup(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    # step 2
    checklist: dict[str, bool] = Field(default_factory=lambda: dict.fromkeys(vocabulary.CHECKLIST, False))
    # step 3
    platform: Platform = Platform.PL
    secret_kind: SecretKind = "md5"
    username: str = ""
    password_md5: SecretStr | None = Field(None, json_schema_extra=NOT_DRAFTED)
    token: SecretStr | None = Field(None, json_schema_extra=NOT_DRAFTED)
    api_url: str | None = Field(None, json_schema_extra=NOT_DRAFTED)  # only when not SMSAPI itself
    # step 4
    sender_mode: Literal["eco", "pro"] = "eco"
    sender_name: str = ""
    requested_sender: str | None = None  # asked of SMSAPI, not yet approved (drafted: a resume keeps following it)
    requested_at: datetime | None = None
    # step 5
    test_to: str = ""
    test_message: str = Field(default_factory=lambda: t("flow.test_message"))
    # step 6 and the watch
    low_balance: float = Field(0.0, ge=0, allow_inf_nan=False)  # warn below this many points; 0 = off
    notify_to: str = ""
    notify_command: list[str] | None = Field(None, json_schema_extra=NOT_DRAFTED)
    watch: Watch | None = "off"  # None (answers only): leave an installed timer as it is
    language: Literal["pl", "en"] | None = Field(None, json_schema_extra=NOT_DRAFTED)  # of the notices
    files_group: str | None = Field(None, json_schema_extra=NOT_DRAFTED)  # [files] group: the shop software's group reads the settings
    files_user: str | None = Field(None, json_schema_extra=NOT_DRAFTED)  # [files] user: the settings are that user's
    # [outbox] as the settings' Outbox takes it: carried through (a plain dict keeps the settings
    # model off this module's import), no step sets it
    outbox: dict[str, Any] | None = Field(None, json_schema_extra=NOT_DRAFTED)
    guard: dict[str, Any] | None = Field(None, json_schema_extra=NOT_DRAFTED)  # [guard]: carried through like [outbox]
    export: dict[str, Any] | None = Field(None, json_schema_extra=NOT_DRAFTED)  # [export]: the copies every save rewrites

    # -- one cleaning for every way in (typed, pasted, answers file, draft) ----------------------

    @field_validator("checklist", mode="before")
    @classmethod
    def _known_items(cls, value: object) -> dict[str, bool]:
        if not isinstance(value, Mapping):
            raise ValueError("checklist")
        return {key: bool(value.get(key, False)) for key in vocabulary.CHECKLIST}

    @field_validator("username", "notify_to", mode="before")
    @classmethod
    def _one_line_trimmed(cls, value: object) -> object:
        return rules.clean_field(value).strip() if isinstance(value, str) else value

    @field_validator("sender_name", "test_to", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return rules.clean_field(value) if isinstance(value, str) else value

    @field_validator("test_message", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return rules.clean_field(value, keep_newlines=True) if isinstance(value, str) else value

    @field_validator("low_balance", mode="before")
    @classmethod
    def _threshold(cls, value: object) -> object:
        """Typed text goes through the same parser as the summary's field: "2.5.1" is refused, never 0."""
        if isinstance(value, str):
            parsed = rules.parse_threshold(value)
            if parsed is None:
                raise ValueError("threshold")
            return parsed
        if isinstance(value, bool):
            raise ValueError("threshold")
        return value

    # -- what leaves the model ------------------------------------------------------------------

    @property
    def secret(self) -> SecretStr | None:
        """The chosen kind's secret: each kind keeps its own (a stray Space on the radio must not
        throw away a verified MD5), and only the chosen one is used or saved."""
        return self.token if self.secret_kind == "token" else self.password_md5

    @property
    def auth(self) -> AuthMode:
        return AuthMode.TOKEN if self.secret_kind == "token" else AuthMode.MD5

    def credentials(self) -> Credentials:
        if self.auth is AuthMode.TOKEN:
            return Credentials(AuthMode.TOKEN, username=self.username, token=self.token)
        return Credentials(AuthMode.MD5, username=self.username, password_md5=self.password_md5)

    @property
    def test_number(self) -> str:
        """The test number as SMSAPI takes it (48500000000); "" while it is not a number."""
        return rules.check_phone(self.test_to).number or ""

    @property
    def from_field(self) -> str:
        return self.sender_settings().from_field

    def test_problems(self) -> list[str]:
        return checks.test_problems(self.test_to, self.test_message)

    def account_settings(self) -> AccountSettings:
        from sms_tui.settings.model import AccountSettings  # noqa: PLC0415 — sms_tui.settings.model adds 12 ms to sms_tui.settings.setup_model (python -X importtime)

        return AccountSettings(platform=self.platform, auth=self.auth, username=self.username,
                               password_md5=self.password_md5 if self.auth is AuthMode.MD5 else None,
                               token=self.token if self.auth is AuthMode.TOKEN else None, api_url=self.api_url)

    def sender_settings(self) -> SenderSettings:
        from sms_tui.settings.model import SenderSettings  # noqa: PLC0415 — sms_tui.settings.model adds 12 ms to sms_tui.settings.setup_model (python -X importtime)

        name = self.sender_name.strip() if self.sender_mode == "pro" else None
        requested = self.requested_sender if self.requested_sender and self.requested_sender != name else None
        return SenderSettings(mode=self.sender_mode, name=name, requested=requested,
                              requested_at=(self.requested_at or datetime.now(UTC)) if requested else None)

    def alert_settings(self, installed: Watch = "off") -> Alerts:
        """`installed`: the timer on disk, kept when the setup does not say (`watch = None`)."""
        from sms_tui.settings.model import Alerts  # noqa: PLC0415 — sms_tui.settings.model adds 12 ms to sms_tui.settings.setup_model (python -X importtime)

        to = rules.check_phone(self.notify_to).number if self.notify_to else None
        return Alerts(low_balance=self.low_balance, notify_to=to or None, notify_command=self.notify_command or None,
                      watch=self.watch or installed, language=self.language or ("en" if language() == "en" else "pl"))

    def to_settings(self, verified: Verified | None, *, installed: Watch = "off") -> Settings:
        from sms_tui.settings.model import Export, Files, Guard, Outbox, Settings  # noqa: PLC0415 — sms_tui.settings.model adds 12 ms to sms_tui.settings.setup_model (python -X importtime)

        return Settings(account=self.account_settings(), sender=self.sender_settings(), verified=verified,
                        alerts=self.alert_settings(installed), files=Files(group=self.files_group, user=self.files_user),
                        outbox=Outbox.model_validate(self.outbox or {}), guard=Guard.model_validate(self.guard or {}),
                        export=Export.model_validate(self.export or {}))

    # -- where a setup comes from ---------------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: Settings) -> Setup:
        """A server that already has settings: everything as saved, the activation done (it was)."""
        acc, sender, alerts = settings.account, settings.sender, settings.alerts
        return cls(checklist=dict.fromkeys(vocabulary.CHECKLIST, True), platform=acc.platform,
                   secret_kind="token" if acc.auth is AuthMode.TOKEN else "md5", username=acc.username,
                   password_md5=acc.password_md5 if acc.auth is AuthMode.MD5 else None,
                   token=acc.token if acc.auth is AuthMode.TOKEN else None, api_url=acc.api_url,
                   sender_mode=sender.mode, sender_name=sender.name or "", requested_sender=sender.requested,
                   requested_at=sender.requested_at, test_to=settings.verified.to if settings.verified else "",
                   low_balance=alerts.low_balance, notify_to=alerts.notify_to or "", notify_command=alerts.notify_command,
                   watch=alerts.watch, language=alerts.language, files_group=settings.files.group,
                   files_user=settings.files.user, outbox=settings.outbox.model_dump(exclude_defaults=True) or None,
                   guard=settings.guard.model_dump(exclude_defaults=True) or None,
                   export=settings.export.model_dump(by_alias=True, exclude_none=True) or None)

    @classmethod
    def drafted_fields(cls) -> tuple[str, ...]:
        return tuple(name for name, info in cls.model_fields.items() if info.json_schema_extra != NOT_DRAFTED)

    def draft_values(self) -> dict[str, Any]:
        return self.model_dump(mode="json", include=set(self.drafted_fields()))

    def with_draft(self, values: Mapping[str, object]) -> Setup:
        """This setup with a draft's values over it; a value its field refuses (a damaged or
        hand-edited draft) leaves that field as it was — one bad value never stops a resume."""
        resumed = self.model_copy(deep=True)
        for name in self.drafted_fields():
            if name in values:
                try:
                    setattr(resumed, name, values[name])
                except ValidationError:
                    continue
        return resumed


def secret_from(kind: SecretKind, raw: str) -> tuple[SecretStr | None, list[str]]:
    """The secret to keep for what was typed or given, and what is wrong with it (sentences): a
    token as it is, a plain API password hashed at once (it is never kept), an MD5 checked. The
    wizard and the answers file both come here; every value is registered so no log can carry it."""
    value = rules.clean_field(raw).strip()
    if kind == "token":
        register_secret(value)
        return (SecretStr(value), []) if value else (None, [t("wiz.cred.token_missing")])
    if kind == "plain":
        if not value:
            return None, [t("wiz.cred.plain_missing")]
        register_secret(value)
        digest = rules.md5_hex(value)
        register_secret(digest)
        return SecretStr(digest), []

    md5, problems = checks.md5_check(value)
    register_secret(md5)
    return (SecretStr(md5) if md5 else None), problems

"""Credentials and hosts: which platform, which of SMSAPI's two auth schemes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sms_tui.compat import StrEnum

if TYPE_CHECKING:
    from pydantic import SecretStr


class Platform(StrEnum):
    PL = "pl"
    COM = "com"

    @property
    def other(self) -> Platform:
        return Platform.COM if self is Platform.PL else Platform.PL


class AuthMode(StrEnum):
    MD5 = "md5"  # username + "Hasło do API (MD5)", legacy form parameters
    TOKEN = "token"  # OAuth bearer token, what SMSAPI recommends today


HOSTS: dict[Platform, tuple[str, str]] = {
    Platform.PL: ("https://api.smsapi.pl/", "https://api2.smsapi.pl/"),
    Platform.COM: ("https://api.smsapi.com/", "https://api2.smsapi.com/"),
}


def base_urls(platform: Platform, api_url: str | None = None) -> tuple[str, ...]:
    """The primary then the backup host; a user-given URL (proxy, sandbox) is the only one.
    `{platform}` in that URL becomes pl or com, so a proxy or the sandbox can serve both."""
    if api_url:
        return (api_url.replace("{platform}", platform.value).rstrip("/") + "/",)
    return HOSTS[platform]


@dataclass(frozen=True)
class Credentials:
    """Secrets stay SecretStr so a repr, a log line or a traceback cannot show them."""

    mode: AuthMode
    username: str = ""
    password_md5: SecretStr | None = None
    token: SecretStr | None = None

    @classmethod
    def md5(cls, username: str, password_md5: str) -> Credentials:
        from pydantic import SecretStr  # noqa: PLC0415 — pydantic adds 31 ms to sms_tui.smsapi.auth (python -X importtime)

        return cls(AuthMode.MD5, username=username, password_md5=SecretStr(password_md5))

    @classmethod
    def bearer(cls, token: str) -> Credentials:
        from pydantic import SecretStr  # noqa: PLC0415 — pydantic adds 31 ms to sms_tui.smsapi.auth (python -X importtime)

        return cls(AuthMode.TOKEN, token=SecretStr(token))

    @property
    def complete(self) -> bool:
        if self.mode is AuthMode.TOKEN:
            return bool(self.token and self.token.get_secret_value())
        return bool(self.username and self.password_md5 and self.password_md5.get_secret_value())

    def params(self) -> dict[str, str]:
        if self.mode is AuthMode.MD5 and self.password_md5 is not None:
            return {"username": self.username, "password": self.password_md5.get_secret_value()}
        return {}

    def headers(self) -> dict[str, str]:
        if self.mode is AuthMode.TOKEN and self.token is not None:
            return {"Authorization": f"Bearer {self.token.get_secret_value()}"}
        return {}

"""Connection options, apart from the client so the headless commands can build them without
importing httpx (start-up time over SSH)."""

from __future__ import annotations

from dataclasses import dataclass

from sms_tui.smsapi.auth import Platform


@dataclass(frozen=True)
class ClientOptions:
    platform: Platform = Platform.PL
    api_url: str | None = None
    ca_bundle: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    attempts: int = 3
    retry_delay: float = 0.3

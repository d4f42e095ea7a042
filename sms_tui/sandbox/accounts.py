"""The sandbox's accounts: stable demo credentials (documented in docs/sandbox.md) — demo / demo (MD5
fe01ce2a7fbac8fafaed7c982a04e229), token demo-token, 10 points — and the accounts that show one
refusal each."""

from __future__ import annotations

from dataclasses import dataclass, field

from sms_tui.rules import md5_hex


@dataclass
class Requested:
    at: float  # sandbox clock when the name was requested
    statement_accept: bool
    accepted_statements: tuple[str, ...]


PRICE = {"pro": 0.16, "eco": 0.07}  # points per message part
ALL_SCOPES = frozenset({"sms", "sendernames", "profile", "subusers"})


@dataclass
class Account:
    username: str
    password: str  # the plain API password; the MD5 of it is what clients send
    points: float
    token: str | None = None
    scopes: frozenset[str] = ALL_SCOPES
    senders: dict[str, str] = field(default_factory=dict)  # name -> ACTIVE/PENDING/INACTIVE/REJECTED
    requested: dict[str, Requested] = field(default_factory=dict)  # names asked for through the API
    default_sender: str = "Test"
    activated: bool = True
    phone: str = "48500100200"  # the registration number: the only one an unactivated account may reach
    ip_filter: bool = False
    platform: str = "pl"  # which of the sandbox's /pl/ and /com/ hosts knows this account
    seen_idx: dict[str, float] = field(default_factory=dict)  # idx -> sandbox clock when it was accepted
    # A subuser (sandbox/subusers.py): its main account, its id, its points as made, its shares.
    parent: str | None = None
    subuser_id: str = ""
    from_account: float = 0.0
    per_month: float = 0.0
    description: str | None = None
    active: bool = True
    shared: str = "none"  # the main account's sender names it may use: all, none, selected

    @property
    def password_md5(self) -> str:
        return md5_hex(self.password)


def demo_accounts() -> list[Account]:
    return [
        Account("demo", "demo", 10.0, token="demo-token",
                senders={"DemoSerwis": "ACTIVE", "NowySklep": "PENDING", "Odrzucona": "REJECTED"},
                default_sender="DemoSerwis"),
        Account("pusty", "pusty", 0.0, token="pusty-token", senders={"Test": "ACTIVE"}),
        Account("nowy", "nowy", 5.0, token="nowy-token", activated=False, senders={"Test": "ACTIVE"}),
        Account("filtr", "filtr", 10.0, token="filtr-token", ip_filter=True, senders={"Test": "ACTIVE"}),
        Account("wezszy", "wezszy", 10.0, token="demo-token-bez-sms", scopes=frozenset({"profile"}),
                senders={"Test": "ACTIVE"}),
        Account("komercja", "komercja", 10.0, token="com-token", platform="com", senders={"Shop": "ACTIVE"}),
    ]


DEMO_ACCOUNTS = tuple(a.username for a in demo_accounts())

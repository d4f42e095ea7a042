"""`sms-tui check`: are the saved credentials still good, what is left, is the sender active?"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.smsapi import Balance

from dataclasses import dataclass, field

from sms_tui import constants, operations, rules
from sms_tui.commands.common import Context, Reporter, connect, load_settings, run_async
from sms_tui.exitcodes import ExitCode, exit_code_for
from sms_tui.i18n import program, t
from sms_tui.settings.model import Settings
from sms_tui.smsapi import SenderName, SmsapiError, TransportError


@dataclass
class Inspection:
    """What one check saw: the exit code, the JSON data, and each watched condition's state
    (`sms_tui.watch.monitor`): gateway, credentials, balance, sender, requested — only those it could see."""

    code: ExitCode
    data: dict[str, object] = field(default_factory=dict)
    conditions: dict[str, str] = field(default_factory=dict)


def run(ctx: Context, args: Namespace | None = None) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings

    async def check() -> int:
        seen = await inspect(ctx, rep, settings)
        return rep.finish(seen.code, **seen.data)

    return run_async(check)


async def inspect(ctx: Context, rep: Reporter, settings: Settings) -> Inspection:
    conn = connect(ctx, settings.account)
    try:
        status = await operations.verify(conn.session, conn.credentials)
    except SmsapiError as exc:
        test_number = settings.verified.to if settings.verified and settings.verified.to else constants.PROBE_NUMBER
        error = await conn.failed_step(rep, "credentials", exc, test_number)
        seen = {"gateway": "unreachable"} if isinstance(exc, TransportError) else {"gateway": "reachable", "credentials": "refused"}
        return Inspection(exit_code_for(exc), {"error": error}, seen)
    finally:
        await conn.aclose()
    balance = status.balance
    data: dict[str, object] = {"points": balance.points, "pro_count": balance.pro_count, "eco_count": balance.eco_count,
                               "low_balance": settings.alerts.low_balance}
    seen = {"gateway": "reachable", "credentials": "ok"}
    rep.step("credentials", True, t("check.credentials_ok", user=settings.account.username or "token"))
    _balance_step(rep, balance, data)
    problems = _sender_steps(rep, settings, status.senders, data, seen)
    if (requested := _requested(rep, settings, status.senders)) is not None:
        data["requested"] = requested
        if requested["state"] is not None:
            seen["requested"] = str(requested["state"])
    threshold = settings.alerts.low_balance
    low = rules.below_threshold(balance.points, threshold)
    if threshold:
        seen["balance"] = "low" if low else "ok"
    if problems:
        return Inspection(ExitCode.REFUSED, {**data, "problems": problems}, seen)
    if low:
        rep.step("balance", False, t("check.low_balance", points=balance.points, threshold=rules.threshold_text(threshold)))
        return Inspection(ExitCode.LOW_BALANCE, data, seen)
    return Inspection(ExitCode.OK, data, seen)


def _balance_step(rep: Reporter, balance: Balance, data: dict[str, object]) -> None:
    if balance.pro_count is None or balance.eco_count is None:  # a token's /profile has points only: as the wizard, no "?"
        rep.step("balance", True, t("check.balance_points", points=balance.points), **data)
    else:
        rep.step("balance", True, t("check.balance", points=balance.points, pro=balance.pro_count, eco=balance.eco_count), **data)


def _sender_steps(rep: Reporter, settings: Settings, senders: list[SenderName] | None, data: dict[str, object],
                  seen: dict[str, str]) -> list[str]:
    """The saved sender against the account's names: the problems' keys (none: it may send)."""
    sender = settings.sender
    data["sender"] = sender.from_field
    problems = operations.sender_problems(sender.mode, sender.name, senders)
    seen["sender"] = "problem" if problems else "ok"
    for key in problems:
        rep.step("sender", False, t(key, name=sender.name))
    if not problems:
        rep.step("sender", True, t("apply.sender_ok", sender=sender.from_field))
    return problems


def _requested(rep: Reporter, settings: Settings, senders: list[SenderName] | None) -> dict[str, object] | None:
    """The own name asked for: still waiting, approved (and the one command that switches), or not.
    Never changes the exit code: the shop sends with its saved mode meanwhile."""
    name = settings.sender.requested
    if not name or senders is None:
        return None
    from sms_tui import sender_flow
    from sms_tui.smsapi.models import SenderState
    from sms_tui.smsapi_texts import sender_state_text

    found = sender_flow.find(senders, name)
    if found is None:
        rep.warn("requested", t("check.requested_gone", name=name))
        return {"name": name, "status": None, "state": None, "switch_command": None}
    command = f'{program()} sender use "{found.sender}"' if found.state is SenderState.USABLE else None
    if found.state is SenderState.USABLE:
        rep.step("requested", True, t("check.requested_ready", name=found.sender))
    elif found.state is SenderState.REFUSED:
        rep.warn("requested", t("check.requested_rejected", name=found.sender))
    else:
        rep.step("requested", True, t("check.requested_waiting", name=found.sender, state=sender_state_text(found)))
    return {"name": found.sender, "status": found.status, "state": found.state.value, "switch_command": command}


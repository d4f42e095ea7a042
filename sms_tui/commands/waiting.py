"""`--wait` of `send` and `apply`, and `status`: one way to report what became of a message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sms_tui.commands.common import Reporter
from sms_tui.delivery import Delivery, Outcome, Polling, follow_deliveries
from sms_tui.i18n import t
from sms_tui.smsapi_texts import delivery_outcome, delivery_step, what_happened

if TYPE_CHECKING:
    from sms_tui.smsapi import SmsapiClient
    from sms_tui.smsapi.models import SentMessage


def as_data(delivery: Delivery) -> dict[str, Any]:
    """The JSON shape of one message's delivery (also `status --json`'s items)."""
    last = delivery.last
    return {"id": delivery.message_id, "status": last.status if last else None, "outcome": delivery.outcome.value,
            "final": bool(last and last.final), "number": last.number if last else None,
            "delivered_at": delivery.delivered_at.isoformat() if delivery.delivered_at else None,
            "history": [{"status": seen.status.status, "at": seen.at.isoformat(), "after": round(seen.after, 1)} for seen in delivery.history],
            "read_failures": delivery.read_failures}


def report(rep: Reporter, delivery: Delivery, *, waited: float | None = None) -> None:
    text = delivery_outcome(delivery, waited=waited)
    data = {"id": delivery.message_id, "status": delivery.last.status if delivery.last else None, "outcome": delivery.outcome.value}
    if delivery.outcome is Outcome.DELIVERED:
        rep.step("delivery", True, text, **data)
    elif delivery.outcome is Outcome.NOT_DELIVERED:
        rep.step("delivery", False, text, **data)
    else:
        rep.warn("delivery", text, **data)


async def wait_for_delivery(rep: Reporter, client: SmsapiClient, sent: SentMessage, wait: float,
                            polling: Polling | None = None) -> Delivery:
    """Follow one accepted message, a line per change (plain output), one step at the end."""
    rep.info(t("delivery.following"))
    delivery = Delivery.accepted(sent)
    rep.info(f"  → {delivery_step(delivery)}")

    def changed(delivery: Delivery) -> None:
        rep.info(f"  → {delivery_step(delivery)}")

    def failed(delivery: Delivery) -> None:
        if delivery.last_failure is not None:
            rep.info("  " + t("delivery.read_failed", reason=what_happened(delivery.last_failure)))

    await follow_deliveries(client, {delivery.message_id: delivery}, wait=wait, polling=polling, on_change=changed, on_failure=failed)
    report(rep, delivery, waited=wait)
    return delivery

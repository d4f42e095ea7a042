"""`/ping` and `/profile/prices` answers (REST only)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from sms_tui.smsapi.errors import ApiError
from sms_tui.smsapi.parse import bad, load_json, raise_if_error
from sms_tui.smsapi.profile_models import Ping, Price


def parse_ping(body: str, *, http_status: int | None = None) -> Ping:
    """SMSAPI documents `200 {"authorized": false}` for a bad token; a 401 is the other reading.
    Both mean: reachable, not authorised."""
    text = body.strip()
    if http_status == 204 and not text:
        return Ping(authorized=None)
    data = load_json(text) if text else {}
    try:
        raise_if_error(data, http_status)
    except ApiError as error:
        if error.http_status == 401 or error.code in (101, 102):
            return Ping(authorized=False)
        raise
    if not isinstance(data, dict) or "authorized" not in data:
        raise bad(text, "not a ping answer")
    authorized = data.get("authorized")
    if not isinstance(authorized, bool):
        raise bad(text, "authorized is not true/false")
    return Ping(authorized=authorized, unavailable=data.get("unavailable") or [])


def _price(item: Any) -> Price | None:
    if not isinstance(item, dict) or not isinstance(item.get("price"), dict):
        return None
    money, country, network = item["price"], item.get("country"), item.get("network")
    country = country if isinstance(country, dict) else {"name": country}
    network = network if isinstance(network, dict) else {"name": network}
    amount = money.get("amount", money.get("value"))  # the Go SDK reads `value`; the spec says `amount`
    try:
        return Price.model_validate({"type": item.get("type"), "amount": amount, "currency": money.get("currency") or "",
                                     "country": country.get("name"), "mcc": country.get("mcc"),
                                     "network": network.get("name"), "mnc": network.get("mnc")})
    except ValidationError:
        return None


def parse_prices(body: str, *, http_status: int | None = None) -> list[Price]:
    """Lines that cannot be read are skipped (prices only decorate a cost shown in points)."""
    text = body.strip()
    data = load_json(text)
    raise_if_error(data, http_status)
    items = data.get("collection") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise bad(text, "no price list")
    return [price for price in map(_price, items) if price is not None and price.currency]

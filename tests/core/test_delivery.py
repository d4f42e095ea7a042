"""Following a message to the handset (sms_tui.delivery): pure rules, then the follow against the
sandbox over real sockets, with the sandbox's own clock moved instead of sleeping."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime

import pytest

from sms_tui import delivery
from sms_tui.compat import UTC
from sms_tui.delivery import Delivery, Outcome, Polling, follow, overall, wait_seconds
from sms_tui.exitcodes import ExitCode
from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ApiError, ClientOptions, Credentials, SmsapiClient
from sms_tui.smsapi.message_status import MessageStatus
from tests.sandbox_time import SandboxTime


def _seen(*statuses: str) -> Delivery:
    d = Delivery("1")
    for i, status in enumerate(statuses):
        d.observe(MessageStatus(id="1", status=status), datetime.now(UTC), float(i))
    return d


def test_polling_grows_to_its_cap() -> None:
    assert list(itertools.islice(Polling().intervals(), 7)) == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0, 5.0]


@pytest.mark.parametrize(("statuses", "outcome"), [
    ((), Outcome.WAITING), (("QUEUE",), Outcome.WAITING), (("QUEUE", "SENT", "ACCEPTED", "RENEWAL"), Outcome.WAITING),
    (("SENT", "DELIVERED"), Outcome.DELIVERED), (("UNDELIVERED",), Outcome.NOT_DELIVERED), (("EXPIRED",), Outcome.NOT_DELIVERED),
    (("NOT_FOUND",), Outcome.NOT_DELIVERED), (("UNKNOWN",), Outcome.NOT_DELIVERED), (("SOMETHING_NEW",), Outcome.NOT_DELIVERED),
])
def test_outcome_of_the_last_status(statuses: tuple[str, ...], outcome: Outcome) -> None:
    assert _seen(*statuses).outcome is outcome


def test_a_repeated_status_is_no_change() -> None:
    d = _seen("QUEUE")
    assert not d.observe(MessageStatus(id="1", status="QUEUE"), datetime.now(UTC), 1.0)
    assert d.observe(MessageStatus(id="1", status="SENT"), datetime.now(UTC), 2.0)
    assert [s.status.status for s in d.history] == ["QUEUE", "SENT"]


def test_delivery_time_only_when_followed() -> None:
    read = _seen("DELIVERED")
    assert read.delivered_at is None and read.delivered_after is None
    followed = Delivery("1", followed=True)
    followed.observe(MessageStatus(id="1", status="DELIVERED"), datetime(2026, 1, 1, tzinfo=UTC), 6.0)
    assert followed.delivered_at == datetime(2026, 1, 1, tzinfo=UTC) and followed.delivered_after == 6.0


def test_overall_and_exit_codes() -> None:
    ok, bad, waiting = _seen("DELIVERED"), _seen("EXPIRED"), _seen("SENT")
    assert overall([ok, ok]) is Outcome.DELIVERED
    assert overall([ok, waiting]) is Outcome.WAITING
    assert overall([waiting, bad, ok]) is Outcome.NOT_DELIVERED  # a known failure decides
    assert overall([]) is Outcome.WAITING
    assert [o.exit_code for o in Outcome] == [ExitCode.OK, ExitCode.NOT_DELIVERED, ExitCode.NOT_CONFIRMED]
    assert (ExitCode.NOT_DELIVERED, ExitCode.NOT_CONFIRMED) == (7, 8)


@pytest.mark.parametrize(("raw", "value"), [(None, 120.0), ("120", 120.0), ("2.5", 2.5), ("86400", 86400.0),
                                            ("0", None), ("-5", None), ("nan", None), ("inf", None), ("86401", None), ("soon", None)])
def test_wait_seconds(raw: str | None, value: float | None) -> None:
    assert wait_seconds(raw) == value


async def _follow(sandbox: Sandbox, api: SmsapiClient, ids: list[str], wait: float = 120.0,
                  on_change: Callable[[Delivery], None] | None = None) -> dict[str, Delivery]:
    fake = SandboxTime(sandbox)
    return await follow(api, ids, wait=wait, timing=fake.timing, on_change=on_change)


async def test_follow_delivered_undelivered_expired(demo_credentials: Credentials, options: ClientOptions, sandbox: Sandbox) -> None:
    changes: list[tuple[str, str]] = []
    async with SmsapiClient(demo_credentials, options) as api:
        ids = [(await api.send(number, "Test", "ECO")).message_id for number in ("500000000", "500000405", "500000402")]
        result = await _follow(sandbox, api, ids, on_change=lambda d: changes.append((d.message_id, d.last.status if d.last else "")))
    assert [result[i].outcome for i in ids] == [Outcome.DELIVERED, Outcome.NOT_DELIVERED, Outcome.NOT_DELIVERED]
    assert [result[i].last.status for i in ids if result[i].last] == ["DELIVERED", "UNDELIVERED", "EXPIRED"]
    good = result[ids[0]]
    assert [s.status.status for s in good.history] == ["SENT", "DELIVERED"]  # QUEUE lasts 1 s, the first read is at 1 s
    assert good.delivered_at is not None and good.delivered_after == pytest.approx(4.75)
    assert (ids[0], "DELIVERED") in changes and len(changes) == 6


async def test_follow_ends_at_the_wait_with_the_last_status(demo_credentials: Credentials, options: ClientOptions,
                                                            sandbox: Sandbox) -> None:
    fake = SandboxTime(sandbox)
    async with SmsapiClient(demo_credentials, options) as api:
        sent = await api.send("500000000", "Test", "ECO")
        result = await follow(api, [sent.message_id], wait=2.0, timing=fake.timing)
    d = result[sent.message_id]
    assert d.outcome is Outcome.WAITING and d.last is not None and d.last.status == "SENT"
    assert fake.sleeps == [1.0, 1.0] and fake.elapsed == 2.0  # the last read is at the deadline, not after it


async def test_a_status_read_lost_on_the_network_is_tried_again(demo_credentials: Credentials, options: ClientOptions,
                                                                sandbox: Sandbox) -> None:
    failures: list[str] = []
    async with SmsapiClient(demo_credentials, options) as api:
        sent = await api.send("500000000", "Test", "ECO")
        sandbox.inject("drop_before", "/sms.do", times=6)  # more than the client's own retries of one read
        fake = SandboxTime(sandbox)
        result = await follow(api, [sent.message_id], timing=fake.timing,
                              on_failure=lambda d: failures.append(type(d.last_failure).__name__))
    d = result[sent.message_id]
    assert d.outcome is Outcome.DELIVERED and d.read_failures >= 1 and failures and set(failures) == {"TransportError"}


async def test_a_refused_status_read_is_raised(options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(Credentials.md5("demo", "0" * 32), options) as api:
        with pytest.raises(ApiError):
            await _follow(sandbox, api, ["7074294081650020450"])


async def test_a_test_send_is_not_found(demo_credentials: Credentials, options: ClientOptions, sandbox: Sandbox) -> None:
    """test=1 sends nothing: its id reads NOT_FOUND at once, a final "not delivered"."""
    async with SmsapiClient(demo_credentials, options) as api:
        sent = await api.send("500000000", "Test", "ECO", test=True)
        result = await _follow(sandbox, api, [sent.message_id or "1"])
    assert next(iter(result.values())).outcome is Outcome.NOT_DELIVERED


def test_accepted_starts_from_the_send_answer() -> None:
    from sms_tui.smsapi.models import SentMessage

    d = Delivery.accepted(SentMessage(id="9", number="48500000000", points=0.07))
    assert d.followed and [s.status.status for s in d.history] == ["QUEUE"] and d.outcome is Outcome.WAITING
    assert delivery.elapsed_text(6.4) == "6 s" and delivery.elapsed_text(125) == "0:02:05"

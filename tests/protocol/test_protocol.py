"""The client's newer calls against the sandbox over real sockets, in both auth modes: message
status, sender-name actions and the statement, ping and prices."""

from __future__ import annotations

import httpx
import pytest

from sms_tui import i18n
from sms_tui.sandbox import Sandbox
from sms_tui.smsapi import ApiError, Category, ClientOptions, Credentials, SmsapiClient
from sms_tui.smsapi.message_status import DeliveryCategory
from sms_tui.smsapi.models import SenderState
from sms_tui.smsapi_texts import explain_status


async def test_status_follows_a_send_to_the_handset(demo_credentials: Credentials, options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(demo_credentials, options) as api:
        good = await api.send("500000000", "Test", "ECO")
        bad = await api.send("+48 500 000 405", "Test", "ECO")
        lost = await api.send("500000402", "Test", "ECO")
        ids = [good.message_id, bad.message_id, lost.message_id]
        queued = await api.message_status(ids)
        sandbox.state.advance(sandbox.state.delays.queue)
        sent = await api.message_status(ids)
        sandbox.state.advance(sandbox.state.delays.sent)
        final = await api.message_status(ids)
    assert [s.status for s in queued] == ["QUEUE"] * 3 and not any(s.final for s in queued)
    assert [s.status for s in sent] == ["SENT"] * 3
    assert [s.status for s in final] == ["DELIVERED", "UNDELIVERED", "EXPIRED"]
    assert [s.category for s in final] == [DeliveryCategory.DELIVERED, DeliveryCategory.NOT_DELIVERED, DeliveryCategory.NOT_DELIVERED]
    assert [s.id for s in final] == ids and final[0].idx == good.idx


async def test_unknown_ids_read_not_found_either_way(demo_credentials: Credentials, options: ClientOptions) -> None:
    """The sandbox refuses a read of only unknown ids with 301 and lists an unknown id beside known
    ones as NOT_FOUND: SMSAPI's documents allow both, the client gives NOT_FOUND for each."""
    async with SmsapiClient(demo_credentials, options) as api:
        test_send = await api.send("500000000", "Test", "ECO", test=True)
        alone = await api.message_status(["123"])
        real = await api.send("500000000", "Test", "ECO")
        mixed = await api.message_status(["123", real.message_id, test_send.message_id])
    assert [(s.id, s.status, s.final) for s in alone] == [("123", "NOT_FOUND", True)]
    assert [s.status for s in mixed] == ["NOT_FOUND", "QUEUE", "NOT_FOUND"]


async def test_status_of_several_ids_is_split_when_refused_whole(options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        real = await api.send("500000000", "Test", "ECO")
        sandbox.state.messages.clear()  # SMSAPI forgot them all: the whole read is refused with 301
        result = await api.message_status([real.message_id, "999"])
    assert [(s.id, s.status) for s in result] == [(real.message_id, "NOT_FOUND"), ("999", "NOT_FOUND")]


def test_every_status_has_an_explanation_in_both_languages() -> None:
    from sms_tui.smsapi.message_status import DELIVERY_CATEGORIES, MessageStatus

    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        for name in {*DELIVERY_CATEGORIES} - {"QUEUED"}:
            assert i18n.has(f"status.{name}"), (lang, name)
        assert "HOLD" in explain_status(MessageStatus(id="1", status="hold"))
    i18n.set_language("pl")
    assert "wyłączony" in explain_status(MessageStatus(id="1", status="EXPIRED"))


async def test_sender_life_in_both_modes(demo_credentials: Credentials, options: ClientOptions, sandbox: Sandbox) -> None:
    statement = None
    async with SmsapiClient(demo_credentials, options) as api:
        statement = await api.sender_statement()
        added = await api.add_sender("Warsztat 7", statement=statement)
        with pytest.raises(ApiError) as refused:
            await api.make_default_sender("Warsztat 7")
        again = await api.add_sender("Warsztat 7", statement=statement)
        sandbox.state.decide("Warsztat 7", "ACTIVE")
        await api.make_default_sender("Warsztat 7")
        await api.make_default_sender("Warsztat 7")  # already the default: not an error
        one = await api.sender("Warsztat 7")
        deleted, deleted_again = await api.delete_sender("Warsztat 7"), await api.delete_sender("Warsztat 7")
        with pytest.raises(ApiError) as missing:
            await api.sender("Warsztat 7")
    assert (added.sender, added.status, added.state, added.already_existed) == ("Warsztat 7", "INACTIVE", SenderState.WAITING, False)
    assert (refused.value.code, refused.value.category) == (2061, Category.SENDER)
    assert again.already_existed and again.state is SenderState.WAITING
    assert one.active and one.is_default
    assert (deleted, deleted_again) == (True, False)
    assert missing.value.code == 2031
    if demo_credentials.mode == "token":
        assert not statement.builtin and statement.accepted_types == ["sendername", "sendername_usage_rights", "sendername_change_notice"]
        accepted = sandbox.state.accounts["demo"].requested
        assert accepted == {}  # deleted with its name
    else:
        assert statement.builtin and "prawo" in statement.content


async def test_token_add_sends_the_accepted_statement(options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        await api.add_sender("Warsztat", statement=await api.sender_statement())
        await api.add_sender("BezOswiad")
    requested = sandbox.state.accounts["demo"].requested
    assert requested["Warsztat"].statement_accept and set(requested["Warsztat"].accepted_statements) == {
        "sendername", "sendername_usage_rights", "sendername_change_notice"}
    assert not requested["BezOswiad"].statement_accept


@pytest.mark.parametrize("name", ["", "Za długa nazwa nadawcy", "Zażółć"])
async def test_invalid_names_are_2112_or_2111(name: str, demo_credentials: Credentials, options: ClientOptions) -> None:
    async with SmsapiClient(demo_credentials, options) as api:
        with pytest.raises(ApiError) as caught:
            await api.add_sender(name)
    assert caught.value.code in (2111, 2112) and caught.value.category is Category.SENDER


async def test_refused_and_pending_names_keep_their_state(demo_credentials: Credentials, options: ClientOptions) -> None:
    async with SmsapiClient(demo_credentials, options) as api:
        pending, rejected = await api.sender("nowysklep"), await api.sender("Odrzucona")
        with pytest.raises(ApiError) as caught:
            await api.make_default_sender("Odrzucona")
    assert (pending.sender, pending.state) == ("NowySklep", SenderState.WAITING)
    assert rejected.state is SenderState.REFUSED and caught.value.code == 2061


async def test_demo_approves_a_requested_name_by_itself(options: ClientOptions) -> None:
    from sms_tui.sandbox import SandboxState

    with Sandbox(state=SandboxState(approve_after=25.0)) as demo:
        async with SmsapiClient(Credentials.bearer("demo-token"), ClientOptions(api_url=demo.url, retry_delay=0.01)) as api:
            await api.add_sender("Nowa")
            demo.state.advance(24)
            waiting = await api.sender("Nowa")
            demo.state.advance(1)
            approved = await api.sender("Nowa")
            sent = await api.send("500000000", "Test", "Nowa")
    assert waiting.state is SenderState.WAITING and approved.active and sent.message_id


async def test_ping(options: ClientOptions, sandbox: Sandbox) -> None:
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        good = await api.ping()
    async with SmsapiClient(Credentials.bearer("zly-token"), options) as api:
        bad = await api.ping()
    async with SmsapiClient(Credentials.md5("demo", "0" * 32), options) as api:
        legacy = await api.ping()
    assert (good.authorized, good.unavailable, bad.authorized, legacy.authorized) == (True, [], False, None)
    async with httpx.AsyncClient() as http:
        head = await http.head(sandbox.url + "ping")
    assert head.status_code == 204 and head.content == b""


@pytest.mark.parametrize("empty", [False, True])
async def test_ping_401_is_not_authorised(empty: bool, options: ClientOptions, sandbox: Sandbox) -> None:
    """The other reading of a bad token: HTTP 401, with SMSAPI's error body or with none."""
    sandbox.inject("http401_empty" if empty else "http401", "/ping")
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        ping = await api.ping()
    assert ping.authorized is False


async def test_prices_in_money_where_the_token_allows(options: ClientOptions) -> None:
    async with SmsapiClient(Credentials.bearer("demo-token"), options) as api:
        pro, eco = await api.price_of("pro"), await api.price_of("eco")
        everything = await api.prices()
    async with SmsapiClient(Credentials.bearer("demo-token-bez-sms"), options) as api:
        narrow = await api.price_of("pro")  # Profile scope: allowed
    async with SmsapiClient(Credentials.md5("demo", "fe01ce2a7fbac8fafaed7c982a04e229"), options) as api:
        legacy = await api.price_of("pro")
    assert pro is not None and (pro.amount, pro.currency, pro.type) == (0.16, "PLN", "pro")
    assert eco is not None and eco.amount == 0.07
    assert {p.type for p in everything} == {"pro", "eco"}
    assert narrow is not None and legacy is None


async def test_prices_without_the_profile_scope_fall_back_to_points(options: ClientOptions, sandbox: Sandbox) -> None:
    from sms_tui.sandbox import Account, SandboxState

    state = SandboxState([Account("bez", "bez", 10.0, token="bez-profilu", scopes=frozenset({"sms"}))])
    with Sandbox(state=state) as other:
        async with SmsapiClient(Credentials.bearer("bez-profilu"), ClientOptions(api_url=other.url, retry_delay=0.01)) as api:
            assert await api.price_of("pro") is None
            with pytest.raises(ApiError) as caught:
                await api.prices("pro")
    assert caught.value.category is Category.PERMISSION


async def test_rest_errors_have_the_documented_shape(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url, headers={"Authorization": "Bearer demo-token"}) as http:
        invalid = await http.post("sms/sendernames", data={"sender": "x" * 20})
        missing = await http.get("sms/sendernames/Nieznana")
        created = await http.post("sms/sendernames", data={"sender": "Nowa"})
        duplicate = await http.post("sms/sendernames", data={"sender": "Nowa"})
        inactive = await http.post("sms/sendernames/Nowa/commands/make_default")
        deleted = await http.delete("sms/sendernames/Nowa")
        wrong_type = await http.get("profile/prices", params={"type": "fax"})
    for response, status, error in ((invalid, 400, "invalid_sender"), (missing, 404, "not_found"), (duplicate, 409, "sendername_already_exists"),
                                    (inactive, 400, "sender_not_active"), (wrong_type, 400, "invalid_request_data")):
        assert response.status_code == status and set(response.json()) == {"message", "error", "errors"}
        assert response.json()["error"] == error
    assert created.status_code == 201 and created.json()["status"] == "INACTIVE" and deleted.status_code == 204


async def test_basic_auth_and_access_token_on_legacy_calls(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        basic = await http.post("user.do", data={"credits": "1", "format": "json"}, auth=("demo", "fe01ce2a7fbac8fafaed7c982a04e229"))
        wrong = await http.post("user.do", data={"credits": "1", "format": "json"}, auth=("demo", "0" * 32))
        param = await http.get("sender.do", params={"list": "1", "format": "json", "access_token": "demo-token"})
        rest_basic = await http.get("profile", auth=("demo", "fe01ce2a7fbac8fafaed7c982a04e229"))
    assert basic.json()["points"] == 10.0 and wrong.json()["error"] == 101
    assert {s["sender"] for s in param.json()} == {"DemoSerwis", "NowySklep", "Odrzucona"}
    assert rest_basic.status_code == 401  # REST is Bearer-only, as SMSAPI documents


async def test_reset_keeps_the_accounts_the_sandbox_was_built_with() -> None:
    from sms_tui.sandbox import Account, SandboxState

    with Sandbox(state=SandboxState([Account("jeden", "jeden", 3.0, token="t1")])) as own:
        async with httpx.AsyncClient(base_url=own.url) as http:
            await http.post("sms.do", data={"to": "500000000", "message": "x", "from": "ECO", "format": "json", "access_token": "t1"})
            assert own.state.accounts["jeden"].points < 3.0
            await http.post("__sandbox/reset")
    assert set(own.state.accounts) == {"jeden"} and own.state.accounts["jeden"].points == 3.0

"""The async SMSAPI client: one connection pool for the app's life (smsapi/http.py), failover, no double sends."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote

import httpx

from sms_tui.smsapi.auth import AuthMode, Credentials, base_urls
from sms_tui.smsapi.errors import ApiError, Category, MissingCredentials, TransportError
from sms_tui.smsapi.http import ApiHttp
from sms_tui.smsapi.idx import new_idx
from sms_tui.smsapi.models import Balance, SenderName, SendResult
from sms_tui.smsapi.options import ClientOptions
from sms_tui.smsapi.parse import decode, parse_balance, parse_send
from sms_tui.smsapi.parse_sender import NOT_ON_ACCOUNT, parse_done, parse_sender, parse_senders

if TYPE_CHECKING:  # the status, statement, ping and price models load with the calls that use them
    from sms_tui.smsapi.message_status import MessageStatus
    from sms_tui.smsapi.profile_models import Ping, Price
    from sms_tui.smsapi.sender_statement import SenderStatement
    from sms_tui.smsapi.subusers import Subuser
from sms_tui.smsapi.transport import classify

log = logging.getLogger("sms_tui.smsapi")
T = TypeVar("T")
Form = dict[str, str | list[str]]
ALREADY_DEFAULT, ALREADY_EXISTS, VALUE_EXISTS = 2062, 2115, 409
UNKNOWN_MESSAGE_ID = (301, 400)  # "ID of messages doesn't exist", "Invalid message ID"

class SmsapiClient:
    """Use as `async with SmsapiClient(creds, options) as api:`; every call may raise SmsapiError."""

    def __init__(self, credentials: Credentials, options: ClientOptions | None = None, *, http: ApiHttp | None = None) -> None:
        self.credentials = credentials
        self.options = options or ClientOptions()
        self.hosts = base_urls(self.options.platform, self.options.api_url)
        self._own_http = http is None
        self._http = http or make_http(self.options)

    async def __aenter__(self) -> SmsapiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    # -- public calls ---------------------------------------------------------------------------

    async def send(self, to: str | Sequence[str], message: str, sender: str | None = None, *, test: bool = False, idx: str | None = None,
                   options: Mapping[str, str] | None = None) -> SendResult:
        """Send (or with test=True only validate) one message; `sender="ECO"` asks for ECO;
        `options`: SMSAPI's own parameters beside the text (flash, max_parts, expiration_date).

        Retries after an ambiguous failure reuse the idx with check_idx=1, so SMSAPI answers 53
        rather than delivering twice; 53 is reported as `already_accepted`.
        """
        numbers = ",".join([to] if isinstance(to, str) else list(to))
        form: Form = {"to": numbers, "message": message, "format": "json", "encoding": "utf-8", "details": "1", **(options or {})}
        if sender:
            form["from"] = sender
        if test:
            form["test"] = "1"
        else:
            idx = idx or new_idx()
            form.update(idx=idx, check_idx="1")
        attempt = 0
        last: Exception | None = None
        for attempt in range(1, self.options.attempts + 1):
            host = self.hosts[(attempt - 1) % len(self.hosts)]
            try:
                status, body = await self._request("POST", host, "sms.do", form=form)
                result = parse_send(body, http_status=status)
                return result.model_copy(update={"idx": idx, "test": test, "host": host, "attempts": attempt})
            except ApiError as exc:
                if exc.category is Category.DUPLICATE and idx:
                    return SendResult(idx=idx, already_accepted=True, host=host, attempts=attempt)
                if exc.code not in (200, 202):
                    raise
                last = exc
            except TransportError as exc:
                if not exc.retry_send:
                    raise
                last = exc
            if attempt == self.options.attempts:
                break  # no pause after the last attempt: the caller hears of the failure at once
            log.info("sms.do attempt %d on %s failed: %s; retrying with the same idx", attempt, host, last)
            await asyncio.sleep(self.options.retry_delay * attempt)
        assert last is not None
        raise last

    async def balance(self) -> Balance:
        if self._rest:
            return await self._idempotent("GET", "profile", parse_balance)
        return await self._idempotent("POST", "user.do", parse_balance, form={"credits": "1", "details": "1", "format": "json"})

    async def senders(self) -> list[SenderName]:
        if self._rest:
            return await self._idempotent("GET", "sms/sendernames", parse_senders)
        return await self._idempotent("POST", "sender.do", parse_senders, form={"list": "1", "format": "json"})

    async def check_credentials(self) -> Balance:
        """The cheapest authenticated call; raises ApiError 101/102/105/401 when refused."""
        return await self.balance()

    # -- message status -------------------------------------------------------------------------

    async def message_status(self, ids: Sequence[str]) -> list[MessageStatus]:
        """One result per id, in order. SMSAPI may refuse a whole read for one unknown id (301/400)
        or list it as NOT_FOUND: either way that id reads NOT_FOUND and the others are still read."""
        from sms_tui.smsapi.message_status import MessageStatus
        from sms_tui.smsapi.parse_status import parse_status

        wanted = list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))
        if not wanted:
            return []
        form: Form = {"status": "|".join(wanted), "format": "json"}
        try:
            return await self._idempotent("POST", "sms.do", lambda body, http_status: parse_status(body, wanted, http_status=http_status), form=form)
        except ApiError as exc:
            if exc.code not in UNKNOWN_MESSAGE_ID:
                raise
        if len(wanted) == 1:
            return [MessageStatus(id=wanted[0], status="NOT_FOUND")]
        results: list[MessageStatus] = []
        for one in wanted:
            results += await self.message_status([one])
        return results

    # -- sender names ---------------------------------------------------------------------------

    async def sender(self, name: str) -> SenderName:
        """One name's status; ApiError 2031 when the account has no such name."""
        if self._rest:
            return await self._idempotent("GET", f"sms/sendernames/{_segment(name)}", parse_sender)
        return await self._idempotent("POST", "sender.do", parse_sender, form={"status": name, "format": "json"})

    async def add_sender(self, name: str, *, statement: SenderStatement | None = None) -> SenderName:
        """Ask SMSAPI for a new name; the answer is its status (new names wait for SMSAPI's staff).

        `statement` is the declaration the owner accepted; with a token it is sent as
        `statement_accept` (+ `accepted_statements[]` when SMSAPI has extended statements). A name
        the account already has is not an error: its current status comes back, `already_existed`."""
        try:
            if self._rest:
                form: Form = {"sender": name}
                if statement is not None:
                    form["statement_accept"] = "1"
                    if statement.accepted_types:
                        form["accepted_statements[]"] = statement.accepted_types
                created = await self._idempotent("POST", "sms/sendernames", _created_or_none, form=form)
                if created is not None:
                    return created
            else:
                await self._idempotent("POST", "sender.do", parse_done, form={"add": name, "format": "json"})
        except ApiError as exc:
            if exc.code not in (ALREADY_EXISTS, VALUE_EXISTS):
                raise
            found = await self.sender(name)
            return found.model_copy(update={"already_existed": True})
        return await self.sender(name)

    async def make_default_sender(self, name: str) -> None:
        """ApiError 2061 while the name is not ACTIVE; already the default is success."""
        try:
            await self._sender_action(name, "default", "POST", f"sms/sendernames/{_segment(name)}/commands/make_default")
        except ApiError as exc:
            if exc.code != ALREADY_DEFAULT:
                raise

    async def delete_sender(self, name: str) -> bool:
        """False when the account had no such name (a retried delete ends the same way)."""
        try:
            await self._sender_action(name, "delete", "DELETE", f"sms/sendernames/{_segment(name)}")
        except ApiError as exc:
            if exc.code != NOT_ON_ACCOUNT:
                raise
            return False
        return True

    async def _sender_action(self, name: str, legacy: str, method: str, rest_path: str) -> None:
        """One name action: REST for tokens, `sender.do?<legacy>=NAME` for MD5; both answer "done"."""
        if self._rest:
            await self._idempotent(method, rest_path, parse_done)
        else:
            await self._idempotent("POST", "sender.do", parse_done, form={legacy: name, "format": "json"})

    async def sender_statement(self) -> SenderStatement:
        """SMSAPI's own statement where it offers one (tokens); else the built-in summary of the
        panel's declaration, in the current language."""
        from sms_tui.smsapi.parse_sender import parse_statement
        from sms_tui.smsapi.sender_statement import SenderStatement

        if self._rest:
            try:
                return await self._idempotent("GET", "sms/sendernames/statement", parse_statement)
            except ApiError as exc:
                if exc.code not in (NOT_ON_ACCOUNT, 8) and exc.http_status not in (404, 405):
                    raise
            except TransportError as exc:
                if exc.kind != "bad_response":
                    raise
        from sms_tui.i18n import t

        return SenderStatement(content=t("sender.statement.builtin"), builtin=True)

    # -- ping and prices ------------------------------------------------------------------------

    async def ping(self) -> Ping:
        """Reachability, the sub-services SMSAPI reports down, and (tokens) whether the token works.
        /ping is Bearer-only: with MD5 credentials it is asked without them, `authorized` None."""
        from sms_tui.smsapi.parse_profile import parse_ping
        from sms_tui.smsapi.profile_models import Ping

        try:
            ping = await self._idempotent("GET", "ping", parse_ping, authenticate=self._rest)
            return ping if self._rest else ping.model_copy(update={"authorized": None})
        except TransportError as exc:
            if exc.http_status == 401:
                return Ping(authorized=False)
            raise

    async def prices(self, kind: str | None = None) -> list[Price]:
        """`/profile/prices` (Bearer only): [] with MD5 credentials. `kind` is pro, eco, sms…"""
        from sms_tui.smsapi.parse_profile import parse_prices

        if not self._rest:
            return []
        return await self._idempotent("GET", "profile/prices", parse_prices, params={"type": kind} if kind else None)

    async def price_of(self, kind: str, mcc: int = 260) -> Price | None:
        """The money one part costs in a country (Poland by default), or None where SMSAPI will not
        say (MD5 credentials, a token without the Profile scope, no price list): points then."""
        try:
            prices = await self.prices(kind)
        except (ApiError, TransportError) as exc:
            if not (exc.category is Category.PERMISSION or exc.http_status in (403, 404, 405)):
                raise
            return None
        matching = [p for p in prices if p.type in (None, kind)]
        local = [p for p in matching if p.mcc == mcc]
        chosen = local or matching
        return max(chosen, key=lambda p: p.amount) if chosen else None

    # -- subusers (REST, a token of the main account) -------------------------------------------

    async def subusers(self, name: str | None = None) -> list[Subuser]:
        from sms_tui.smsapi.subusers import parse_subusers

        return await self._idempotent("GET", "subusers", parse_subusers, params={"q": name} if name else None)

    async def create_subuser(self, username: str, password: str, api_password: str, *, per_month: float,
                             from_account: float = 0.0, description: str | None = None) -> Subuser:
        """One request, never repeated blindly: a second try after a lost answer would meet
        "already exists" — the caller looks the name up instead."""
        from sms_tui.smsapi.subusers import parse_subuser

        body = {"credentials": {"username": username, "password": password, "api_password": api_password}, "active": True,
                "points": {"from_account": from_account, "per_month": per_month}, **({"description": description} if description else {})}
        status, text = await self._request("POST", self.hosts[0], "subusers", json_body=body)
        return parse_subuser(text, http_status=status)

    async def share_senders(self, subuser_id: str, access: str, senders: list[str] | None = None) -> None:
        from sms_tui.smsapi.subusers import parse_empty

        body = {"access": access, **({"senders": senders} if access == "selected" else {})}
        status, text = await self._request("PUT", self.hosts[0], f"subusers/{_segment(subuser_id)}/shares/sendernames", json_body=body)
        parse_empty(text, http_status=status)

    @property
    def _rest(self) -> bool:
        """Tokens speak REST where SMSAPI has it; MD5 credentials only work on the legacy *.do."""
        return self.credentials.mode is AuthMode.TOKEN

    # -- plumbing -------------------------------------------------------------------------------

    async def _idempotent(self, method: str, path: str, parser: Callable[..., T], *, form: Form | None = None,
                          params: dict[str, str] | None = None, authenticate: bool = True) -> T:
        """Calls that may be repeated: reads, and sender-name actions whose repeat SMSAPI answers
        with "already exists / already default / no such name", which the callers accept."""
        last: TransportError | None = None
        attempts = min(self.options.attempts, len(self.hosts) + 1)
        for attempt in range(1, attempts + 1):
            host = self.hosts[(attempt - 1) % len(self.hosts)]
            try:
                status, body = await self._request(method, host, path, form=form, params=params, authenticate=authenticate)
                return parser(body, http_status=status)
            except TransportError as exc:
                last = exc
                if not exc.retry_read:
                    raise
            if attempt < attempts:  # no pause after the last attempt
                await asyncio.sleep(self.options.retry_delay * attempt)
        assert last is not None
        raise last

    async def _request(self, method: str, host: str, path: str, *, form: Form | None = None, params: dict[str, str] | None = None,
                       authenticate: bool = True, json_body: object | None = None) -> tuple[int, str]:
        if authenticate and not self.credentials.complete:
            raise MissingCredentials("no credentials")
        url = host + path
        headers = {"Accept": "application/json", **(self.credentials.headers() if authenticate else {})}
        fields = {**(form or {}), **(self.credentials.params() if authenticate else {})} if method == "POST" else None
        started = time.perf_counter()
        try:
            response = await self._http.request(method, url, form=None if json_body is not None else fields, params=params, headers=headers,
                                                json_body=json_body)
        except httpx.HTTPError as exc:
            error = classify(exc, host)
            log.warning("%s %s failed: %s (%s)", method, url, error.kind, type(exc).__name__)
            raise error from None
        elapsed = (time.perf_counter() - started) * 1000
        log.info("%s %s -> %d in %.0f ms, %d bytes", method, url, response.status_code, elapsed, len(response.content))
        body = decode(response.content)
        if response.status_code in (404, 405, 501) and path.endswith(".do"):  # SMSAPI always has its *.do: a wrong address
            raise TransportError("not_smsapi", f"HTTP {response.status_code}", http_status=response.status_code, host=host)
        if response.status_code >= 500 and not body.lstrip().startswith(("{", "ERROR", "OK")):
            raise TransportError("http", f"HTTP {response.status_code}", ambiguous=True, http_status=response.status_code, host=host)
        if response.status_code >= 400 and not body.strip():
            raise TransportError("http", f"HTTP {response.status_code}", http_status=response.status_code, host=host)
        return response.status_code, body


def _segment(name: str) -> str:
    """A sender name as one path segment: spaces, dots and slashes must not change the path."""
    return quote(name, safe="")


def _created_or_none(body: str, *, http_status: int | None = None) -> SenderName | None:
    """REST create answers 201 with the name; an empty or other 2xx answer means: ask for it."""
    if not body.strip():
        return None
    try:
        return parse_sender(body, http_status=http_status)
    except TransportError:
        return None


def make_http(options: ClientOptions) -> ApiHttp:
    """Built once per program: the SSL context is shared (see tls.py). Proxies come from the env."""
    return ApiHttp(options)

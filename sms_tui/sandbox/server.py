"""The sandbox's HTTP side: legacy *.do and REST endpoints, auth, formats and injected faults."""

from __future__ import annotations

import base64
import binascii
import json
import os
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sms_tui.sandbox import routes
from sms_tui.sandbox.accounts import Account
from sms_tui.sandbox.state import Fault, SandboxState

CONTROL = "/__sandbox/"


def _points_as_text(body: dict[str, Any]) -> dict[str, Any]:
    """SMSAPI's live API has answered `"points": "0.1600"` as well as a number: the fault keeps the
    client tested on both."""
    items = [{**item, "points": f"{float(item['points']):.4f}"} if isinstance(item, dict) and "points" in item else item
             for item in body.get("list", [])]
    return {**body, "list": items} if "list" in body else body


def _json_text(value: object) -> str:
    """A JSON value as SMSAPI reads it from a form: `true` stays "true" (not Python's "True", which
    no flag honours — SMSAPI's JavaScript client sends `"test": true`), numbers as written."""
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Silent: the sandbox runs inside the TUI and the tests; stderr would write over both."""

    def handle_one_request(self) -> None:
        """A client that went away mid-request (killed, timed out) is what the sandbox exists to
        meet: the request was handled, only its answer has nobody to read it — no traceback."""
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # -- plumbing -------------------------------------------------------------------------------

    def _params(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Query and form (or JSON) fields: the last value of each, and every value (`a[]=x&a[]=y`)."""
        pairs = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if body and (self.headers.get("Content-Type") or "").startswith("application/json"):
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            for key, value in (data.items() if isinstance(data, dict) else []):
                pairs += [(key, _json_text(v)) for v in value] if isinstance(value, list) else [(key, _json_text(value))]
        elif body:
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        multi: dict[str, list[str]] = {}
        for key, value in pairs:
            multi.setdefault(key, []).append(value)
        return {key: values[-1] for key, values in multi.items()}, multi

    def _reply(self, status: int, body: bytes | str | Any, content_type: str = "application/json") -> None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        raw = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if status != 204 and self.command != "HEAD":
            self.wfile.write(raw)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _fault_before(self, fault: Fault | None) -> bool:
        """Apply a fault that replaces the answer; True when the request is fully handled."""
        if fault is None:
            return False
        state = self.server.state
        if fault.kind == "delay":
            state_sleep(self.server, fault.seconds)
            return False
        if fault.kind == "http401":
            self._reply(401, {"message": "Authorization failed", "error": "authorization_failed", "errors": []})
        elif fault.kind == "http401_empty":
            self._reply(401, b"", "text/plain")
        elif fault.kind.startswith("http5"):
            self._reply(int(fault.kind[4:]), "<html><body>Bad gateway</body></html>", "text/html")
        elif fault.kind == "drop_before":
            self._drop()
        elif fault.kind == "garbage":
            self._reply(200, os.urandom(64) + b"\xff\xfe<not smsapi>", "application/json")
        elif fault.kind == "empty":
            self._reply(200, b"", "application/json")
        elif fault.kind in ("truncate", "stall"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "400")
            self.end_headers()
            self.wfile.write(b'{"count":1,"list":[{"id":"1')
            self.wfile.flush()
            if fault.kind == "stall":
                state_sleep(self.server, fault.seconds or 60)
            self._drop()
        else:
            return False
        del state
        return True

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        if path.startswith(CONTROL):
            return self._control(method, path[len(CONTROL):])
        params, multi = self._params()
        state = self.server.state
        self.platform: str | None = None
        for prefix in ("pl", "com"):  # /pl/… and /com/… act as the two platforms' hosts
            if path.startswith(f"/{prefix}/"):
                self.platform, path = prefix, path[len(prefix) + 1:]
        with state.lock:
            state.requests.append((method, path))
        fault = state.take_fault(path)
        if self._fault_before(fault):
            return None
        status, body, content_type = self._route(method, path, params, multi)
        if fault is not None and fault.kind == "drop_after":
            return self._drop()
        if fault is not None and fault.kind == "points_text" and isinstance(body, dict):
            body = _points_as_text(body)
        return self._reply(status, body, content_type)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    # -- SMSAPI ---------------------------------------------------------------------------------

    def _account(self, params: dict[str, str], legacy: bool) -> tuple[Account | None, int, bool]:
        """(account, 0, via_token) or (None, legacy error code, via_token).

        A bearer header wins, then `access_token`; the legacy *.do also take HTTP Basic
        `login:md5` (SMSAPI's Python and Java SDKs) and `username`/`password` fields. REST is
        Bearer-only, as SMSAPI's OpenAPI document says."""
        state = self.server.state
        scheme, _, value = (self.headers.get("Authorization") or "").strip().partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else params.get("access_token")
        login = _basic(value) if scheme.lower() == "basic" else None
        if token:
            account = state.by_token(token)
        elif legacy and login is not None:
            account = state.by_password(*login)
        elif legacy and params.get("username") and params.get("password"):
            account = state.by_password(params["username"], params["password"])
        else:
            return None, 102 if legacy and params.get("username") else 101, False
        if account is None or (self.platform and account.platform != self.platform):
            return None, 101, bool(token)
        if account.ip_filter:
            return None, 105, bool(token)
        return account, 0, bool(token)

    def _route(self, method: str, path: str, params: dict[str, str], multi: dict[str, list[str]]) -> tuple[int, Any, str]:
        if path == "/ping":
            return self._ping(method, params)
        legacy = path.endswith(".do")
        plain = legacy and params.get("format") != "json" and path in ("/sms.do", "/user.do")
        account, code, via_token = self._account(params, legacy)
        scope = _scope(path)
        if account is not None and scope and via_token and scope not in account.scopes:
            code = 401
        if code:
            return self._error(legacy, plain, code, account is None and code in (101, 102))
        assert account is not None
        if legacy:
            return routes.legacy(self.server.state, account, path, params, plain)
        return routes.rest(self.server.state, account, method, path, params, multi)

    def _ping(self, method: str, params: dict[str, str]) -> tuple[int, Any, str]:
        """HEAD: 204 = reachable. GET: 200 with `authorized` true only for a working token."""
        if method == "HEAD":
            return 204, b"", "application/json"
        account, code, via_token = self._account(params, legacy=False)
        return 200, {"authorized": bool(account and not code and via_token), "unavailable": []}, "application/json"

    def _error(self, legacy: bool, plain: bool, code: int, bad_credentials: bool) -> tuple[int, Any, str]:
        text = {101: "Authorization failed", 102: "Invalid username or password",
                105: f"Invalid IP address {self.client_address[0]}",
                401: "Token doesn't have permissions for this action"}[code]
        if plain:
            return 200, f"ERROR:{code}", "text/plain"
        if legacy:
            return 200, {"error": code, "message": text}, "application/json"
        status = 401 if bad_credentials else 403
        if code == 105:  # every REST error is a string tag (the OpenAPI document's ErrorTag)
            return routes.rest_error(status, "ip_not_allowed", text)
        return routes.rest_error(status, "authorization_failed" if bad_credentials else "forbidden", text)

    # -- control --------------------------------------------------------------------------------

    def _control(self, method: str, name: str) -> None:
        """For scripts and tests: the outbox, tracked messages, names, faults, the clock, reset."""
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        query = dict(parse_qsl(urlsplit(self.path).query))
        parts = [unquote(p) for p in name.strip("/").split("/")]
        if name == "outbox":
            with state.lock:
                items = [vars(d) for d in state.outbox]
            return self._reply(200, items)
        if name == "messages":
            with state.lock:
                now, tracked = state.now(), list(state.messages.values())
            return self._reply(200, [m.item(now, state.delays) for m in tracked])
        if name == "senders" and method == "GET":
            return self._reply(200, {a: state.senders(state.accounts[a]) for a in list(state.accounts)})
        if len(parts) == 3 and parts[0] == "senders" and parts[2] in ("approve", "reject") and method == "POST":
            changed = state.decide(parts[1], "ACTIVE" if parts[2] == "approve" else "REJECTED", query.get("account"))
            return self._reply(200 if changed else 404, {"changed": changed})
        if name == "clock" and method == "POST":
            try:
                data = json.loads(body or b"{}")
                state.advance(float(data.get("advance", 0)) if isinstance(data, dict) else 0.0)
            except (ValueError, TypeError) as exc:
                return self._reply(400, {"error": "bad_clock", "message": str(exc)})
            return self._reply(200, {"now": state.now()})
        if name == "faults" and method == "POST":
            try:
                data = json.loads(body or b"[]")
                faults = [Fault(**item) for item in (data if isinstance(data, list) else [data])]
                for fault in faults:
                    state.inject(fault)
            except (ValueError, TypeError) as exc:  # not JSON, an unknown kind or key
                return self._reply(400, {"error": "bad_fault", "message": str(exc), "kinds": list(Fault.KINDS)})
            return self._reply(200, {"queued": len(state.faults)})
        if name == "reset" and method == "POST":
            state.reset()
            return self._reply(200, {"reset": True})
        return self._reply(404, {"error": "not_found"})


def _basic(value: str) -> tuple[str, str] | None:
    try:
        login, sep, password = base64.b64decode(value.strip(), validate=True).decode("latin-1").partition(":")
    except (ValueError, binascii.Error):
        return None
    return (login, password) if sep else None


def _scope(path: str) -> str | None:
    """The token scope a path needs (the sandbox's `wezszy` token has Profile only)."""
    if path == "/sms.do":
        return "sms"
    if path == "/sender.do" or path.startswith(routes.SENDERNAMES):
        return "sendernames"
    if path in ("/user.do", "/profile", "/profile/prices"):
        return "profile"
    if path == "/subusers" or path.startswith("/subusers/"):
        return "subusers"
    return None


def state_sleep(server: _Server, seconds: float) -> None:
    """Sleep that ends early when the sandbox stops or a test lets the answers it holds go
    (`Sandbox.let_go`), so a test waits for its condition, never for a stalled fault."""
    with server.waking:
        seen = server.wakes
        server.waking.wait_for(lambda: server.wakes != seen or server.stopping.is_set(), timeout=seconds)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SandboxState, ssl_context: ssl.SSLContext | None) -> None:
        super().__init__(address, _Handler)
        self.state = state
        self.stopping = threading.Event()
        self.waking = threading.Condition()
        self.wakes = 0  # each let_go (and the stop) ends every delay and stall waiting now
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True)


class Sandbox:
    """`with Sandbox() as sb: sb.url` — a real server on 127.0.0.1 in a background thread."""

    def __init__(self, port: int = 0, *, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None,
                 state: SandboxState | None = None) -> None:
        self.state = state or SandboxState()
        self._server = _Server((host, port), self.state, ssl_context)
        self._scheme = "https" if ssl_context else "http"
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.port}/"

    def start(self) -> Sandbox:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="sms-tui-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def let_go(self) -> None:
        """Every answer a `delay` or `stall` fault holds right now goes at once (faults still to
        come wait as injected): a test holds a send in flight for as long as its condition needs."""
        with self._server.waking:
            self._server.wakes += 1
            self._server.waking.notify_all()

    def stop(self) -> None:
        self._server.stopping.set()
        self.let_go()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=2)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, kind: str, path: str | None = None, *, seconds: float = 0.0, times: int = 1) -> None:
        self.state.inject(Fault(kind, path, seconds, times))

    @property
    def outbox(self) -> list[Any]:
        with self.state.lock:
            return list(self.state.outbox)

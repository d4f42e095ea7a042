"""Diagnose like SMSAPI support would: one implementation for the wizard, `apply`, `check` and
`doctor`. A bare "Authorization failed" becomes the cause and the fix."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sms_tui import constants
from sms_tui.i18n import t
from sms_tui.smsapi import ApiError, AuthMode, Category, ClientOptions, Credentials, Platform, SmsapiError

if TYPE_CHECKING:
    from sms_tui.smsapi.http import ApiHttp

PANEL = {
    "registration": constants.REGISTRATION_LINK,
    "md5": "https://ssl.smsapi.{tld}/client_api/password",
    "tokens": "https://ssl.smsapi.{tld}/react/oauth/manage",
    "sendernames": "https://ssl.smsapi.{tld}/sms_settings/sendernames/",
}
SCOPES = ("profile", "sendernames", "sms")
_IP = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]{3,}:[0-9a-fA-F:]+)\b")


def scope_names(scopes: list[str]) -> str:
    """As the panel labels them: SMS, Sendernames, Profile."""
    return ", ".join("SMS" if s == "sms" else s.capitalize() for s in scopes) or "SMS, Sendernames, Profile"


def panel_link(page: str, platform: Platform = Platform.PL) -> str:
    return PANEL[page].format(tld=platform.value)


Check = Literal["settings", "tls", "dns", "connection", "proxy", "clock", "credentials", "platform", "permissions", "ip_filter",
                "activation", "smsapi", "sender", "balance", "outbox", "guard"]


@dataclass
class Finding:
    check: Check
    status: Literal["ok", "warn", "fail"]
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def link_for(error: SmsapiError) -> str | None:
    """The panel page that fixes this error, if there is one."""
    if error.category is Category.CREDENTIALS:
        return "md5"
    if error.category is Category.PERMISSION:
        return "tokens"
    if error.category is Category.SENDER:
        return "sendernames"
    return None


def _session_client(session: Any, credentials: Credentials, options: ClientOptions) -> Any:
    return session.client(credentials, options)


async def other_platform(session: Any, credentials: Credentials, options: ClientOptions) -> Platform | None:
    """After a 101: do the same credentials work on the other platform (.pl ↔ .com)?"""
    if options.api_url and "{platform}" not in options.api_url:
        return None  # a fixed URL (proxy) has no other platform to try
    other = options.platform.other
    try:
        await _session_client(session, credentials, dataclasses.replace(options, platform=other, attempts=1)).check_credentials()
    except SmsapiError:
        return None
    return other


async def missing_scopes(session: Any, credentials: Credentials, options: ClientOptions, test_number: str) -> list[str]:
    """For a token: which of SMS, Sendernames and Profile it lacks (a 401 each, never 'wrong password')."""
    api = _session_client(session, credentials, options)
    missing = []
    calls = {"profile": api.balance, "sendernames": api.senders,
             "sms": lambda: api.send(test_number, "sms-tui permission check", "ECO", test=True)}
    for scope in SCOPES:
        try:
            await calls[scope]()
        except ApiError as exc:
            if exc.category is Category.PERMISSION:
                missing.append(scope)
        except SmsapiError:
            pass
    return missing


def public_ip_hint(error: ApiError, configured: str | None = None) -> str | None:
    """This server's address as SMSAPI saw it (from the 105 answer), or the configured hint."""
    match = _IP.search(error.server_message or "")
    return match.group(1) if match else configured


async def explain(session: Any, credentials: Credentials, options: ClientOptions, error: SmsapiError,
                  *, test_number: str = constants.PROBE_NUMBER, ip_hint: str | None = None) -> Finding:
    """The diagnosis of a failed credentials check or send, with the fix and the panel page."""
    platform = options.platform
    if isinstance(error, ApiError) and error.category is Category.CREDENTIALS:
        other = await other_platform(session, credentials, options)
        if other is not None:
            return Finding("platform", "fail", t("diag.wrong_platform", platform=f"smsapi.{other.value}",
                                                 wrong=f"smsapi.{platform.value}"), {"platform": other.value})
        causes = "token" if credentials.mode is AuthMode.TOKEN else "md5"
        return Finding("credentials", "fail", t(f"diag.wrong_both.{causes}", link=panel_link("md5" if causes == "md5" else "tokens", platform)))
    if isinstance(error, ApiError) and error.category is Category.PERMISSION:
        scopes = await missing_scopes(session, credentials, options, test_number) if credentials.mode is AuthMode.TOKEN else []
        return Finding("permissions", "fail", t("diag.scopes", scopes=scope_names(scopes), link=panel_link("tokens", platform)),
                       {"missing_scopes": scopes})
    if isinstance(error, ApiError) and error.category is Category.IP_FILTER:
        ip = public_ip_hint(error, ip_hint)
        text = t("diag.ip_known", ip=ip) if ip else t("diag.ip_unknown")
        return Finding("ip_filter", "fail", text, {"ip": ip})
    if isinstance(error, ApiError) and error.code == 98:
        return Finding("activation", "fail", t("diag.activation"))
    from sms_tui.smsapi_texts import describe

    page = link_for(error)
    suffix = f" {panel_link(page, platform)}" if page else ""
    return Finding("smsapi", "fail", describe(error) + suffix)


def proxy_finding(env: dict[str, str]) -> Finding:
    proxies = {k: v for k, v in env.items() if k.lower() in ("https_proxy", "http_proxy", "all_proxy", "no_proxy") and v}
    if not proxies:
        return Finding("proxy", "ok", t("doctor.proxy_none"))
    shown = ", ".join(f"{k}={_no_password(v)}" for k, v in sorted(proxies.items()))
    return Finding("proxy", "ok", t("doctor.proxy", proxies=shown), {"proxies": sorted(proxies)})


def _no_password(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//***@", url)


async def dns_finding(host: str) -> Finding:
    import asyncio
    import socket

    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except OSError as exc:
        return Finding("dns", "fail", t("net.dns", host=host) + f" ({exc})")
    addresses = sorted({str(info[4][0]) for info in infos})
    return Finding("dns", "ok", t("doctor.dns", host=host, addresses=", ".join(addresses[:3])), {"addresses": addresses})


async def tls_clock_findings(http: ApiHttp, base_url: str, now: float | None = None) -> list[Finding]:
    """One request: TLS verified (any HTTP answer means the handshake passed) and the clock
    compared with the server's Date header — a wrong clock breaks TLS."""
    import time
    from email.utils import parsedate_to_datetime

    import httpx

    from sms_tui.smsapi.transport import classify
    from sms_tui.smsapi_texts import describe

    try:
        response = await http.request("GET", base_url + "ping")
    except httpx.HTTPError as exc:
        error = classify(exc, base_url)
        # Filed where it happened: a refused or timed-out connection never reached TLS.
        check: Check = "tls" if error.kind in ("tls", "tls_plain") else "connection"
        return [Finding(check, "fail", describe(error))]
    findings = []
    if base_url.startswith("https://"):
        findings.append(Finding("tls", "ok", t("doctor.tls_ok")))
    else:
        findings.append(Finding("tls", "warn", t("doctor.tls_plain", url=base_url)))
    date = response.headers.get("date")
    if date:
        skew = (now or time.time()) - parsedate_to_datetime(date).timestamp()
        status: Literal["ok", "warn", "fail"] = "ok" if abs(skew) < 120 else "fail" if abs(skew) > 3600 else "warn"
        key = "doctor.clock_ok" if status == "ok" else "doctor.clock_skew"
        findings.append(Finding("clock", status, t(key, seconds=round(skew)), {"skew_seconds": round(skew)}))
    return findings

"""`sms-tui doctor`: every check a support technician would run, one line each, with the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

import os
from collections.abc import Callable
from urllib.parse import urlsplit

from sms_tui import constants, diagnose, operations, rules
from sms_tui.commands.common import Context, Reporter, run_async
from sms_tui.diagnose import Finding
from sms_tui.exitcodes import ExitCode, exit_code_for
from sms_tui.i18n import t
from sms_tui.settings import store as settings_store
from sms_tui.settings.model import Settings
from sms_tui.smsapi import ApiError, AuthMode, ClientOptions, Platform, SmsapiError, base_urls
from sms_tui.smsapi.client import make_http
from sms_tui.smsapi.errors import BadCaBundle
from sms_tui.smsapi.http import ApiHttp
from sms_tui.smsapi_texts import describe


def _readers(ctx: Context, settings: Settings) -> Finding:
    """Who can read the settings, and whether the shop software's named reader really can (every
    folder above must let it through, not only the file)."""
    owner, group = settings_store.readers(ctx.config_path)
    named = settings.files.group or settings.files.user
    if named and not settings_store.reachable(ctx.config_path, settings.files):
        return Finding("settings", "warn", t("doctor.reader_blocked", name=named, path=ctx.config_path))
    key = "doctor.readers_group" if group else "doctor.readers_owner"
    return Finding("settings", "ok", t(key, owner=owner, group=group or "—"), {"owner": owner, "group": group})


def run(ctx: Context, args: Namespace | None = None) -> int:
    rep = ctx.reporter()
    return run_async(lambda: _doctor(ctx, rep))


async def _doctor(ctx: Context, rep: Reporter) -> int:
    findings: list[Finding] = []
    code = ExitCode.OK

    def add(finding: Finding) -> None:
        findings.append(finding)
        mark = t(f"doctor.mark.{finding.status}")
        rep.steps.append({"step": finding.check, "status": finding.status, "message": finding.text, **finding.data})
        rep.info(f"[{mark:^5}] {finding.check:<12} {finding.text}")

    settings, code = _settings(ctx, add)
    if settings is not None:
        _outbox(settings, add)
    add(diagnose.proxy_finding(dict(os.environ)))

    platform = settings.account.platform if settings else Platform.PL
    options = ctx.client_options(platform, settings.account.api_url if settings else None)
    base = base_urls(platform, options.api_url)[0]
    host = urlsplit(base).hostname or base
    dns = await diagnose.dns_finding(host)
    add(dns)
    code = await _reach(settings, options, base, dns, add, code)
    return rep.finish(code, checks=len(findings), failed=sum(f.status == "fail" for f in findings))


async def _reach(settings: Settings | None, options: ClientOptions, base: str, dns: Finding, add: Callable[[Finding], None],
                 code: ExitCode) -> ExitCode:
    """TLS and the clock at SMSAPI's address (when its name resolved), then the account: the exit code so far, updated."""
    try:
        http = make_http(options)
    except BadCaBundle as exc:  # the check doctor exists for: say which file and how to fix it
        add(Finding("tls", "fail", describe(exc)))
        return ExitCode.USAGE if code == ExitCode.OK else code
    try:
        if dns.status == "ok":
            for finding in await diagnose.tls_clock_findings(http, base):
                add(finding)
                if finding.status == "fail" and code == ExitCode.OK:
                    code = ExitCode.UNREACHABLE
        elif code == ExitCode.OK:
            code = ExitCode.UNREACHABLE
        if settings is not None and code == ExitCode.OK:
            code = await _account_checks(settings, options, add, http)
    finally:
        await http.aclose()
    return code


def _settings(ctx: Context, add: Callable[[Finding], None]) -> tuple[Settings | None, ExitCode]:
    """The saved settings as doctor reports them: found, readable, who may read them."""
    try:
        settings, warnings = settings_store.load(ctx.config_path)
    except settings_store.ConfigError as exc:
        add(Finding("settings", "fail", exc.describe()))
        return None, ExitCode.USAGE
    if settings is None:
        add(Finding("settings", "fail", t("config.missing", path=ctx.config_path)))
        return None, ExitCode.USAGE
    for warning in warnings:
        add(Finding("settings", "warn", warning.describe()))
    if not warnings:
        mode = settings_store.file_mode(ctx.config_path)
        add(Finding("settings", "ok", t("doctor.settings_ok", path=ctx.config_path, mode=f"{mode or 0:04o}")))
    add(_readers(ctx, settings))
    if ctx.config_note:
        add(Finding("settings", "warn", ctx.config_note))
    return settings, ExitCode.OK


def _outbox(settings: Settings, add: Callable[[Finding], None]) -> None:
    """The outbox, where one is in use: a relay serving it, holds, the oldest message, failures."""
    from sms_tui.outbox import health
    from sms_tui.outbox.spool import spool_for

    try:
        spool = spool_for(settings)
        for finding in health.findings(spool):
            add(finding)
        add(health.guard_finding(settings, spool))
    except (OSError, KeyError) as exc:
        add(Finding("outbox", "warn", t("doctor.outbox_unreadable", reason=exc)))


async def _account_checks(settings: Settings, options: ClientOptions, add: Callable[[Finding], None],
                          http: ApiHttp) -> ExitCode:
    session = operations.Session(options, http=http)
    credentials = settings.account.credentials()
    test_number = settings.verified.to if settings.verified and settings.verified.to else constants.PROBE_NUMBER
    try:
        status = await operations.verify(session, credentials, options)
    except SmsapiError as exc:
        if isinstance(exc, ApiError):
            add(await diagnose.explain(session, credentials, options, exc, test_number=test_number,
                                       ip_hint=constants.public_ip()))
        else:
            add(Finding("credentials", "fail", describe(exc)))
        return exit_code_for(exc)
    add(Finding("credentials", "ok", t("check.credentials_ok", user=settings.account.username or "token")))
    if credentials.mode is AuthMode.TOKEN:
        missing = await diagnose.missing_scopes(session, credentials, options, test_number)
        if missing:
            link = diagnose.panel_link("tokens", settings.account.platform)
            add(Finding("permissions", "fail", t("diag.scopes", scopes=diagnose.scope_names(missing), link=link), {"missing_scopes": missing}))
            return ExitCode.CREDENTIALS
        add(Finding("permissions", "ok", t("doctor.scopes_ok")))
    problems = operations.sender_problems(settings.sender.mode, settings.sender.name, status.senders)
    for key in problems:
        add(Finding("sender", "fail", t(key, name=settings.sender.name)))
    if problems:
        return ExitCode.REFUSED
    add(Finding("sender", "ok", t("apply.sender_ok", sender=settings.sender.from_field)))
    points = status.balance.points or 0
    threshold = settings.alerts.low_balance
    if rules.below_threshold(points, threshold):
        add(Finding("balance", "warn", t("check.low_balance", points=points, threshold=rules.threshold_text(threshold))))
        return ExitCode.LOW_BALANCE
    add(Finding("balance", "ok", t("doctor.balance", points=points)))
    return ExitCode.OK

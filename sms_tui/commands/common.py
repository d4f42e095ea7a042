"""What every headless command shares: options, the step reporter, error → exit code."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sms_tui import constants
from sms_tui.exitcodes import ExitCode, exit_code_for
from sms_tui.i18n import t
from sms_tui.settings import store as settings_store

if TYPE_CHECKING:
    from sms_tui import diagnose
    from sms_tui.operations import Session
    from sms_tui.settings.model import AccountSettings, Settings
    from sms_tui.smsapi import ClientOptions, Credentials, Platform, SmsapiClient, SmsapiError


@dataclass
class Context:
    """What every command runs with: the global options and the streams (a test or an embedding
    script passes its own; nothing in a command reads sys.stdout or sys.stdin itself)."""

    config_path: Path
    api_url: str | None = None
    ca_bundle: str | None = None
    debug: bool = False
    json: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    config_note: str | None = None  # root's settings still under /root (settings_store.resolve): doctor reports it

    def __post_init__(self) -> None:
        from sms_tui.i18n import set_program

        set_program(lambda: settings_store.invocation(self.config_path))

    def reporter(self) -> Reporter:
        return Reporter(self.json, self.out, self.err)

    def client_options(self, platform: Platform, saved_api_url: str | None = None) -> ClientOptions:
        from sms_tui.smsapi.options import ClientOptions  # deferred with the other SMSAPI names: `show` needs none

        return ClientOptions(platform=platform, api_url=self.api_url or saved_api_url, ca_bundle=self.ca_bundle,
                             connect_timeout=self.connect_timeout, read_timeout=self.read_timeout)


@dataclass
class Connection:
    """One command's way to the saved account: one connection pool, and what a diagnosis needs."""

    options: ClientOptions
    session: Session
    credentials: Credentials

    @property
    def api(self) -> SmsapiClient:
        return self.session.client(self.credentials)

    async def failure(self, rep: Reporter, step: str, error: SmsapiError, test_number: str = constants.PROBE_NUMBER, **data: Any) -> int:
        return await diagnosed_failure(rep, step, error, self.session, self.credentials, self.options, test_number, **data)

    async def failed_step(self, rep: Reporter, step: str, error: SmsapiError, test_number: str = constants.PROBE_NUMBER) -> dict[str, Any]:
        return await diagnosed_step(rep, step, error, self.session, self.credentials, self.options, test_number)

    async def aclose(self) -> None:
        await self.session.aclose()


def connect(ctx: Context, account: AccountSettings) -> Connection:
    from sms_tui.operations import Session  # deferred: `show` needs no SMSAPI names

    options = ctx.client_options(account.platform, account.api_url)
    return Connection(options, Session(options), account.credentials())


class Reporter:
    """One plain line per step (no ANSI: it goes to scripts and logs), or one JSON object at the end."""

    def __init__(self, as_json: bool, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.as_json = as_json
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.steps: list[dict[str, Any]] = []
        # What may have reached SMSAPI when the run is cut short: the idx and the command that
        # retries it without a second SMS (kept on any way out but a normal one).
        self.in_flight: dict[str, str] | None = None
        self.known: dict[str, Any] = {}  # what an interrupted run's JSON still reports (an accepted id…)

    def sending(self, idx: str, retry: str) -> None:
        """Before a request that may cost an SMS: the log has the idx even when the terminal is gone."""
        import logging  # deferred: `show` starts no logging machinery

        self.in_flight = {"idx": idx, "retry_command": retry}
        logging.getLogger("sms_tui").info("sending with idx %s; a safe retry: %s", idx, retry)

    def sent(self, **data: Any) -> None:
        """SMSAPI answered (accepted or refused): nothing is in flight any more."""
        self.in_flight = None
        self.known.update(data)

    def interrupted(self, signum: int) -> int:
        """Ctrl+C, SIGTERM, SIGHUP: say what may have gone out and the exact safe retry — on a
        stderr that may be gone already (a dropped link), so the log says it first."""
        import logging
        import signal

        from sms_tui.exitcodes import exit_code_for_signal

        name = signal.Signals(signum).name
        flight = self.in_flight or {}
        logging.getLogger("sms_tui").warning("interrupted by %s; in flight: %s", name, flight or "nothing")
        text = t("cli.interrupted_in_flight", signal=name, **flight) if flight else t("cli.interrupted")
        try:
            self.step("interrupted", False, text, signal=name)
            return self.finish(exit_code_for_signal(signum), interrupted=name, **{**self.known, **flight})
        except OSError:  # the terminal went with the link
            return int(exit_code_for_signal(signum))

    def step(self, name: str, ok: bool, text: str, **data: Any) -> None:
        if self.as_json:  # kept only for the JSON at the end: a relay serving for months prints its lines and keeps none
            self.steps.append({"step": name, "ok": ok, "message": text, **data})
        else:
            mark = t("cli.ok") if ok else t("cli.fail")
            print(f"{mark} {text}", file=self.out if ok else self.err, flush=True)

    def warn(self, name: str, text: str, **data: Any) -> None:
        """Not a failure, not "ok" either: e.g. permissions that were (or could not be) tightened."""
        if self.as_json:
            self.steps.append({"step": name, "ok": True, "warning": True, "message": text, **data})
        else:
            print(f"{t('cli.warn')} {text}", file=self.err, flush=True)

    def info(self, text: str) -> None:
        if not self.as_json:
            print(text, file=self.out, flush=True)

    def refuse_input(self, problems: list[str], **data: Any) -> int:
        """Arguments that cannot work: every problem at once, before any request."""
        for problem in problems:
            self.step("input", False, problem)
        return self.finish(ExitCode.USAGE, problems=problems, **data)

    def finish(self, code: ExitCode, **data: Any) -> int:
        if self.as_json:
            payload = {"ok": code == ExitCode.OK, "exit_code": int(code), "exit_name": code.name.lower(),
                       "steps": self.steps, **data}
            print(json.dumps(payload, ensure_ascii=False, default=str), file=self.out, flush=True)
        return int(code)

    def api_failure(self, step: str, error: SmsapiError, finding: diagnose.Finding | None = None, *, hint: str = "",
                    **data: Any) -> int:
        extra = self.api_step(step, error, finding, hint=hint)
        return self.finish(exit_code_for(error), error=extra, **data)

    def api_step(self, step: str, error: SmsapiError, finding: diagnose.Finding | None = None, *, hint: str = "") -> dict[str, Any]:
        """The failed step with its cause and fix; the error's data for the final JSON."""
        from sms_tui.smsapi.errors import ApiError
        from sms_tui.smsapi_texts import describe

        extra: dict[str, Any] = {"category": error.category.value}
        if isinstance(error, ApiError):
            extra["code"] = error.code
        else:
            extra["kind"] = getattr(error, "kind", None)
        if finding is not None:
            extra["diagnosis"] = {"check": finding.check, **finding.data}
        text = finding.text if finding is not None else describe(error)
        self.step(step, False, " ".join(part for part in (text, hint) if part) + log_hint(), **extra)
        return extra


async def diagnosed_failure(rep: Reporter, step: str, error: SmsapiError, session: object, credentials: Credentials,
                            options: ClientOptions, test_number: str = constants.PROBE_NUMBER, *, hint: str = "", **data: Any) -> int:
    """Report an SMSAPI failure with its diagnosis (wrong platform, missing token scope, IP…)."""
    extra = await diagnosed_step(rep, step, error, session, credentials, options, test_number, hint=hint)
    return rep.finish(exit_code_for(error), error=extra, **data)


async def diagnosed_step(rep: Reporter, step: str, error: SmsapiError, session: object, credentials: Credentials,
                         options: ClientOptions, test_number: str = constants.PROBE_NUMBER, *, hint: str = "") -> dict[str, Any]:
    from sms_tui.diagnose import explain  # deferred: only a failure needs the diagnosis
    from sms_tui.smsapi.errors import ApiError

    finding = None
    if isinstance(error, ApiError):
        finding = await explain(session, credentials, options, error, test_number=test_number,
                                ip_hint=constants.public_ip())
    return rep.api_step(step, error, finding, hint=hint)


def log_hint() -> str:
    from sms_tui import logs  # deferred: `show` never starts logging

    path = logs.log_path()
    return f" ({t('cli.log', path=path)})" if path else ""


def load_settings(ctx: Context, rep: Reporter) -> Settings | int:
    """The saved settings, or the exit code after reporting why there are none."""
    try:
        settings, warnings = settings_store.load(ctx.config_path)
    except settings_store.ConfigError as exc:
        rep.step("settings", False, exc.describe())
        return rep.finish(ExitCode.USAGE)
    for warning in warnings:
        rep.warn("settings", warning.describe())
    if settings is None:
        said = t("config.missing", path=ctx.config_path)
        rep.step("settings", False, f"{said} {ctx.config_note}" if ctx.config_note else said)
        return rep.finish(ExitCode.USAGE)
    return settings


def run_async(factory: Callable[[], Awaitable[int]], rep: Reporter | None = None) -> int:
    """Run a command's coroutine; Ctrl+C, SIGTERM and SIGHUP (a service stop, `timeout`, a
    dropped SSH link) all cancel it the same way, and the reporter says what may have gone out."""
    import asyncio  # deferred: `show` never needs an event loop
    import signal

    caught: list[int] = []
    watched = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    before = {signum: signal.getsignal(signum) for signum in watched}

    async def main() -> int:
        loop, task = asyncio.get_running_loop(), asyncio.current_task()

        def stop(signum: int) -> None:
            if not caught and task is not None:
                caught.append(signum)
                task.cancel()

        for signum in watched:
            try:
                loop.add_signal_handler(signum, stop, signum)
            except (ValueError, RuntimeError, NotImplementedError):  # not the main thread: Python's defaults stay
                pass
        return await factory()

    try:
        return asyncio.run(main())
    except (KeyboardInterrupt, asyncio.CancelledError):
        signum = caught[0] if caught else signal.SIGINT
        if rep is not None:
            return rep.interrupted(signum)
        print(t("cli.interrupted"), file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    finally:
        for signum, handler in before.items():
            if handler is not None and signal.getsignal(signum) is not handler:
                try:
                    signal.signal(signum, handler)
                except ValueError:  # not the main thread
                    pass

"""Argument parsing and dispatch. Textual is imported only when the wizard starts, so the
headless commands stay fast and work on servers where the terminal cannot show a TUI."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sms_tui import __version__
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, set_language, t

if TYPE_CHECKING:
    from sms_tui.commands.common import Context
    from sms_tui.commands.registry import Command


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Global options, accepted before or after the subcommand (SUPPRESS keeps the earlier value)."""
    def d(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument("--config", metavar="PATH", default=d(None), help="settings file (default: SMS_TUI_CONFIG; as root /etc/sms-tui/smsapi.toml; else the user config folder)")
    parser.add_argument("--api-url", metavar="URL", default=d(None), help="SMSAPI base URL (proxy, sandbox)")
    parser.add_argument("--lang", choices=("pl", "en"), default=d(None), help="language (default: from LANG, else pl)")
    parser.add_argument("--ca-bundle", metavar="FILE", default=d(None), help="extra CA certificates (PEM) for a TLS-intercepting proxy")
    parser.add_argument("--debug", action="store_true", default=d(False), help="verbose log file")


def build_parser() -> argparse.ArgumentParser:
    from sms_tui.commands.registry import commands

    parser = argparse.ArgumentParser(prog="sms-tui", description="Connect a shop's software to the SMSAPI SMS gateway. "
                                     "With no command: the setup wizard.",
                                     epilog="exit codes: 0 ok, 2 usage/answers, 3 SMSAPI unreachable, 4 credentials refused or IP filter, "
                                     "5 send or sender refused, 6 balance under threshold (check, watch), 7 not delivered, 8 delivery not confirmed (yet), "
                                     "129/130/143 interrupted (SIGHUP, Ctrl+C, SIGTERM)")
    parser.add_argument("--version", action="version", version=f"sms-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="the wizard on the built-in SMSAPI sandbox (no account needed)")
    restart = parser.add_mutually_exclusive_group()
    restart.add_argument("--restart-command", metavar="CMD", help="offer to run CMD after saving (restarts the shop software)")
    restart.add_argument("--restart-unit", metavar="UNIT", help="offer to restart this systemd unit after saving (systemctl restart UNIT)")
    parser.add_argument("--mouse", action="store_true", help="enable mouse reporting in the wizard")
    parser.add_argument("--ascii", action="store_true", help="ASCII drawing (automatic for TERM=linux)")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands(lambda nested: _common(nested, suppress=True)):
        p = sub.add_parser(command.name, help=command.help)
        command.arguments(p)
        _common(p, suppress=True)
    return parser


def _context(args: argparse.Namespace) -> Context:
    from sms_tui.commands.common import Context  # deferred: the wizard path never needs it
    from sms_tui.settings.store import resolve

    config_path, note = resolve(args.config)
    if note and args.command != "doctor":  # root's settings still in /root: they work, and the way out is said every time
        print(note, file=sys.stderr)
    return Context(config_path=config_path, config_note=note, api_url=args.api_url, ca_bundle=args.ca_bundle,
                   debug=args.debug, json=getattr(args, "json", False), out=sys.stdout, err=sys.stderr, stdin=sys.stdin)


def _no_terminal() -> bool:
    return not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("TERM", "") in ("", "dumb")


def _command(name: str | None) -> Command | None:
    from sms_tui.commands.registry import commands

    return next((c for c in commands(lambda _: None) if c.name == name), None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in raw  # a script asked for one JSON object on stdout, whatever goes wrong
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code in (0, None):
            return 0
        return _early_failure(ExitCode.USAGE, t("cli.usage_json"), as_json, printed=True)
    set_language(args.lang)
    if (problem := _option_problem(args)) is not None:
        return _early_failure(ExitCode.USAGE, problem, as_json)
    command = _command(args.command)
    if command is not None and command.network:
        from sms_tui.smsapi.tls import prepare

        prepare(args.ca_bundle)  # parsed by OpenSSL in a thread while pydantic and httpx import
    # The wizard starts its log right after the first paint (WizardApp.on_mount).
    if command is not None and command.logs:
        from sms_tui import logs

        logs.setup(args.debug, on_failure=_warn)
    try:
        return _dispatch(command, args)
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `sms-tui doctor | head -1`: the reader has gone, so go quietly
        _silence_stdout()
        return int(ExitCode.PIPE_CLOSED)
    except Exception as exc:  # the last line of defence: a short message and the log, never a traceback
        return _unforeseen(exc, args.debug, as_json)


def _option_problem(args: argparse.Namespace) -> str | None:
    """The global options checked before any work: the CA bundle readable, the address usable, the wait
    understood (and turned into seconds)."""
    if args.ca_bundle and not os.access(args.ca_bundle, os.R_OK):
        reason = t("cli.ca_bundle_denied" if os.path.exists(args.ca_bundle) else "cli.ca_bundle_missing")
        return t("cli.ca_bundle", path=args.ca_bundle, reason=reason)
    if args.api_url and (problem := _url_problem(args.api_url)):
        return f"--api-url {args.api_url}: {problem}"
    wait = getattr(args, "wait", None)
    if wait is not None:
        from sms_tui.delivery import wait_seconds

        if (seconds := wait_seconds(wait)) is None:
            return t("delivery.bad_wait")
        args.wait = seconds
    return None


def _unforeseen(exc: Exception, debug: bool, as_json: bool) -> int:
    import logging

    from sms_tui import logs
    from sms_tui.exitcodes import exit_code_for

    if logs.log_path() is None:
        logs.setup(debug)
    code = exit_code_for(exc)
    if code is not ExitCode.FAILURE:  # foreseen, only not caught where it happened: say what it is
        logging.getLogger("sms_tui").warning("%s reached the top: %s", type(exc).__name__, exc)
        return _early_failure(code, _describe(exc), as_json)
    logging.getLogger("sms_tui").exception("unexpected error")
    return _early_failure(ExitCode.FAILURE, t("cli.crash", path=logs.log_path() or "-"), as_json)


def _warn(text: str) -> None:
    try:
        print(f"{t('cli.warn')} {text}", file=sys.stderr, flush=True)
    except OSError:  # stderr gone too (a dropped SSH link)
        pass


def _early_failure(code: ExitCode, message: str, as_json: bool, *, printed: bool = False) -> int:
    """A failure before (or outside) a command's own report: the message on stderr, and with
    --json also the one JSON object scripts parse (argparse has printed its own text already)."""
    if not printed:
        print(message, file=sys.stderr)
    if as_json:
        import json

        print(json.dumps({"ok": False, "exit_code": int(code), "exit_name": code.name.lower(), "steps": [],
                          "error": {"message": message}}, ensure_ascii=False), flush=True)
    return int(code)


def _describe(exc: Exception) -> str:
    """The technician's sentence for an error that has one (settings, answers, SMSAPI, the disk)."""
    describe = getattr(exc, "describe", None)
    if callable(describe):
        return str(describe())
    problems = getattr(exc, "problems", None)
    if problems:
        return " ".join(problems)
    from sms_tui.smsapi.errors import SmsapiError

    if isinstance(exc, SmsapiError):
        from sms_tui.smsapi_texts import describe as describe_api

        return describe_api(exc)
    if isinstance(exc, OSError):
        return t("cli.os_error", path=exc.filename or "-", reason=os_reason(exc))
    return str(exc)


def _url_problem(url: str) -> str | None:
    from sms_tui.rules.url import check_api_url

    key = check_api_url(url)
    return t(key) if key else None


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _dispatch(command: Command | None, args: argparse.Namespace) -> int:
    if command is None:
        if _no_terminal():
            print(t("cli.no_terminal"), file=sys.stderr)
            return int(ExitCode.USAGE)
        from sms_tui.tui.launch import run_wizard

        return run_wizard(args)
    import importlib

    module = importlib.import_module(command.module_name)
    return int(module.run(_context(args) if command.settings else None, args))

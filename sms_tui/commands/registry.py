"""The headless commands' one contract: each declares its arguments here and runs as
`run(ctx, args) -> int` in its own module, imported only when it runs (so `--version` and `show`
never pay for the HTTP stack). `cli` builds the parser from this table and dispatches through it;
nothing else knows a command's name or arguments.

This module is imported for every start: only argparse and the table, nothing heavy."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

Declare = Callable[[argparse.ArgumentParser], None]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Declare
    module: str = ""  # sms_tui.commands.<module> (default: the name)
    network: bool = True  # talks to SMSAPI: the CA bundle is prepared while the code imports
    logs: bool = True  # `show` only reads a file: the logging machinery would be most of its start-up
    settings: bool = True  # works on a settings file (has a Context); the sandbox has none

    @property
    def module_name(self) -> str:
        return f"sms_tui.commands.{self.module or self.name}"


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout, whatever happens")


def _wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", nargs="?", const="120", default=None, metavar="SECONDS",
                        help="after SMSAPI accepts the message, wait up to SECONDS (default 120) for the phone's "
                        "delivery report: exit 0 delivered, 7 not delivered, 8 not confirmed in time")


def _apply(p: argparse.ArgumentParser) -> None:
    p.add_argument("answers", metavar="ANSWERS.toml", help="the answers file (TOML), or - for TOML or JSON on standard input")
    p.add_argument("--dry-run", action="store_true", help="validate and send with test=1; write nothing; say what would change")
    p.add_argument("--retest", action="store_true", help="send a new real test SMS even when the saved settings were tested with the same account, sender and number")
    _wait(p)
    _json(p)


def _watch(p: argparse.ArgumentParser) -> None:
    p.add_argument("--install", action="store_true", help="run the watch by a systemd user timer (else cron)")
    p.add_argument("--uninstall", action="store_true", help="remove only what --install wrote")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--systemd", action="store_const", const="systemd", dest="kind", help="with --install: a systemd user timer")
    kind.add_argument("--cron", action="store_const", const="cron", dest="kind", help="with --install: a crontab line")
    p.add_argument("--every", choices=("hourly", "daily"), default="hourly", help="with --install (default hourly)")
    p.add_argument("--dry-run", action="store_true", help="with --install/--uninstall: print exactly what would be written and run")
    _json(p)


def _send(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="NUMBER")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--message", metavar="TEXT")
    group.add_argument("--stdin", action="store_true", help="read the message from standard input")
    p.add_argument("--idx", metavar="ID", help="your unique id: the same id is never delivered twice")
    p.add_argument("--queue", action="store_true", help="into the outbox for `sms-tui relay` (prints its id); nothing is sent now")
    p.add_argument("--from", dest="sender", metavar="NAME", help="with --queue: a sender name or ECO (default: the saved sender)")
    _wait(p)
    _json(p)


def _relay(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="send what is due, follow what was sent, and exit (cron, tests)")
    p.add_argument("--install", action="store_true", help="run the relay as a systemd service (a system unit as root)")
    p.add_argument("--uninstall", action="store_true", help="remove only the service --install wrote")
    p.add_argument("--dry-run", action="store_true", help="with --install/--uninstall: print exactly what would be written and run")
    _json(p)


def _queue(p: argparse.ArgumentParser, common: Declare) -> None:
    _json(p)
    actions = p.add_subparsers(dest="queue_action", metavar="ACTION")
    q = actions.add_parser("retry", help="waiting and held messages due now (all without an ID)")
    q.add_argument("ids", nargs="*", metavar="ID")
    _json(q)
    common(q)
    q = actions.add_parser("drop", help="remove a message that was not sent (or a file not taken from outgoing/ yet)")
    q.add_argument("id", metavar="ID")
    _json(q)
    common(q)
    q = actions.add_parser("resend", help="send a message held as 'may already have been sent', after a look at SMSAPI's panel")
    q.add_argument("ids", nargs="+", metavar="ID")
    _json(q)
    common(q)
    q = actions.add_parser("release", help="send messages the money guard held, once (all without an ID)")
    q.add_argument("ids", nargs="*", metavar="ID")
    _json(q)
    common(q)


def _status(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="+", metavar="ID", help="message ids, as send and the settings' [verified] message_id give them")
    _json(p)


def _sender(p: argparse.ArgumentParser, common: Declare) -> None:
    names = p.add_subparsers(dest="sender_action", metavar="ACTION", required=True)
    q = names.add_parser("list", help="the account's names with their status, and the requested one")
    _json(q)
    common(q)
    q = names.add_parser("add", help="request NAME (SMSAPI's staff approve it); the shop keeps its mode meanwhile")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--accept-statement", action="store_true", help="the owner accepts SMSAPI's statement (without it: printed, exit 2)")
    _json(q)
    common(q)
    q = names.add_parser("use", help="switch to an approved NAME: test, make it the default, save mode = pro")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--test-to", metavar="NUMBER", help="a real test SMS to NUMBER (default: test=1, nothing delivered)")
    _json(q)
    common(q)


def _subuser(p: argparse.ArgumentParser, common: Declare) -> None:
    actions = p.add_subparsers(dest="subuser_action", metavar="ACTION", required=True)
    q = actions.add_parser("list", help="the main account's subusers and their monthly points")
    _json(q)
    common(q)
    q = actions.add_parser("add", help="a subuser for one shop: its own API password and monthly points, the chain's sender names")
    q.add_argument("name", metavar="NAME", help="the subuser's login: 3-32 letters, digits, @ - _ .")
    q.add_argument("--points-per-month", type=float, required=True, metavar="P", help="what the shop may spend a month, at SMSAPI")
    q.add_argument("--share", default="all", metavar="all|none|NAME,…", help="the main account's sender names it may use (default: all)")
    q.add_argument("--answers-out", required=True, metavar="FILE",
                   help="the shop's answers file (0600), its login and API password in it: `apply` on the shop with it")
    q.add_argument("--test-to", metavar="NUMBER", help="the number the shop's test SMS goes to (in the answers file)")
    _json(q)
    common(q)
    q = actions.add_parser("show", help="one subuser: active, points, shared sender names")
    q.add_argument("name", metavar="NAME")
    _json(q)
    common(q)


def _sandbox(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--approve-after", type=float, default=None, metavar="SECONDS",
                   help="approve requested sender names by themselves after SECONDS (default: only POST /__sandbox/senders/NAME/approve)")


def _export(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("env", "json"), default="env",
                   help="env: KEY=value lines for a systemd EnvironmentFile= or a shell; json: one object")
    p.add_argument("--output", metavar="FILE", help="write FILE atomically, with the settings file's owner and mode "
                   "(without it: standard output, never a terminal)")


def _only_json(p: argparse.ArgumentParser) -> None:
    _json(p)


def commands(common: Declare) -> tuple[Command, ...]:
    """In the order `--help` lists them; `common` adds the global options to a nested parser."""
    return (
        Command("apply", "all wizard steps from an answers file, no questions", _apply),
        Command("check", "are the saved settings still working?", _only_json),
        Command("watch", "one check for a timer; a notice to [alerts] notify_to / notify_command when the state changed", _watch),
        Command("send", "send a message with the saved settings", _send),
        Command("status", "what became of sent messages: delivered (0), not delivered (7), on its way (8)", _status),
        Command("sender", "own sender names: list, request (add) after the statement, switch to an approved one (use)",
                lambda p: _sender(p, common)),
        Command("subuser", "a chain's caps at SMSAPI: list, add NAME --points-per-month P (a login per shop), show NAME",
                lambda p: _subuser(p, common)),
        Command("relay", "send what programs dropped into the outbox, exactly once; in the foreground, or --once", _relay),
        Command("queue", "what waits in the outbox (as mailq); retry [ID…], drop ID, resend ID…, release [ID…]", lambda p: _queue(p, common), network=False),
        Command("spend", "what was sent today and this month (messages, points) and what the money guard held", _only_json,
                network=False),
        Command("doctor", "every check support would run: settings, proxy, DNS, TLS, clock, credentials, permissions, sender, balance",
                _only_json),
        Command("show", "the saved settings, secrets masked", _only_json, network=False, logs=False),
        Command("export", "the saved account, secret and sender for the shop software: SMSAPI_USERNAME, SMSAPI_PASSWORD_MD5 "
                "or SMSAPI_TOKEN, SMSAPI_FROM, SMSAPI_URL", _export, network=False, logs=False),
        Command("sandbox", "run the SMSAPI sandbox in the foreground", _sandbox, network=False, settings=False),
    )

"""The answers file of `sms-tui apply`: strict (a typo fails), every problem listed at once.

Secrets may come from SMSAPI_PASSWORD_MD5 / SMSAPI_PASSWORD / SMSAPI_TOKEN so the file can be
shared between shops without them.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, ValidationError

from sms_tui import checks
from sms_tui import toml_read as tomllib
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import language, os_reason, t
from sms_tui.i18n.reasons import not_utf8, toml_reason, unreadable_toml, validation_reasons
from sms_tui.logs import register_secret
from sms_tui.rules import check_api_url, clean_field
from sms_tui.settings.model import ACCOUNT_NAME, Guard
from sms_tui.settings.setup_model import SecretKind, Setup, secret_from
from sms_tui.settings.store import reader_problem
from sms_tui.smsapi.auth import Platform

ENV_SECRETS = {"password_md5": "SMSAPI_PASSWORD_MD5", "password": "SMSAPI_PASSWORD", "token": "SMSAPI_TOKEN"}


class _Strict(BaseModel):
    # A number where text is expected is that text: an INI inventory or a template hands phone
    # numbers over as numbers (finding 37), and 500000000 means "500000000".
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


class AccountAnswers(_Strict):
    platform: Platform = Platform.PL
    username: str = ""
    password_md5: SecretStr | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None
    api_url: str | None = None


class SenderAnswers(_Strict):
    mode: Literal["eco", "pro"] = "eco"
    name: str | None = None
    request: str | None = None  # an own name to ask SMSAPI for; the shop sends with `mode` until approved
    accept_statement: StrictBool = False  # the owner accepted SMSAPI's statement: true, not "yes" or 1


class TestAnswers(_Strict):
    to: str
    message: str | None = None


class AlertAnswers(_Strict):
    low_balance: float = Field(0.0, ge=0, allow_inf_nan=False)  # warn below this many points; 0 = off
    notify_to: str | None = None  # the owner's phone for the watch's notices
    notify_command: str | list[str] | None = None  # a string is split like a shell would, but run without one
    watch: Literal["hourly", "daily", "off"] | None = None  # None: leave an installed timer as it is
    language: Literal["pl", "en"] | None = None  # of the notices; default: the language apply runs in


class FileAnswers(_Strict):
    group: str | None = Field(None, pattern=ACCOUNT_NAME)  # the shop software's group: root:GROUP 0640
    user: str | None = Field(None, pattern=ACCOUNT_NAME)  # or its user: the settings are that user's, 0600


class OutboxAnswers(_Strict):
    dir: str | None = None  # the outbox folder (default /var/spool/sms-tui as root)
    group: str | None = Field(None, pattern=ACCOUNT_NAME)  # who may drop messages, without reading the secret
    eventhandler: str | None = None  # smsd's: PATH SENT|FAILED|REPORT RECORD [MESSAGE_ID]
    checkhandler: str | None = None  # smsd's: PATH FILE before a message is taken (0 send, 1 refuse, 2 read again)
    date_format: str = "%y-%m-%d %H:%M:%S"  # of Sent:/Failed:/Delivered: (smsd's default); "iso" for ISO 8601 UTC
    on_event: str | list[str] | None = None  # like notify_command: split like a shell, run without one
    concurrency: int = Field(4, ge=1, le=32)


class ExportAnswers(_Strict):
    env: str | None = None  # a file the shop's software reads (EnvironmentFile=): rewritten by every save
    json_: str | None = Field(None, alias="json")


class AnswersFile(_Strict):
    account: AccountAnswers
    sender: SenderAnswers = SenderAnswers()
    test: TestAnswers
    alerts: AlertAnswers = AlertAnswers()
    files: FileAnswers = FileAnswers()
    outbox: OutboxAnswers = OutboxAnswers()
    guard: Guard = Guard()  # the money guard (docs/guard.md): absent, its defaults
    export: ExportAnswers | None = None  # absent: what the saved settings name stays


class AnswersError(Exception):
    """Every problem of an answers file at once: exit 2."""

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read(path: Path, env: Mapping[str, str] | None = None) -> Setup:
    try:
        return parse(path.read_text(encoding="utf-8"), path, env)
    except UnicodeDecodeError as exc:
        raise AnswersError([t("answers.unreadable", path=path, reason=not_utf8(exc))]) from None
    except OSError as exc:
        raise AnswersError([t("answers.unreadable", path=path, reason=os_reason(exc))]) from None


def read_stream(stream: TextIO, env: Mapping[str, str] | None = None) -> Setup:
    """`apply -`: the answers on standard input (a playbook pipes its rendered template, so no
    file holding a secret stays on disk)."""
    try:
        text = stream.read()
    except UnicodeDecodeError as exc:
        raise AnswersError([t("answers.stdin_unreadable", reason=not_utf8(exc))]) from None
    except (OSError, ValueError) as exc:  # closed, or not readable at all
        raise AnswersError([t("answers.stdin_unreadable", reason=exc)]) from None
    if not text.strip():
        raise AnswersError([t("answers.stdin_empty")])
    return parse(text, "-", env)


# Python's own JSON messages, in the reader's language (the ones a hand-made or templated object meets).
_JSON_REASONS = {"Expecting value": "json.value", "Expecting property name enclosed in double quotes": "json.name",
                 "Expecting ',' delimiter": "json.comma", "Expecting ':' delimiter": "json.colon",
                 "Unterminated string starting at": "json.string", "Extra data": "json.extra",
                 "Invalid control character at": "json.control", "Invalid \\escape": "json.escape"}


def _toml_problem(path: Path | str, reason: str) -> str:
    return t("answers.toml_stdin", reason=reason) if str(path) == "-" else t("answers.toml", path=path, reason=reason)


def _json_problem(path: Path | str, reason: str) -> AnswersError:
    return AnswersError([t("answers.json_stdin", reason=reason) if str(path) == "-" else t("answers.json", path=path, reason=reason)])


def parse(text: str, path: Path | str, env: Mapping[str, str] | None = None) -> Setup:
    """TOML, or JSON when the text is one object (`{` first: no TOML document starts so) — the
    same keys either way; Ansible hands a dictionary over as JSON."""
    env = os.environ if env is None else env
    if text.lstrip().startswith("{"):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            said = t(_JSON_REASONS[exc.msg]) if exc.msg in _JSON_REASONS else exc.msg
            raise _json_problem(path, f"{said} ({t('toml.line', line=exc.lineno)})") from None
        except (ValueError, RecursionError) as exc:  # nesting too deep, a number too long
            raise _json_problem(path, unreadable_toml(exc)) from None
        if not isinstance(raw, dict):
            raise _json_problem(path, type(raw).__name__)
        return from_mapping(raw, env)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AnswersError([_toml_problem(path, _at_line(exc))]) from None
    except (RecursionError, ValueError, MemoryError) as exc:  # nesting too deep, an integer too long for Python
        raise AnswersError([_toml_problem(path, unreadable_toml(exc))]) from None
    return from_mapping(raw, env)


def _at_line(error: tomllib.TOMLDecodeError) -> str:
    line = getattr(error, "lineno", None) or _line_in(str(error))
    return f"{toml_reason(error)} ({t('toml.line', line=line)})" if line else toml_reason(error)


def _line_in(text: str) -> int:
    found = re.search(r"line (\d+)", text)
    return int(found.group(1)) if found else 0


def from_mapping(raw: dict[str, Any], env: Mapping[str, str], *, _retried: bool = False) -> Setup:
    """The answers as a setup (the one model the wizard fills too), or every problem at once —
    those of the values that could be read too, not only the keys that could not (a technician
    fixing `foo = 1` must not meet four more problems on the next run)."""
    raw, from_env = _with_env_secrets(raw, env)
    try:
        parsed = AnswersFile.model_validate(raw)
    except ValidationError as exc:
        first = validation_reasons(exc.errors())
        if _retried:
            raise AnswersError(first) from None
        try:  # the rest of the file, checked without what could not be read
            from_mapping(_without(raw, [error["loc"] for error in exc.errors()]), {}, _retried=True)
        except AnswersError as rest:
            first += [problem for problem in rest.problems if problem not in first]
        raise AnswersError(first) from None
    problems: list[str] = []
    md5 = _account(parsed.account, from_env, problems)
    request = _sender(parsed.sender, problems)
    problems += [f"test.to: {problem}" for problem in checks.phone_problems(parsed.test.to)]
    acc, sender = parsed.account, parsed.sender
    message = parsed.test.message if parsed.test.message is not None else t("flow.test_message")
    setup = Setup(platform=acc.platform, secret_kind="token" if acc.token is not None else "md5", username=acc.username,
                  password_md5=SecretStr(md5) if md5 else None, token=acc.token, api_url=acc.api_url,
                  sender_mode=sender.mode, sender_name=(sender.name or "") if sender.mode == "pro" else "",
                  requested_sender=request, test_to=parsed.test.to, test_message=message)
    setup.test_message = setup.test_message.strip()
    problems += [f"test.message: {problem}" for problem in checks.message_problems(setup.test_message)]  # the same rule as `send`
    problems += _alerts(parsed.alerts, setup)
    problems += _files(parsed.files, setup)
    problems += _outbox(parsed.outbox, setup)
    problems += _guard(parsed.guard, setup)
    problems += _export(parsed.export, setup)
    if problems:
        raise AnswersError(problems)
    return setup


def _with_env_secrets(raw: dict[str, Any], env: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A copy of the answers with the secret the environment gives (SMSAPI_PASSWORD_MD5…) where the
    file has none, and which key came from which variable (the caller's mapping stays as it was)."""
    raw = {**raw, "account": dict(raw["account"])} if isinstance(raw.get("account"), dict) else dict(raw)
    account = raw.get("account")
    from_env: dict[str, str] = {}
    if isinstance(account, dict):
        for key, var in ENV_SECRETS.items():
            if env.get(var) and key not in account:
                account[key] = env[var]
                from_env[key] = var
    return raw, from_env


def _account(acc: AccountAnswers, from_env: dict[str, str], problems: list[str]) -> str | None:
    """One secret, checked (a plain password hashed); the address and the user: the MD5, or None."""
    md5 = _secret(acc, from_env, problems)
    if acc.api_url and (url_problem := check_api_url(acc.api_url)):  # "": SMSAPI itself, whatever was saved
        problems.append(f"account.api_url: {t(url_problem)}")
    if md5 is not None and not acc.username.strip():
        problems.append(f"account.username: {t('answers.no_username')}")
    return md5


def _secret(acc: AccountAnswers, from_env: dict[str, str], problems: list[str]) -> str | None:
    """Exactly one of password_md5, password, token (the environment's named as such): the MD5, or None."""
    for secret in (acc.password_md5, acc.password, acc.token):
        register_secret(secret.get_secret_value() if secret else None)
    given = [k for k in ("password_md5", "password", "token") if getattr(acc, k) is not None]
    if len(given) > 1:
        named = [f"{k} ({t('answers.from_env', var=from_env[k])})" if k in from_env else k for k in given]
        problems.append(f"account: {t('answers.one_secret', keys=', '.join(named))}")
        return None
    if not given:
        problems.append(f"account: {t('answers.no_secret')}")
        return None
    given_secret = acc.password_md5 if acc.password_md5 is not None else acc.password
    if given_secret is None:  # a token: no MD5
        return None
    kind: SecretKind = "md5" if acc.password_md5 is not None else "plain"
    secret, secret_problems = secret_from(kind, given_secret.get_secret_value())
    problems += [f"account.password_md5: {problem}" for problem in secret_problems]
    return secret.get_secret_value() if secret else None


def _sender(sender: SenderAnswers, problems: list[str]) -> str | None:
    """The sender's mode and name, and an own name to request (with the statement accepted): that name, or None."""
    if sender.mode == "pro":
        problems += [f"sender.name: {problem}" for problem in checks.sender_name_problems(sender.name or "")]
    elif sender.name:
        problems.append(f"sender.name: {t('answers.name_for_eco')}")
    request = clean_field(sender.request).strip() if sender.request is not None else None
    if request is not None:
        problems += [f"sender.request: {problem}" for problem in checks.sender_name_problems(request)]
        if not sender.accept_statement:
            problems.append(f"sender.accept_statement: {t('answers.accept_statement')}")
    return request


def _export(given: ExportAnswers | None, setup: Setup) -> list[str]:
    """The shop's copies of the account to keep fresh: absolute paths only."""
    if given is None:
        return []
    problems = [f"export.{key}: {t('answers.outbox_relative', path=where)}"
                for key, where in (("env", given.env), ("json", given.json_)) if where is not None and not Path(where).is_absolute()]
    setup.export = given.model_dump(by_alias=True, exclude_none=True)
    return problems


def _without(raw: dict[str, Any], locations: list[tuple[int | str, ...]]) -> dict[str, Any]:
    """A copy of the answers without the keys pydantic refused (unknown, wrong type)."""
    cleaned = copy.deepcopy(raw)
    for location in filter(None, locations):
        parent: Any = cleaned
        for part in location[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent.pop(location[-1], None)
    return cleaned


def _files(given: FileAnswers, setup: Setup) -> list[str]:
    """Who may read the settings, checked against this server's users and groups before anything is sent."""
    problems: list[str] = []
    if given.group and given.user:
        problems.append(f"files: {t('answers.files_both')}")
    if problem := reader_problem(group=given.group):
        problems.append(f"files.group: {problem}")
    if problem := reader_problem(user=given.user):
        problems.append(f"files.user: {problem}")
    setup.files_group, setup.files_user = given.group, given.user
    return problems


def _command(given: str | list[str] | None, key: str, problems: list[str]) -> list[str] | None:
    """An argument list: a string is split like a shell would split it, but nothing runs one."""
    if isinstance(given, str) and given.strip():
        try:
            return shlex.split(given)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    elif isinstance(given, list):
        command = [arg for arg in given if arg]
        if not command:
            problems.append(f"{key}: {t('answers.empty_command')}")
        return command or None
    return None


def _outbox(given: OutboxAnswers, setup: Setup) -> list[str]:
    problems: list[str] = []
    on_event = _command(given.on_event, "outbox.on_event", problems)
    if given.dir is not None and not Path(given.dir).expanduser().is_absolute():
        problems.append(f"outbox.dir: {t('answers.outbox_relative', path=given.dir)}")
    if given.group is not None and (problem := reader_problem(group=given.group)):
        problems.append(f"outbox.group: {problem}")
    for key in ("eventhandler", "checkhandler"):
        if (path := getattr(given, key)) is not None and not Path(path).is_absolute():
            problems.append(f"outbox.{key}: {t('answers.handler_relative', path=path)}")
    setup.outbox = {"dir": given.dir, "group": given.group, "on_event": on_event, "concurrency": given.concurrency,
                    "eventhandler": given.eventhandler, "checkhandler": given.checkhandler, "date_format": given.date_format}
    return problems


def _guard(given: Guard, setup: Setup) -> list[str]:
    setup.guard = given.model_dump(exclude_defaults=True) or None
    if given.ledger is not None and not Path(given.ledger).expanduser().is_absolute():
        return [f"guard.ledger: {t('answers.outbox_relative', path=given.ledger)}"]
    return []


def _alerts(given: AlertAnswers, setup: Setup) -> list[str]:
    """Into `setup`, with the same checks as the wizard's: the owner's number like the test number."""
    problems: list[str] = []
    if given.notify_to is not None and given.notify_to.strip():
        problems += [f"alerts.notify_to: {problem}" for problem in checks.phone_problems(given.notify_to)]
        setup.notify_to = given.notify_to
    command = _command(given.notify_command, "alerts.notify_command", problems)
    if given.watch not in (None, "off") and not (setup.notify_to or command):
        problems.append(f"alerts.watch: {t('answers.watch_nobody')}")
    setup.low_balance, setup.notify_command, setup.watch = given.low_balance, command or None, given.watch
    setup.language = given.language or ("en" if language() == "en" else "pl")
    return problems

"""`sms-tui subuser list | add NAME --points-per-month P --answers-out FILE | show NAME`: a chain's
caps at SMSAPI itself. Run where the main account's token is (the head office, the Ansible
controller) — never on a shop server: `add` writes the shop's answers file with the subuser's own
login and API password, so the shop's `apply` configures it without the main account's secret.

SMSAPI manages subusers over REST only: the saved settings must hold a token of the main account
(with the subusers scope). The subuser's passwords are made here (random, shown to nobody): the
API password's MD5 goes into the answers file, readable by its owner only."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui.commands.common import Connection, Context, Reporter, connect, load_settings, run_async
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t
from sms_tui.smsapi import AuthMode, SmsapiError

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.smsapi.subusers import Subuser


def run(ctx: Context, args: Namespace) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    if settings.account.auth is not AuthMode.TOKEN:
        rep.step("subuser", False, t("subuser.needs_token"))
        return rep.finish(ExitCode.USAGE)
    conn = connect(ctx, settings.account)
    action = args.subuser_action
    if action == "add":
        out = Path(args.answers_out)
        if out.exists():
            return rep.refuse_input([t("subuser.answers_exist", path=out)])
        return run_async(lambda: _add(rep, conn, args, out, settings.account.platform.value, settings.account.api_url), rep)
    return run_async(lambda: _read(rep, conn, args.name if action == "show" else None), rep)


async def _read(rep: Reporter, conn: Connection, name: str | None) -> int:
    try:
        found = await conn.api.subusers(name)
    except SmsapiError as exc:
        return await conn.failure(rep, "subuser", exc)
    finally:
        await conn.session.aclose()
    if name is not None:
        found = [s for s in found if s.username == name]
        if not found:
            rep.step("subuser", False, t("subuser.unknown", name=name))
            return rep.finish(ExitCode.USAGE)
    for subuser in found:
        rep.info(_line(subuser))
    if not found:
        rep.info(t("subuser.none"))
    return rep.finish(ExitCode.OK, subusers=[s.model_dump() for s in found])


def _line(subuser: Subuser) -> str:
    return t("subuser.row", name=subuser.username, active=t("subuser.active" if subuser.active else "subuser.inactive"),
             per_month=f"{subuser.points.per_month:g}", description=subuser.description or "")


async def _add(rep: Reporter, conn: Connection, args: Namespace, out: Path, platform: str, api_url: str | None) -> int:
    from sms_tui.rules import md5_hex

    api_password = secrets.token_urlsafe(18)
    try:
        made = await conn.api.create_subuser(args.name, secrets.token_urlsafe(18), api_password, per_month=args.points_per_month,
                                             description=t("subuser.description"))
        share = args.share.strip()
        if share in ("all", "none"):
            await conn.api.share_senders(made.id, share)
        else:
            await conn.api.share_senders(made.id, "selected", [n.strip() for n in share.split(",") if n.strip()])
    except SmsapiError as exc:
        return await conn.failure(rep, "subuser", exc)
    finally:
        await conn.session.aclose()
    lines = [f'[account]\nplatform = "{platform}"\nusername = "{made.username}"\npassword_md5 = "{md5_hex(api_password)}"\n']
    if api_url:
        lines.append(f'api_url = "{api_url}"\n')
    lines.append('[sender]\nmode = "eco"\n')
    lines.append(f'[test]\nto = "{args.test_to}"\n' if args.test_to else '[test]\n# to = "500000000"   # the number the shop\'s test SMS goes to\n')
    fd = _create_private(out)
    with open(fd, "w", encoding="utf-8") as answers:
        answers.write("# The shop's own login at SMSAPI (a subuser of the chain): `sms-tui apply` this file on the shop.\n" + "".join(lines))
    rep.step("subuser", True, t("subuser.added", name=made.username, per_month=f"{made.points.per_month:g}", path=out),
             id=made.id, answers=str(out))
    return rep.finish(ExitCode.OK, subuser=made.model_dump(), answers=str(out))


def _create_private(path: Path) -> int:
    import os

    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)

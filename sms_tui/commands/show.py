"""`sms-tui show`: the saved settings with every secret masked."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

    from sms_tui.settings.model import Settings

from sms_tui.commands.common import Context, Reporter, load_settings
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t


def run(ctx: Context, args: Namespace | None = None) -> int:
    rep = ctx.reporter()
    settings = load_settings(ctx, rep)
    if isinstance(settings, int):
        return settings
    data = settings.masked()
    if not ctx.json:
        acc, snd = data["account"], data["sender"]
        rep.info(t("show.file", path=ctx.config_path))
        rep.info(t("show.account", platform=acc["platform"], auth=acc["auth"], user=acc.get("username") or "—"))
        rep.info(t("show.secret", secret=acc.get("password_md5") or acc.get("token") or "—"))
        rep.info(t("show.sender", mode=snd["mode"].upper(), name=snd.get("name") or "—"))
        verified = data.get("verified")
        if verified and not verified.get("skipped"):
            at = str(verified["at"]).replace("T", " ")[:16] + " UTC"  # minutes are enough for a person
            key = "show.verified" if verified.get("message_id") else "show.verified_no_id"
            rep.info(t(key, to=verified["to"], at=at, id=verified.get("message_id")))
        else:
            rep.info(t("show.unverified"))
        _rest(rep, settings)
    return rep.finish(ExitCode.OK, settings=data, config=str(ctx.config_path))


def _rest(rep: Reporter, settings: Settings) -> None:
    """What else decides where SMS go and who hears: a sandbox URL left in production, the reader,
    the owner's alerts, the outbox (finding 37: plain `show` hid them)."""
    if settings.account.api_url:
        rep.info(t("show.api_url", url=settings.account.api_url))
    if settings.files.group or settings.files.user:
        rep.info(t("show.readers", who=settings.files.group or settings.files.user))
    for line in (_alerts_line(settings), _outbox_line(settings)):
        if line:
            rep.info(line)


def _alerts_line(settings: Settings) -> str | None:
    alerts = settings.alerts
    if not (alerts.notify_to or alerts.notify_command or alerts.watch != "off"):
        return None
    return t("show.alerts", to=alerts.notify_to or "—", command=" ".join(alerts.notify_command or []) or "—",
             watch=alerts.watch, threshold=alerts.low_balance)


def _outbox_line(settings: Settings) -> str | None:
    outbox = settings.outbox
    if not (outbox.dir or outbox.group or outbox.on_event or outbox.eventhandler or outbox.checkhandler):
        return None
    return t("show.outbox", dir=outbox.dir or t("show.outbox_default"), group=outbox.group or settings.files.group or "—")

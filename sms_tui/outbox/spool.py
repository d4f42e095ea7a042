"""The outbox's spool: one object over its three rooms — `intake` (what programs drop, taken on
descriptors), `queue` (attempts and records; `holds` what stops it all, `hands` what a technician
does to it) and `follow` (sent messages followed to the phone), all standing on `rooms.SpoolBase` —
and `spool_for`, the outbox the settings name.

Every move is one rename or one atomic write followed by removing the old copy, in an order that a
crash anywhere cannot turn into a second send: a message is in outgoing/ (nobody has it), or in
queue/ under its id (the relay has it, and its idx is fixed by that id), or in sent/ or failed/
(done; a copy left in queue/ is dropped)."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from sms_tui import constants
from sms_tui.outbox.follow import Follow
from sms_tui.outbox.hands import Hands
from sms_tui.outbox.intake import Intake
from sms_tui.outbox.rooms import SMSD_DATE

if TYPE_CHECKING:
    from sms_tui.settings.model import Settings


def outbox_root(configured: str | None) -> Path:
    """`[outbox] dir`, else SMS_TUI_OUTBOX, else /var/spool/sms-tui as root or for a user who may drop
    messages there (the shop's group: its settings are not theirs to read), else the user's state folder."""
    if configured:
        return Path(configured).expanduser()
    if (from_env := constants.outbox_path()) is not None:
        return from_env
    if os.geteuid() == 0:
        return constants.SYSTEM_OUTBOX
    if os.access(constants.SYSTEM_OUTBOX / "outgoing", os.W_OK | os.X_OK):  # a member of the shop's group: the server's outbox
        return constants.SYSTEM_OUTBOX
    import platformdirs  # noqa: PLC0415 — platformdirs only when no folder is named

    return platformdirs.user_state_path("sms-tui") / "outbox"


class Spool(Intake, Hands, Follow):
    """The outbox at `root`: see the rooms for what each part does."""


def spool_for(settings: Settings | None) -> Spool:
    """The outbox the settings name, with the shop software's group as the drop folder's."""
    import grp  # noqa: PLC0415 — only a spool for settings asks

    root = outbox_root(settings.outbox.dir if settings is not None else None)
    group = (settings.outbox.group or settings.files.group) if settings is not None else None
    gid = grp.getgrnam(group).gr_gid if group else None
    owner = None
    if os.geteuid() == 0:  # root by hand on an outbox `relay --install` gave the relay's own user: what root writes is that user's
        with contextlib.suppress(OSError):
            info = os.lstat(root)
            if info.st_uid != 0 and stat.S_ISDIR(info.st_mode):
                owner = (info.st_uid, gid if gid is not None else info.st_gid)
    return Spool(root, group=gid, owner=owner, date_format=settings.outbox.date_format if settings is not None else SMSD_DATE,
                 checkhandler=settings.outbox.checkhandler if settings is not None else None)

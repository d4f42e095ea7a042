"""What stops the whole queue rather than one message: the account's hold (SMSAPI refused the
account — no points, a password gone — so nothing is sent until it is fixed, and the owner is told
once), and the marker that the owner heard the money guard holds messages."""

from __future__ import annotations

import json
import os
from dataclasses import asdict

from sms_tui.base.files import atomic_write
from sms_tui.outbox.rooms import Hold, SpoolBase, read_nofollow


class Holds(SpoolBase):
    def hold(self) -> Hold:
        try:
            return Hold(**json.loads(read_nofollow(f"{self.root}/hold.json")))
        except (OSError, ValueError, TypeError):
            return Hold()

    def save_hold(self, hold: Hold) -> None:
        atomic_write(self.root / "hold.json", json.dumps(asdict(hold)).encode(), mode=0o640, owner=self.owner)

    def owner_told(self) -> None:
        """The owner heard of the hold (or there is nobody who could): not again while it lasts."""
        hold = self.hold()
        if hold.reason and not hold.told:
            hold.told = True
            self.save_hold(hold)

    def guard_told(self) -> bool:
        """The owner heard that the guard holds messages (not again while any is held)."""
        return os.path.lexists(self.root / "guard.told")

    def set_guard_told(self, *, told: bool) -> None:
        if told:
            atomic_write(self.root / "guard.told", b"", mode=0o640, owner=self.owner, sync=False)
        else:
            (self.root / "guard.told").unlink(missing_ok=True)

    def clear_hold(self) -> None:
        (self.root / "hold.json").unlink(missing_ok=True)

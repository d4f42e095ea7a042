"""Following sent messages to the phone: the follow logs a pass writes, read back for the messages
whose delivery is not known yet, and the records in sent/ updated with what became of them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from sms_tui.base.files import atomic_write
from sms_tui.outbox.message import Malformed, parse, render
from sms_tui.outbox.rooms import SpoolBase, arrival, read_all, read_nofollow


class Follow(SpoolBase):
    def following(self, limit: int) -> list[Followed]:
        """Up to `limit` sent messages whose record is not complete yet, the oldest first."""
        found: list[Followed] = []
        for log in sorted(n for n in os.listdir(self.folder("follow")) if n.endswith(".log")):
            try:
                fd = os.open(f"{self.root}/follow/{log}", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError:
                continue
            with open(fd, encoding="utf-8", errors="replace") as lines:  # a line at a time: a pass reads `limit`, not the log
                for line in lines:
                    try:
                        item = json.loads(line)
                        found.append(Followed(str(item["id"]), str(item["message_id"]), log, dict(item.get("headers") or {}),
                                              str(item.get("record") or f"{item['id']}.sms")))
                    except (ValueError, KeyError, TypeError):
                        continue  # a line a crash cut short: that record keeps the headers it has
                    if len(found) >= limit:
                        return found
        return found

    def record_status(self, followed: list[tuple[Followed, dict[str, str]]]) -> None:
        """Completed records: the final status into sent/ (with the send's headers again, for a
        record whose update a crash cut short), and those messages out of the follow logs."""
        done_by_log: dict[str, set[str]] = {}
        for item, extra in followed:
            path = self.folder("sent") / item.record
            try:
                draft = parse(read_nofollow(str(path)), claimed=True)
                atomic_write(path, render(draft, {**item.headers, **extra}), mode=0o640, owner=self.owner, sync=False)
            except (OSError, Malformed):
                pass  # the record is gone or unreadable: nothing more to follow
            done_by_log.setdefault(item.log, set()).add(item.local_id)
        for log, done in done_by_log.items():
            path = self.folder("follow") / log
            try:
                lines = read_all(str(path)).decode("utf-8", "replace").split("\n")
            except OSError:
                continue
            kept = [line for line in lines if line.strip() and _line_id(line) not in done]
            if kept:
                atomic_write(path, ("\n".join(kept) + "\n").encode(), mode=0o600, owner=self.owner, sync=False)
            else:
                path.unlink(missing_ok=True)


def _line_id(line: str) -> str | None:
    try:
        return str(json.loads(line)["id"])
    except (ValueError, KeyError, TypeError):
        return None

@dataclass(frozen=True)
class Followed:
    local_id: str
    message_id: str  # "" when SMSAPI gave none (an "already accepted" answer): nothing to read
    log: str  # the follow log that names it; its name is the time of the pass that sent it
    headers: dict[str, str] = field(default_factory=dict)  # the send's Sent:, Message_id:…, for a record whose update a crash cut short
    record: str = ""  # its file in sent/

    @property
    def sent_at(self) -> float:
        return arrival(self.log).timestamp()

"""What happened during one run of the wizard, beside the setup it fills: the parts of the Wizard
(sender names, the watch) share it, and nothing of it is saved as typed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sms_tui.delivery import Delivery
    from sms_tui.operations import AccountStatus
    from sms_tui.settings.model import Verified
    from sms_tui.smsapi import SendResult
    from sms_tui.wizard.steps import StepName


@dataclass
class WizardState:
    """What happened during this run (the setup itself is `Wizard.setup`): nothing of it is
    saved as typed, and none of it goes into a draft."""

    step: StepName = "welcome"
    status: AccountStatus | None = None
    test_result: SendResult | None = None
    tested_idx: str = ""  # the idx test_result was sent with: the same test again is SMSAPI's "already accepted"
    sending_idx: str = ""  # a test SMS on its way right now (kept in the draft: a dropped link must not send it twice)
    tested_to: str = ""  # the number test_result went to: the field may be changed after the test
    tested_from: str = ""  # the sender test_result went with: a name chosen after the test needs its own
    delivery: Delivery | None = None  # what became of test_result, as far as followed
    following: bool = False  # the delivery is being read right now
    stopped_waiting: bool = False  # the technician chose not to wait for the delivery report
    skipped_test: bool = False
    kept: Verified | None = None  # the saved test kept for unchanged account, sender and number (no new paid SMS)
    watch_done: str | None = None  # what saving installed or removed, for the summary
    saved_to: Path | None = None
    dirty: bool = False

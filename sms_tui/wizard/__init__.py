"""The wizard without a screen: its actions (`wizard`), what happened in this run (`state`), the
own sender name (`senders`) and the watch (`watch_setup`) parts it holds, the steps (`steps`) and
the resumable draft (`draft`). Screens read it and call it; it is the setup's only writer.

Names load on first use (PEP 562): the setup model needs `steps` alone, not the whole wizard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_tui.lazy import lazy_getattr

_WHERE = {"Wizard": "wizard", "WizardState": "state"}

if TYPE_CHECKING:
    from sms_tui.wizard.state import WizardState as WizardState
    from sms_tui.wizard.wizard import Wizard as Wizard

__all__ = sorted(_WHERE)

__getattr__ = lazy_getattr(__name__, _WHERE, globals())

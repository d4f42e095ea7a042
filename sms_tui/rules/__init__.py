"""Pure input rules: no I/O, no Textual, so the wizard, `apply` and the sandbox agree on them.

Names load on first use (PEP 562): `show` needs only `mask`, not the phone-number tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_tui.lazy import lazy_getattr

_WHERE = {
    "Md5Check": "md5", "check_md5": "md5", "md5_hex": "md5", "MessageLength": "message", "measure": "message",
    "PhoneCheck": "phone", "check_phone": "phone", "SenderCheck": "sender", "check_sender_name": "sender",
    "transliterate": "sender", "clean_field": "text", "escape_name": "text", "plain_letters": "text", "parse_threshold": "threshold", "threshold_text": "threshold", "below_threshold": "threshold",
    "check_api_url": "url", "systemd_unit": "unit",
}

if TYPE_CHECKING:
    from sms_tui.rules.md5 import Md5Check as Md5Check
    from sms_tui.rules.md5 import check_md5 as check_md5
    from sms_tui.rules.md5 import md5_hex as md5_hex
    from sms_tui.rules.message import MessageLength as MessageLength
    from sms_tui.rules.message import measure as measure
    from sms_tui.rules.phone import PhoneCheck as PhoneCheck
    from sms_tui.rules.phone import check_phone as check_phone
    from sms_tui.rules.sender import SenderCheck as SenderCheck
    from sms_tui.rules.sender import check_sender_name as check_sender_name
    from sms_tui.rules.sender import transliterate as transliterate
    from sms_tui.rules.text import clean_field as clean_field
    from sms_tui.rules.text import escape_name as escape_name
    from sms_tui.rules.text import plain_letters as plain_letters
    from sms_tui.rules.threshold import below_threshold as below_threshold
    from sms_tui.rules.threshold import parse_threshold as parse_threshold
    from sms_tui.rules.threshold import threshold_text as threshold_text
    from sms_tui.rules.unit import systemd_unit as systemd_unit
    from sms_tui.rules.url import check_api_url as check_api_url

__all__ = sorted(_WHERE)

__getattr__ = lazy_getattr(__name__, _WHERE, globals())

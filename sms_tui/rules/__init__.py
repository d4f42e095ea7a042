"""Pure input rules: no I/O, no Textual, so the wizard, `apply` and the sandbox agree on them."""

from sms_tui.rules.md5 import Md5Check, check_md5, md5_hex
from sms_tui.rules.message import MessageLength, measure
from sms_tui.rules.phone import PhoneCheck, check_phone
from sms_tui.rules.sender import SenderCheck, check_sender_name, transliterate
from sms_tui.rules.text import clean_field

__all__ = [
    "Md5Check",
    "MessageLength",
    "PhoneCheck",
    "SenderCheck",
    "check_md5",
    "check_phone",
    "check_sender_name",
    "clean_field",
    "md5_hex",
    "measure",
    "transliterate",
]

"""sms-tui: connect a shop's software to the SMSAPI SMS gateway, over SSH, keyboard only."""

__version__ = "0.1.0"

import logging as _logging

# Without a handler Python's last-resort handler prints warnings to stderr, over the TUI.
_logging.getLogger("sms_tui").addHandler(_logging.NullHandler())

"""sms-tui: connect a shop's software to the SMSAPI SMS gateway, over SSH, keyboard only."""

__version__ = "0.1.0"

"""A loopback SMSAPI: `--demo`, `sms-tui sandbox` and the tests talk to it over real sockets."""

from sms_tui.sandbox.server import Sandbox
from sms_tui.sandbox.state import DEMO_ACCOUNTS, Account, Delivered, Fault, SandboxState

__all__ = ["DEMO_ACCOUNTS", "Account", "Delivered", "Fault", "Sandbox", "SandboxState"]

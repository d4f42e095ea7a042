"""A loopback SMSAPI: `--demo`, `sms-tui sandbox` and the tests talk to it over real sockets."""

from sms_tui.sandbox.accounts import DEMO_ACCOUNTS, Account
from sms_tui.sandbox.server import Sandbox
from sms_tui.sandbox.state import Delivered, Fault, SandboxState
from sms_tui.sandbox.tracking import Delays

DEMO_APPROVE_AFTER = 25.0  # seconds: `--demo` shows a requested name approved while the wizard is open

__all__ = ["DEMO_ACCOUNTS", "DEMO_APPROVE_AFTER", "Account", "Delays", "Delivered", "Fault", "Sandbox", "SandboxState"]

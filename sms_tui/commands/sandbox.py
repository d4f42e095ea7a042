"""`sms-tui sandbox`: the loopback SMSAPI in the foreground, for trying scripts without an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argparse import Namespace

from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import os_reason, t


def run(_ctx: None, args: Namespace) -> int:
    if args.approve_after is not None and not (0 <= args.approve_after <= 86400):  # nan fails both
        print(t("sandbox.bad_approve_after", value=args.approve_after))
        return int(ExitCode.USAGE)
    return serve(args.port, approve_after=args.approve_after)


def serve(port: int, *, approve_after: float | None = None) -> int:
    from sms_tui.sandbox import Sandbox, SandboxState

    try:
        server = Sandbox(port, state=SandboxState(approve_after=approve_after))
    except OSError as exc:
        print(t("sandbox.port", port=port, reason=os_reason(exc)))
        return int(ExitCode.USAGE)
    print(t("sandbox.running", url=server.url), flush=True)
    print(t("sandbox.accounts"), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return int(ExitCode.OK)
    finally:
        server.stop()
    return int(ExitCode.OK)

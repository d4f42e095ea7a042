"""Start the wizard: pick the config path, start the sandbox for --demo, run the app."""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

from sms_tui import constants, rules
from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import t
from sms_tui.settings.store import resolve
from sms_tui.smsapi import ClientOptions
from sms_tui.wizard import Wizard


def theme_problem(theme: str | None) -> str | None:
    """SMS_TUI_THEME is checked before the full screen starts: a typo is a usage error with the
    names to choose from, not a crash after the terminal was taken over."""
    if theme is None:
        return None
    from textual.theme import BUILTIN_THEMES

    if theme in BUILTIN_THEMES:
        return None
    return t("cli.bad_theme", theme=theme, themes=", ".join(sorted(BUILTIN_THEMES)))


def restart_for(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The command the summary offers after saving: --restart-command as given, or --restart-unit
    as `systemctl restart UNIT`; or why the unit cannot be one (before the screen opens)."""
    unit_raw = getattr(args, "restart_unit", None)
    if not unit_raw:
        return args.restart_command, None
    if (unit := rules.systemd_unit(unit_raw)) is None:
        return None, t("cli.bad_unit", unit=ascii(unit_raw)[1:-1])
    return f"systemctl restart {unit}", None


def run_wizard(args: argparse.Namespace) -> int:
    from sms_tui.tui.app import WizardApp  # deferred: Textual loads only for the wizard

    if problem := theme_problem(constants.theme()):
        print(problem, file=sys.stderr)
        return int(ExitCode.USAGE)
    restart_command, problem = restart_for(args)
    if problem:
        print(problem, file=sys.stderr)
        return int(ExitCode.USAGE)

    # Everything imported so far lives as long as the program: out of the collector's sight, the
    # first full collection (due right when the first screen is drawn) scans ~20 ms less.
    gc.freeze()
    # Exported by some shells and tools, these pin Textual to a stale size: resizes go unnoticed.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)

    sandbox = None
    api_url = args.api_url
    config_path, config_note = resolve(args.config)
    if args.demo:
        from sms_tui.sandbox import DEMO_APPROVE_AFTER, Sandbox, SandboxState

        sandbox = Sandbox(state=SandboxState(approve_after=DEMO_APPROVE_AFTER)).start()
        api_url = sandbox.url + "{platform}/"
        if not args.config:  # the demo never touches the real settings
            config_path, config_note = Path(tempfile.mkdtemp(prefix="sms-tui-demo-")) / "smsapi.toml", None
    wizard = Wizard(config_path, ClientOptions(api_url=api_url, ca_bundle=args.ca_bundle),
                    demo=args.demo, restart_command=restart_command, keep_drafts=not (args.demo and not args.config),
                    config_note=config_note)
    wizard.prefill_from_disk()
    ascii_only = getattr(args, "ascii", False) or os.environ.get("TERM") == "linux"
    app = WizardApp(wizard, sandbox=sandbox, ascii_only=ascii_only, log_debug=args.debug)
    try:
        code = app.run(mouse=args.mouse)
    finally:
        if sandbox is not None:
            sandbox.stop()
            if not args.config:
                shutil.rmtree(config_path.parent, ignore_errors=True)
    for line in after_exit(wizard, throwaway=args.demo and not args.config):
        print(line)
    if app.return_code:
        return int(app.return_code)
    return int(code or 0)


def after_exit(wizard: Wizard, *, throwaway: bool) -> list[str]:
    """What was saved, left in the terminal's scrollback once the screen is gone: a long path
    wrapped inside the summary cannot be copied, this line can (and the restart reminder stays)."""
    saved = wizard.state.saved_to
    if saved is None or throwaway:
        return []
    lines = [t("wiz.save.saved", path=saved), t("apply.restart")]
    if wizard.config_note:
        lines.append(wizard.config_note)
    if wizard.state.watch_done:
        lines.append(wizard.state.watch_done)
    return lines

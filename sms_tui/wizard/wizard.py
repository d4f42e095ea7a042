"""The wizard's state and actions, UI-free: screens read this and call it; it calls `operations`.

Keeping it here (not in the screens) means every SMSAPI call and file write of the TUI goes
through the same code as `apply`, and the draft (issue: dropped SSH link) can be saved from it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Literal

# What the first screen needs is imported here; the checks, the diagnosis and the SMSAPI errors
# load on first use (`rules` is a lazy package), off the wizard's first paint.
from sms_tui import constants, operations, rules
from sms_tui.i18n import os_reason, set_program, t
from sms_tui.settings import store as settings_store
from sms_tui.settings import vocabulary
from sms_tui.settings.store import ConfigError, reader_problem
from sms_tui.smsapi.auth import Credentials, Platform
from sms_tui.wizard import draft, steps
from sms_tui.wizard.senders import SenderRequests
from sms_tui.wizard.state import WizardState
from sms_tui.wizard.watch_setup import WatchSetup

if TYPE_CHECKING:
    from collections.abc import Callable

    from sms_tui.delivery import Delivery, Polling, Timing
    from sms_tui.diagnose import Finding
    from sms_tui.settings.model import SenderSettings, Settings, Verified
    from sms_tui.settings.setup_model import SecretKind, Setup
    from sms_tui.smsapi import ClientOptions, SendResult, SmsapiClient, SmsapiError

# Typical list prices in points per message part, for an estimate before the balance is known.
TYPICAL_PRICE = {"pro": 0.16, "eco": 0.07}


class Wizard:
    """One per app run; owns the HTTP session so every check reuses one connection pool, and is
    the setup's only writer (screens call its methods)."""

    def __init__(self, config_path: Path, options: ClientOptions, *, demo: bool = False,
                 restart_command: str | None = None, keep_drafts: bool = True, config_note: str | None = None) -> None:
        self.config_path = config_path
        self.config_note = config_note  # why these settings are where a shop service cannot read them (root's old file)
        set_program(lambda: settings_store.invocation(config_path))  # the commands it shows name these settings
        self.options = options
        self.demo = demo
        self.keep_drafts = keep_drafts  # off for `--demo` on its throw-away settings folder
        self.restart_command = restart_command
        self.state = WizardState()
        self.senders = SenderRequests(self)  # step 4's own names
        self.watch = WatchSetup(self)  # step 6's watch
        self._setup: Setup | None = None
        self.session = operations.Session(options)
        self.polling: Polling | None = None  # None: the delivery module's 1 s growing to 5 s
        self.follow_wait: float | None = None  # None: the delivery module's 2 minutes
        self.timing: Timing | None = None  # None: real time
        self._earlier_test: dict[str, object] | None = None  # a resumed draft's test SMS, sent before the link dropped
        self.existing: Settings | None = None
        self.load_problem: str | None = None
        self._saved_snapshot: tuple[object, ...] | None = None  # None: the defaults

    @property
    def setup(self) -> Setup:
        """Built on first use: the setup model is pydantic (~85 ms to import and build), which the
        first screen over SSH does not need; a start with no settings file meets it on step 2."""
        if self._setup is None:
            self._setup = _new_setup()
        return self._setup

    # -- start ----------------------------------------------------------------------------------

    def prefill_from_disk(self) -> None:
        """A server that already has settings opens pre-filled, with what was verified and when."""
        try:
            settings, _ = settings_store.load(self.config_path)
        except settings_store.ConfigError as exc:
            self.load_problem = exc.describe()
            return
        if settings is None:
            return
        from sms_tui.settings.setup_model import Setup  # noqa: PLC0415 — sms_tui.settings.setup_model adds 106 ms to sms_tui.wizard.wizard (python -X importtime)

        self.existing = settings
        self._setup = Setup.from_settings(settings)
        self.watch.before = settings.alerts.watch
        self.mark_saved()

    # -- the draft (dropped SSH links) ---------------------------------------------------------

    def save_draft(self, *, force: bool = False) -> None:
        if not self.keep_drafts or not (force or self.unsaved()):  # throw-away settings; or nothing new to keep
            return
        values: dict[str, object] = {"step": steps.number(self.state.step), **self.setup.draft_values()}
        if (test := self._test_record()) is not None:
            values["test"] = test
        draft.save(values, self.config_path)

    def _test_record(self) -> dict[str, object] | None:
        """The test SMS in the draft (never a secret): its idx, and once accepted its id, so a resume
        neither sends it twice nor loses what SMSAPI answered."""
        s = self.state
        if s.sending_idx:
            return {"idx": s.sending_idx, "to": self.setup.test_number, "from": self.sender().from_field, "message_id": ""}
        if s.test_result is not None and s.tested_idx:
            return {"idx": s.tested_idx, "to": s.tested_to, "from": s.tested_from, "message_id": s.test_result.message_id,
                    "points": s.test_result.points}
        return self._earlier_test

    def offer_draft(self) -> tuple[draft.Draft | None, bool]:
        return draft.load(self.config_path)

    def resume(self, saved: draft.Draft) -> steps.StepName:
        """Apply a draft; returns the step to show (the credentials step when a secret is needed)."""
        self._setup = self.setup.with_draft(saved.values)
        test = saved.values.get("test")
        self._earlier_test = test if isinstance(test, dict) and isinstance(test.get("idx"), str) else None
        self.state.dirty = True
        step = steps.by_number(saved.step)
        needs_secret = steps.number(step) > steps.number("credentials") and not self.setup.secret
        return "credentials" if needs_secret else step

    def discard_draft(self) -> None:
        if self.keep_drafts:
            draft.clear(self.config_path)

    def snapshot(self) -> tuple[object, ...]:
        return _snapshot(self.setup, self.state)

    def unsaved(self) -> bool:
        """What would be saved differs from what was last saved or loaded: quitting asks, and a
        draft is kept."""
        if self._setup is None:  # nothing typed yet, nothing loaded
            return False
        saved = self._saved_snapshot or _snapshot(_new_setup(), WizardState())
        return self.snapshot() != saved

    def mark_saved(self) -> None:
        self._saved_snapshot = self.snapshot()

    def waiting_for_sender(self) -> bool:
        """A name asked for earlier, not yet approved (only a loaded or edited setup has one)."""
        return self._setup is not None and bool(self._setup.requested_sender)

    def move_to(self, step: steps.StepName) -> None:
        self.state.step = step

    # -- step 2: checklist ----------------------------------------------------------------------

    def set_checked(self, key: str, value: bool) -> None:
        if key in vocabulary.CHECKLIST:
            self.setup.checklist = {**self.setup.checklist, key: bool(value)}
            self.state.dirty = True

    # -- step 3: credentials --------------------------------------------------------------------

    def set_platform(self, platform: Platform) -> None:
        self.setup.platform = platform
        self.forget_status()

    def set_secret_kind(self, kind: SecretKind) -> None:
        """Each kind keeps its own secret: a stray Space on the radio must not throw away a
        verified MD5 (only the chosen kind's secret is ever used or saved)."""
        self.setup.secret_kind = kind
        self.forget_status()

    def has_secret(self) -> bool:
        return bool(self.setup.secret)

    def set_username(self, value: str) -> None:
        before = self.setup.username
        self.setup.username = value
        if self.setup.username != before:
            self.forget_status()

    def forget_status(self) -> None:
        """What was checked no longer holds (another platform, kind, username or secret typed)."""
        self.state.status = None
        self.state.dirty = True

    def set_secret(self, kind: SecretKind, raw: str) -> str | None:
        """Store the typed secret (hashing a plain password at once); an error text or None."""
        from sms_tui.settings.setup_model import secret_from  # noqa: PLC0415 — sms_tui.settings.setup_model adds 106 ms to sms_tui.wizard.wizard (python -X importtime)

        u = self.setup
        u.secret_kind = kind
        self.state.status = None
        secret, problems = secret_from(kind, raw)
        if kind == "token":
            u.token = secret
        else:
            u.password_md5 = secret
        return problems[0] if problems else None

    def credentials(self) -> Credentials:
        return self.setup.credentials()

    def _options(self) -> ClientOptions:
        return dataclasses.replace(self.options, platform=self.setup.platform)

    def api(self) -> SmsapiClient:
        """The account as typed, over the run's one connection pool."""
        return self.session.client(self.credentials(), self._options())

    async def verify(self) -> operations.AccountStatus:
        self.state.status = await operations.verify(self.session, self.credentials(), self._options())
        self.state.dirty = True
        return self.state.status

    def _probe_number(self) -> str:
        """A number for the checks that need one: the test number once typed."""
        return self.setup.test_number or constants.PROBE_NUMBER

    async def token_scope_problem(self) -> str | None:
        """For a token that passed the check: the scopes it still lacks (SMS, Sendernames), said on
        this step with the tokens page, not three steps later when the test SMS fails; until the
        token is replaced the step does not go on."""
        if self.setup.secret_kind != "token":
            return None
        from sms_tui import diagnose  # noqa: PLC0415 — sms_tui.diagnose adds 6 ms to sms_tui.wizard.wizard (python -X importtime)

        missing = await diagnose.missing_scopes(self.session, self.credentials(), self._options(), self._probe_number())
        if not missing:
            return None
        self.state.status = None  # not a usable login yet: Next checks again instead of going on
        return t("diag.scopes", scopes=diagnose.scope_names(missing), link=diagnose.panel_link("tokens", self.setup.platform))

    async def diagnose(self, error: SmsapiError) -> Finding:
        """The support-style diagnosis; a wrong platform is switched at once (one key to retry)."""
        from sms_tui.diagnose import explain  # noqa: PLC0415 — sms_tui.diagnose adds 6 ms to sms_tui.wizard.wizard (python -X importtime)

        finding = await explain(self.session, self.credentials(), self._options(), error, test_number=self._probe_number(),
                                ip_hint=constants.public_ip())
        if finding.check == "platform":
            self.setup.platform = Platform(finding.data["platform"])
        return finding

    # -- step 4: sender -------------------------------------------------------------------------

    def set_sender_mode(self, mode: Literal["eco", "pro"]) -> None:
        self.setup.sender_mode = mode
        self.state.dirty = True

    def set_sender_name(self, value: str) -> None:
        if value != self.setup.sender_name:
            self.setup.sender_name = value
            self.state.dirty = True

    def sender_problems(self) -> list[str]:
        senders = self.state.status.senders if self.state.status else None
        return operations.sender_problems(self.setup.sender_mode, self.setup.sender_name.strip(), senders)

    def sender(self) -> SenderSettings:
        return self.setup.sender_settings()

    # -- step 5: test send ----------------------------------------------------------------------

    def set_test_to(self, value: str) -> None:
        self.setup.test_to = value

    def set_test_message(self, value: str) -> None:
        self.setup.test_message = value

    def test_input_problems(self) -> list[str]:
        problems = self.setup.test_problems()
        s = self.state
        failed = s.delivery is not None and s.delivery.outcome.value == "not_delivered" and s.delivery.last is not None
        if not problems and failed and s.test_result is not None and s.tested_idx == self.idx_for_test():
            # The same SMS again is SMSAPI's "already accepted", not a new try: the number did not get it.
            assert s.delivery is not None and s.delivery.last is not None
            problems.append(t("wiz.test.same_failed", to=s.tested_to, status=s.delivery.last.status))
        return problems

    def idx_for_test(self) -> str:
        """The same account, sender, number and text keep one idx in every process (as `apply`'s):
        Retry after a lost answer, or "Wyślij test" after a dropped link and a resume, cannot send twice."""
        u = self.setup
        return operations.test_idx(u.platform, u.username, u.from_field, u.test_number, u.test_message)

    def estimated_cost(self, parts: int) -> float:
        """Per-part price from what the balance buys when known (points / count), else typical."""
        mode = self.setup.sender_mode
        balance = self.state.status.balance if self.state.status else None
        count = (balance.pro_count if mode == "pro" else balance.eco_count) if balance else None
        if balance is not None and balance.points and count:
            price = balance.points / count
        else:
            price = TYPICAL_PRICE[mode]
        return round(max(parts, 1) * price, 2)

    async def send_test(self) -> SendResult:
        s = self.state
        to = self.setup.test_number
        idx = self.idx_for_test()
        s.sending_idx = idx
        self.save_draft(force=True)  # before the request: a link dropped now leaves the idx to resume with
        try:
            result = await operations.send(self.session, self.credentials(), self.sender(), to, self.setup.test_message,
                                          idx=idx, options=self._options())
        finally:
            s.sending_idx = ""
        if result.already_accepted and s.test_result is not None and s.tested_idx == idx:
            return s.test_result  # this very test, known with its id and delivery: nothing new to record
        if result.already_accepted:
            result = self._earlier_result(idx) or result
        s.test_result, s.tested_to, s.tested_idx, s.skipped_test, s.dirty = result, to, idx, False, True
        s.tested_from = self.sender().from_field
        s.delivery, s.stopped_waiting = None, False
        self.save_draft(force=True)
        from sms_tui.smsapi.errors import SmsapiError  # noqa: PLC0415 — sms_tui.smsapi.errors adds 2 ms to sms_tui.wizard.wizard (python -X importtime)

        try:
            balance = await self.session.client(self.credentials(), self._options()).balance()
            s.status = operations.AccountStatus(balance, s.status.senders if s.status else None)
        except SmsapiError:  # the send succeeded; a missing new balance is no failure
            pass
        return result

    def _earlier_result(self, idx: str) -> SendResult | None:
        """What the draft knew of this test (sent before the link dropped): its id and points."""
        earlier = self._earlier_test
        if earlier is None or earlier.get("idx") != idx or not earlier.get("message_id"):
            return None
        from sms_tui.smsapi.models import SendResult, SentMessage  # noqa: PLC0415 — sms_tui.smsapi.models adds 93 ms to sms_tui.wizard.wizard (python -X importtime)

        points = earlier.get("points")
        message = SentMessage(id=str(earlier["message_id"]), points=float(points) if isinstance(points, (int, float)) else 0.0,
                              number=str(earlier.get("to") or ""))
        return SendResult(count=1, list=[message], already_accepted=True)

    async def follow_test(self, on_change: Callable[[], None] | None = None) -> Delivery | None:
        """Follow the accepted test SMS to the phone (the screen may go on meanwhile); None when
        there is nothing to follow (no test, or SMSAPI had it already and gave no id)."""
        from sms_tui import delivery as follow  # noqa: PLC0415 — sms_tui.delivery adds 6 ms to sms_tui.wizard.wizard (python -X importtime)

        s = self.state
        result = s.test_result
        if result is None or not result.messages or not result.message_id:
            return None
        tracked = follow.Delivery.accepted(result.messages[0], (self.timing or follow.Timing()).now())
        s.delivery, s.following, s.stopped_waiting = tracked, True, False

        def changed(_: Delivery | None = None) -> None:
            if on_change is not None and s.delivery is tracked:
                on_change()

        changed()  # "w kolejce", from the send's own answer, before the first read

        from sms_tui.smsapi.errors import SmsapiError  # noqa: PLC0415 — sms_tui.smsapi.errors adds 2 ms to sms_tui.wizard.wizard (python -X importtime)

        try:
            await follow.follow_deliveries(self.session.client(self.credentials(), self._options()), {tracked.message_id: tracked},
                                           wait=self.follow_wait or follow.DEFAULT_WAIT, polling=self.polling,
                                           on_change=changed, on_failure=changed, timing=self.timing)
        except SmsapiError as exc:  # SMSAPI refused the read itself (password changed meanwhile): the test stays accepted
            tracked.last_failure = exc
        except asyncio.CancelledError:
            s.stopped_waiting = s.delivery is tracked
            raise
        finally:
            if s.delivery is tracked:
                s.following = False
        self._record_delivery()
        return tracked

    def _record_delivery(self) -> None:
        """Settings saved while the report was awaited get it too, when nothing else changed since."""
        if self.state.saved_to is None or self.unsaved():
            return

        try:
            self.save()
        except ConfigError:  # the settings of a moment ago stay; only the delivery record is missing
            return

    def skip_test(self) -> None:
        self.state.skipped_test = True
        self.state.dirty = True

    def keepable(self) -> Verified | None:
        """The saved test SMS, when it was made with this very account, secret, sender and number
        (as apply keeps it): the technician may keep it instead of paying for another."""
        if self.existing is None:
            return None
        try:
            account = self.setup.account_settings()
        except ValueError:  # an incomplete account (pydantic's ValidationError) is not the one verified
            return None
        return operations.still_verified(self.existing, account, self.sender(), self.setup.test_number)

    def keep_verification(self) -> None:
        self.state.kept = self.keepable()
        self.state.dirty = True

    @property
    def test_passed(self) -> bool:
        """The vendor's rule: saved only after a good test with the settings being saved — a test
        that went as ECO does not vouch for a name chosen afterwards ("Użyj NAME")."""
        s = self.state
        if s.test_result is not None and s.tested_from == self.sender().from_field:
            return True
        return s.skipped_test or (s.kept is not None and s.kept == self.keepable())

    def save_blocker(self) -> str | None:
        s = self.state
        if self.test_passed:
            return None
        if s.test_result is not None:
            return t("wiz.test.sender_changed", tested=s.tested_from, now=self.sender().from_field)
        if self.keepable() is not None:
            return t("wiz.test.needed_or_keep")
        return t("wiz.test.needed")

    # -- step 6: save ---------------------------------------------------------------------------

    def build_settings(self) -> Settings:
        s = self.state
        to = s.tested_to if s.test_result is not None else self.setup.test_number
        verified = operations.verified_record(s.test_result, to, skipped=s.skipped_test and s.test_result is None,
                                              delivery=s.delivery if s.delivery and s.delivery.history else None)
        if s.test_result is None and not s.skipped_test and s.kept is not None and s.kept == self.keepable():
            verified = s.kept  # the earlier test, as it was recorded: no new SMS was paid for
        from sms_tui.settings.model import Files, Outbox, Settings  # noqa: PLC0415 — sms_tui.settings.model adds 148 ms to sms_tui.wizard.wizard (python -X importtime)

        # Like apply: the --api-url of this run is saved, so later check/send reach the same proxy or sandbox.
        account = self.setup.model_copy(update={"api_url": self.options.api_url}).account_settings()
        return Settings(account=account, sender=self.sender(), verified=verified, alerts=self.watch.alerts(),
                        files=Files(group=self.setup.files_group, user=self.setup.files_user),
                        outbox=Outbox.model_validate(self.setup.outbox or {}))  # kept as loaded: no step changes it

    def set_low_balance(self, raw: str) -> str | None:
        """The threshold from the summary step, or why it was refused (the old value stays)."""
        from pydantic import ValidationError  # noqa: PLC0415 — pydantic adds 33 ms to sms_tui.wizard.wizard (python -X importtime)

        try:
            self.setup.low_balance = raw  # type: ignore[assignment]  # the field parses typed text
        except ValidationError:
            return t("wiz.save.bad_threshold", value=raw.strip())
        return None

    def set_files_group(self, raw: str) -> str | None:
        """The shop software's group from the summary step (empty: nobody else reads the
        settings), or why it was refused: a name this server does not know would leave the shop
        unable to read them."""
        name = raw.strip() or None
        if name is not None and reader_problem(group=name):
            return t("wiz.save.files_group_unknown", name=name)
        if name is not None and self.setup.files_user:
            return t("wiz.save.files_both", user=self.setup.files_user)
        self.setup.files_group = name
        return None

    def save(self) -> Path:
        path = operations.save(self.build_settings(), self.config_path)
        self.state.saved_to, self.state.dirty = path, False
        self.mark_saved()
        self.discard_draft()
        return path

    async def run_restart(self) -> tuple[int, str]:
        """Run --restart-command (after the screen asked); its exit code and last output lines."""
        assert self.restart_command

        try:
            argv = shlex.split(self.restart_command)
        except ValueError as exc:  # an unbalanced quote: the settings are saved, only the command is wrong
            return 2, t("wiz.save.restart_bad_command", command=self.restart_command, reason=exc)
        if not argv:
            return 2, t("wiz.save.restart_bad_command", command=self.restart_command, reason="—")
        try:
            proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                        stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL)
        except OSError as exc:  # no such program, not executable
            return 127, t("wiz.save.restart_not_found", program=argv[0], reason=os_reason(exc))
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), timeout=120)
        except (TimeoutError, asyncio.TimeoutError):  # one class from 3.11; two on 3.10
            proc.kill()
            return -1, t("wiz.save.restart_timeout")
        text = rules.clean_field(out.decode("utf-8", "replace"), keep_newlines=True)
        return proc.returncode or 0, "\n".join(text.strip().splitlines()[-8:])

    async def aclose(self) -> None:
        await self.session.aclose()


def _new_setup() -> Setup:
    from sms_tui.settings.setup_model import Setup  # noqa: PLC0415 — sms_tui.settings.setup_model adds 106 ms to sms_tui.wizard.wizard (python -X importtime)

    return Setup()


def _snapshot(setup: Setup, state: WizardState) -> tuple[object, ...]:
    """What would be saved, normalised as saving does (secrets stay SecretStr, compared by value)."""
    u = setup
    return (tuple(sorted(u.checklist.items())), u.platform, u.auth, u.username, u.secret, u.sender_mode,
            u.sender_name.strip() if u.sender_mode == "pro" else "", _number(u),
            u.test_message, u.low_balance, u.files_group, u.files_user,
            state.test_result.message_id if state.test_result else None, u.notify_to, u.watch)


def _number(setup: Setup) -> str:
    """The test number as saved (48500000000 for "500 000 000"); an empty field never loads the
    phone-number tables (the snapshot is taken on every step change)."""
    if not setup.test_to.strip():
        return ""
    return setup.test_number or "".join(ch for ch in setup.test_to if ch.isdigit())

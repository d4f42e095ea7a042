"""What every step shares: the "Krok N z 6" header with the step list, a reason line, Back/Next,
and the keys (Esc back, ctrl+n next, F1 help). State lives in the Wizard, so a screen can be
rebuilt at any time — going back and forth never loses what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from sms_tui.i18n import t
from sms_tui.tui.widgets.local_keys import LocalButton
from sms_tui.wizard import steps
from sms_tui.wizard.steps import STEPS, StepName

if TYPE_CHECKING:
    from sms_tui.sandbox import Sandbox
    from sms_tui.tui.typeahead import TypeAhead
    from sms_tui.wizard.view import WizardView


class WizardAppHooks(Protocol):
    """What a step asks of the app (WizardApp has them): the screens need not import the app,
    which imports the screens."""

    ascii_only: bool
    sandbox: Sandbox | None
    typeahead: TypeAhead

    def go(self, step: StepName) -> None: ...

    def follow_delivery(self) -> None: ...

    def stop_following(self) -> None: ...

    def watch_senders(self) -> None: ...


def step_bar(step: StepName) -> str:
    """Current step in brackets (a text cue, not only colour), finished ones with a tick."""
    parts = []
    current = steps.number(step)
    for number, name in enumerate(STEPS, start=1):
        label = f"{number} {t(f'wiz.step.{name}')}"
        if number == current:
            parts.append(f"[b reverse] {label} [/]")
        elif number < current:
            parts.append(label)
        else:
            parts.append(f"[dim]{label}[/]")
    return " › ".join(parts)


class TitleBar(Widget):
    """Title on the left, "Krok N z 6" on the right, in one widget (not a row of three)."""

    def __init__(self, left: str, right: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.left, self.right = left, right

    def render(self) -> Content:
        gap = max(1, self.content_region.width - len(self.left) - len(self.right))
        return Content(self.left + " " * gap + self.right)


class StepScreen(Screen[None]):
    """A step is built from the Wizard it shows and changes it only through the Wizard's methods
    (the Wizard is the setup's only writer); moving between steps is the app's, by name."""

    STEP: ClassVar[StepName]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        # Not a priority binding: it must wait in the focused field's queue behind the keys typed
        # before it (a burst "demo<Tab>md5<Ctrl+N>" would otherwise store an empty username).
        Binding("ctrl+n", "next", show=False),
        Binding("f1", "help", show=False, priority=True),
    ]

    def __init__(self, wizard: WizardView) -> None:
        super().__init__()
        self.wizard = wizard

    @property
    def wiz_app(self) -> WizardAppHooks:
        return cast("WizardAppHooks", self.app)

    def compose(self) -> ComposeResult:
        yield TitleBar(t("wiz.title"), t("wiz.step_of", n=steps.number(self.STEP), total=len(STEPS)), id="top")
        yield Static(step_bar(self.STEP), id="steps")
        with VerticalScroll(id="body", can_focus=False):
            yield Static(f"[b]{t(f'wiz.{self.STEP}.heading')}[/]", classes="heading")
            yield from self.body()
        yield Static("", id="problem", markup=False)
        with Horizontal(id="nav"):
            if steps.before(self.STEP):
                yield LocalButton(t("wiz.back"), id="back", compact=True)
            yield from self.extra_buttons()
            yield LocalButton(self.next_label(), id="next", variant="primary", compact=True)
        yield Static(t("wiz.keys"), id="keys")

    def body(self) -> ComposeResult:
        yield from ()

    def extra_buttons(self) -> ComposeResult:
        yield from ()

    def next_label(self) -> str:
        return t("wiz.next")

    # -- behaviour every step overrides as needed ----------------------------------------------

    def store(self) -> str | None:
        """Copy the fields into the wizard state (on Next and on Back); a reason if a field is refused."""
        return None

    def problem(self) -> str | None:
        """Why Next is refused, or None."""
        return None

    async def before_next(self) -> bool:
        """A step may do work (a live check) before leaving; False stays."""
        return True

    # -- shared plumbing ------------------------------------------------------------------------

    def show_problem(self, text: str | None, *, ok: bool = False, refusal: bool = False) -> None:
        line = self.query_one("#problem", Static)
        line.update(text or "")
        line.set_class(bool(text) and not ok, "error")
        line.set_class(bool(text) and ok, "ok")
        self._refusal_shown = bool(text) and refusal

    def show_refusal(self, problem: str) -> None:
        """"Cannot go on: …" — cleared as soon as the input changes, so it never outlives the fix."""
        self.show_problem(f"{t('wiz.refused')} {problem}", refusal=True)

    def clear_refusal(self) -> None:
        """Called whenever the input changes (fields here; choices from the screens that have them)."""
        if getattr(self, "_refusal_shown", False):
            self.show_problem(None)

    @on(Input.Changed)
    def _input_changed(self, _event: Input.Changed) -> None:
        self.clear_refusal()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The focused field's row is marked (its label in reverse, app.tcss): where typing goes is
        seen on any terminal, even with the cursor hidden. A class, not `:focus-within`, which
        Textual does not re-apply to the label when focus leaves for another row."""
        for marked in self.query(".row.-focused"):
            marked.remove_class("-focused")
        row = next((node for node in event.widget.ancestors if isinstance(node, Widget) and node.has_class("row")), None)
        if row is not None:
            row.add_class("-focused")

    async def action_next(self) -> None:
        problem = self.store() or self.problem()
        if problem:
            self.show_refusal(problem)
            return
        following = steps.after(self.STEP)
        if following and await self.before_next():
            self.wiz_app.go(following)

    def action_back(self) -> None:
        self.store()
        if previous := steps.before(self.STEP):
            self.wiz_app.go(previous)

    def action_help(self) -> None:
        from sms_tui.tui.screens.help import HelpScreen  # noqa: PLC0415 — sms_tui.tui.screens.help adds 15 ms to sms_tui.tui.screens.base (python -X importtime)

        self.app.push_screen(HelpScreen(self.STEP, self.wizard.setup.platform))

    @on(Button.Pressed, "#next")
    async def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_next()

    @on(Button.Pressed, "#back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field: the next field (a step's own `@on(Input.Submitted, "#id")` handler
        that calls `prevent_default()` takes it instead)."""
        event.stop()
        self.focus_next()

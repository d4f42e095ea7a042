"""The floor: the smallest Textual app, started the same way as sms-tui."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Krok 1 z 6")


if __name__ == "__main__":
    Minimal().run(mouse=False)

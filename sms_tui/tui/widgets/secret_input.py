"""A masked Input that cannot be copied or cut out: stock `Input(password=True)` still copies the
real value with ctrl+c / ctrl+x."""

from __future__ import annotations

from sms_tui.tui.widgets.field import Field


class SecretInput(Field):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(password=True, **kwargs)  # type: ignore[arg-type]

    def action_copy(self) -> None:
        """Deliberately nothing: the secret never reaches the clipboard."""

    def action_cut(self) -> None:
        """Deliberately nothing: cutting would copy the secret."""
        self.app.bell()

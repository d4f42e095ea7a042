"""The sender-name statement SMSAPI asks a shop owner to accept (its own models: loaded only by the
calls that need them, so `check` does not build them at start-up)."""

from __future__ import annotations

from pydantic import Field

from sms_tui.smsapi.models import ApiModel


class StatementPart(ApiModel):
    type: str = ""
    content: str = ""


class StatementSection(ApiModel):
    title: str = ""
    content: str = ""
    statements: list[StatementPart] = Field(default_factory=list)


class SenderStatement(ApiModel):
    """The declaration a shop owner accepts before SMSAPI reviews a name.

    `builtin` marks the catalogue's own summary of the panel's declaration, used where SMSAPI
    gives none (legacy MD5 auth has no statement call; an account may have none)."""

    content: str = ""
    sections: list[StatementSection] = Field(default_factory=list)
    builtin: bool = False

    @property
    def accepted_types(self) -> list[str]:
        """What `accepted_statements[]` must list when SMSAPI's extended statements are on."""
        return [part.type for section in self.sections for part in section.statements if part.type]

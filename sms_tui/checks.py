"""The one set of input checks, as the sentences a technician reads: the wizard, `apply`, `send`
and the draft's resume call these, so a message or a number one of them takes, all take."""

from __future__ import annotations

from sms_tui import rules
from sms_tui.i18n import t


def message_problems(text: str) -> list[str]:
    """SMSAPI refuses an empty message, and one over 6 parts (error 11) after charging nothing; a
    message of spaces only is empty to the phone too (the wizard sends the field as typed)."""
    length = rules.measure(text)
    if length.empty or not text.strip():
        return [t("send.empty")]
    if length.too_long:
        return [t("send.too_long", units=length.units)]
    return []


def phone_problems(to: str) -> list[str]:
    phone = rules.check_phone(to)
    return [] if phone.ok else [t(phone.reason or "phone.invalid")]


def test_problems(to: str, text: str) -> list[str]:
    return phone_problems(to) + message_problems(text)


def md5_check(raw: str) -> tuple[str | None, list[str]]:
    """The API password as MD5 (32 hex digits, any case, pasted with invisible characters): the
    normalised value, or why it is not one (its length named, the plain-password option offered)."""
    check = rules.check_md5(raw)
    if check.ok:
        return check.value, []
    return None, [t(check.reason or "md5.empty", length=check.length)]


def sender_name_problems(name: str) -> list[str]:
    """The rules of an own name, each reason, with the transliterated suggestion when there is one."""
    check = rules.check_sender_name(name)
    if check.ok:
        return []
    hint = f" ({t('sender.suggest', name=check.suggestion)})" if check.suggestion else ""
    return [text + hint for text in sender_reasons(check)]


def sender_reasons(check: rules.SenderCheck) -> list[str]:
    """Each reason's sentence, the characters not allowed named (kept on one line: no-break spaces)."""
    return [t(reason, chars="\u00a0".join(check.bad_chars)) for reason in check.reasons]

"""Any SmsapiError → one sentence saying what happened and what to do, in the current language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sms_tui.exitcodes import ExitCode
from sms_tui.i18n import has, os_reason, t
from sms_tui.smsapi.errors import ApiError, BadCaBundle, MissingCredentials, SmsapiError, TransportError, message_key

if TYPE_CHECKING:
    from sms_tui.delivery import Delivery
    from sms_tui.smsapi.message_status import MessageStatus
    from sms_tui.smsapi.models import SenderName


def what_happened(error: SmsapiError) -> str:
    if isinstance(error, ApiError):
        return t(message_key(error.code), code=error.code, server=error.server_message or "—")
    if isinstance(error, TransportError):
        host = urlsplit(error.host).hostname or error.host or "SMSAPI"
        return t(f"net.{error.kind}", host=host, status=error.http_status or "?")
    if isinstance(error, MissingCredentials):
        return t("net.missing")
    if isinstance(error, BadCaBundle):
        return t("net.ca_bundle_unreadable" if error.unreadable else "net.bad_ca_bundle", path=error.path, reason=error.detail)
    return str(error)


def what_to_do(error: SmsapiError) -> str:
    if isinstance(error, ApiError):
        specific = f"err.do.{error.code}"
        return t(specific) if has(specific) else t(f"err.do.{error.category.value}")
    return ""


def describe(error: SmsapiError) -> str:
    """`what happened` + `what to do`: the whole message a technician reads."""
    return " ".join(part for part in (what_happened(error), what_to_do(error)) if part)


def explain_status(status: MessageStatus) -> str:
    """What a message's delivery status means and what to do about it."""
    key = f"status.{status.status}"
    return t(key) if has(key) else t("status.other", status=status.status)


def sender_state_text(sender: SenderName) -> str:
    return t(f"sender.state.{sender.state.value}")


def delivery_progress(delivery: Delivery) -> str:
    """"w kolejce → wysłano do operatora → ✓ doręczono 14:02:11 (po 6 s)": each status as it was seen."""
    return " → ".join(delivery_step(delivery, i) for i in range(len(delivery.history)))


def delivery_step(delivery: Delivery, index: int = -1) -> str:
    """One status of the history in a few words; the final one with its mark (and time when delivered)."""
    from sms_tui.delivery import Outcome, elapsed_text, short_time  # noqa: PLC0415 — sms_tui.delivery adds 48 ms to sms_tui.smsapi_texts (python -X importtime)

    seen = delivery.history[index]
    last = index in (-1, len(delivery.history) - 1)
    if last and delivery.outcome is Outcome.DELIVERED:
        if delivery.delivered_at is None:
            return "✓ " + t("delivery.step.DELIVERED")
        return "✓ " + t("delivery.delivered", time=short_time(seen.at), after=elapsed_text(seen.after))
    if last and delivery.outcome is Outcome.NOT_DELIVERED:
        return "✗ " + t("delivery.not_delivered", status=seen.status.status)
    key = f"delivery.step.{seen.status.status}"
    return t(key) if has(key) else seen.status.status


def delivery_outcome(delivery: Delivery, *, waited: float | None = None) -> str:
    """The one sentence after following: delivered when, or why not and what to do, or how to look later."""
    from sms_tui.delivery import Outcome, elapsed_text, short_time, wait_text  # noqa: PLC0415 — sms_tui.delivery adds 48 ms to sms_tui.smsapi_texts (python -X importtime)

    last = delivery.last
    if delivery.outcome is Outcome.DELIVERED:
        if delivery.delivered_at is None:  # one read: delivered by now, when is not known
            return t("delivery.delivered_read", id=delivery.message_id)
        return t("delivery.delivered_line", id=delivery.message_id, time=short_time(delivery.delivered_at),
                 after=elapsed_text(delivery.delivered_after or 0))
    if delivery.outcome is Outcome.NOT_DELIVERED and last is not None:
        return t("delivery.not_delivered_line", id=delivery.message_id, status=last.status, explanation=explain_status(last))
    status = last.status if last else "—"
    explanation = explain_status(last) if last else (what_happened(delivery.last_failure) if delivery.last_failure else "")
    if waited is None:
        return t("delivery.on_its_way_line", id=delivery.message_id, status=status, explanation=explanation)
    return t("delivery.unconfirmed_line", id=delivery.message_id, wait=wait_text(waited), status=status, explanation=explanation)


# -- reasons kept as data ---------------------------------------------------------------------
# What the relay persists (a queued message's last reason, the account's hold, an event) is the
# error's data, never its sentence: `queue --lang en` reads English from a state Polish wrote.
Reason = dict[str, Any]


def reason_of(error: SmsapiError) -> Reason:
    """An SMSAPI failure as data: SMSAPI's code and words, or the transport's kind, host, status."""
    if isinstance(error, ApiError):
        return {"key": "smsapi", "params": {"code": error.code, "server": error.server_message}}
    if isinstance(error, TransportError):
        return {"key": "net", "params": {"kind": error.kind, "host": error.host, "status": error.http_status,
                                         "ambiguous": error.ambiguous}}
    return {"key": "text", "params": {"text": str(error)}}


def keyed(key: str, **params: object) -> Reason:
    """A reason of our own: a catalogue key and its parameters."""
    return {"key": key, "params": params}


def describe_reason(reason: Reason | str | None) -> str:
    """A persisted reason in the reader's language (a sentence from a state written before is shown as it is)."""
    if not reason:
        return ""
    if isinstance(reason, str):
        return reason
    params = dict(reason.get("params") or {})
    if reason.get("key") == "smsapi":
        return describe(ApiError(int(params.get("code") or 0), str(params.get("server") or "")))
    if reason.get("key") == "net":
        kind = params.get("kind")
        return describe(TransportError(kind if kind in TransportError.kinds else "network", host=str(params.get("host") or ""),
                                       http_status=params.get("status"), ambiguous=bool(params.get("ambiguous"))))
    if reason.get("key") == "text":
        return str(params.get("text", ""))
    if reason.get("key") == "os":  # a disk's refusal, by its errno
        import os  # noqa: PLC0415 — only a disk's reason asks

        number = int(params.get("errno") or 0)
        return os_reason(OSError(number, os.strerror(number)))
    return t(str(reason.get("key")), **params)


def reason_exit_code(code: int | None) -> ExitCode:
    """The exit code an account's refusal (SMSAPI's code) stands for: its category's, as for a live error."""
    return ApiError(code).exit_code if code is not None else ExitCode.REFUSED

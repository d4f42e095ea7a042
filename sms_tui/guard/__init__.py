"""The money guard: a runaway program on the shop server cannot empty the account.

Every message is shown to the guard before it is sent (the relay's and `send`'s alike). The guard
keeps one ledger per outbox (`ledger.Ledger`, SQLite: shared by every process that sends, safe
when they race, kept across restarts) and answers with a verdict: send it, it is a duplicate of
one sent within the window (not sent, recorded as such), or hold it — a limit of `[guard]` would be
passed (per recipient per day, the shop per hour, points per day and per month). Held messages
wait for a human (`sms-tui queue release`), never for the clock: a runaway would only trickle out.

The limits and why they are what they are: docs/guard.md."""

from sms_tui.guard.ledger import Ask, Ledger, Spend, Verdict

__all__ = ["Ask", "Ledger", "Spend", "Verdict"]

"""The outbox: any program on the shop server sends an SMS by dropping a file, and `sms-tui relay`
sends it exactly once, whatever the link does (docs/outbox.md).

    OUTBOX/outgoing/  the drop folder (setgid, writable by the shop software's group)
    OUTBOX/queue/     claimed messages: ID.sms as dropped, ID.json its attempts and next try
    OUTBOX/sent/      ID.sms with Sent:, Message_id:, Points:, then Status: / Delivered:
    OUTBOX/failed/    ID.sms with Failed: and Fail_reason: — never tried again

UI-free and Textual-free, as the rest of the core: `message` reads and writes the files' format,
`spool` moves them between the folders, `relay` sends (the only part that speaks HTTP).
"""

"""Unique ids for sends; SMSAPI's check_idx=1 then refuses a second copy (error 53)."""

import uuid


def new_idx() -> str:
    return "smstui-" + uuid.uuid4().hex[:24]

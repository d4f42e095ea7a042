"""The setup's words, below everything that uses them: the checklist of the vendor's manual and the
ways to log in. The wizard's steps, the setup model, the answers file and the draft all speak them."""

from __future__ import annotations

from typing import Literal, get_args

# Step 2's items, in the order the vendor's manual has them.
CHECKLIST = ("registered", "sms_code", "email_link", "activated", "points")
# Step 3's ways to log in: the API password as MD5, the plain API password (hashed at once), a token.
SecretKind = Literal["md5", "plain", "token"]
SECRET_KINDS: tuple[SecretKind, ...] = get_args(SecretKind)

"""What a stored column shows once its sealed values are set aside.

A sealed value is `fernet:` and a URL-safe base64 token, so any short word of letters and digits
turns up inside one now and then: "MDT" sits somewhere in one stored NRIT response in about 150
(CI, stop 21). A test that asks "is this plaintext stored?" asks it of what lies outside the
tokens, where a leak would show, and checks separately that the column is sealed at all."""

from __future__ import annotations

import re

from harborline.crypto.fields import PREFIX

TOKEN = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_\-]+=*")


def outside_tokens(*stored: object) -> str:
    """The stored values joined, each sealed token replaced by `<sealed>`."""
    return " ".join(TOKEN.sub("<sealed>", str(value)) for value in stored)


def is_sealed(value: object) -> bool:
    """The whole value is one sealed token."""
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None

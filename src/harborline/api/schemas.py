from __future__ import annotations

from ninja import Schema


class Me(Schema):
    email: str
    full_name: str
    organization: str | None
    organization_name: str | None
    role: str | None

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field


class Me(Schema):
    email: str
    full_name: str
    organization: str | None
    organization_name: str | None
    role: str | None


class MeUpdate(Schema):
    """The fields a user may change about themselves."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=200, description="The name colleagues see.")


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    """application/problem+json (RFC 9457): the shape of every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = Field(
        default=None, description="For invalid input: one entry per field."
    )

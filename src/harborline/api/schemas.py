from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict, JsonValue

# --- Constraints the services check, stated in the schema (tests/api/test_fuzz.py holds every
# operation to them: a request the schema allows is never refused as invalid). ----------------

# The services strip text (Python's str.strip) and refuse what is left empty: required text holds
# a character that is not a space (also not one of the separators \x1c-\x1f or NEL, which
# Python strips but a JSON Schema `\s` does not match).
NON_BLANK = r"[^\s\x1c-\x1f\x85]"

# Values that must name something that exists. JSON Schema has no way to list them, so they are
# named formats (annotations: no validator enforces them; the services answer 422).
ORGANIZATION_SLUG: JsonDict = {"format": "organization-slug"}
USER_EMAIL: JsonDict = {"format": "user-email"}
COUNTY: JsonDict = {"format": "county"}  # `pack/slug` of a loaded pack's county

# At least 10 characters once stripped: first and last a character Python's strip keeps (NON_BLANK:
# JSON Schema's \S also matches \x1c-\x1f and NEL, which strip removes).
AT_LEAST_10 = rf"{NON_BLANK}[\s\S]{{8,}}{NON_BLANK}"

# Ids in paths and bodies are database keys (a 32-bit integer on PostgreSQL).
MAX_ID = 2_147_483_647


def _in_utc(value: datetime) -> datetime:
    """An instant with an offset, held in UTC; a time without one is left for the service to read
    in the organization's time zone. ISO 8601 allows offsets to ±23:59, PostgreSQL's timestamptz
    only to ±15:59, and an instant near year 1 or 9999 may have no UTC equivalent: converting
    here stores every accepted instant and refuses the rest as invalid (422), not a 500."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("give a time between the years 1 and 9999 in UTC") from None


# Every date-and-time a request sends.
Instant = Annotated[datetime, AfterValidator(_in_utc)]


def text(max_length: int, *, description: str | None = None, **extra: Any) -> Any:
    """A required piece of text: at least one character that is not a space."""
    return Field(
        min_length=1, max_length=max_length, pattern=NON_BLANK, description=description, **extra
    )


def non_blank(max_length: int) -> Any:
    """The type of a piece of text that must hold a non-space, for optional fields
    (`non_blank(100) | SkipJsonSchema[None] = None`: may be left out, not sent as null)."""
    return Annotated[str, StringConstraints(min_length=1, max_length=max_length, pattern=NON_BLANK)]


def installed_packs() -> list[str]:
    """The protocol packs installed, for `enum`s: read once, when the API module loads."""
    from harborline.protocols.packs import registry

    return sorted(registry())


def one_of(values: Iterable[str]) -> JsonDict:
    """json_schema_extra for a string the service checks against a list that is data."""
    enum: list[JsonValue] = [*sorted(values)]
    return {"enum": enum}


class Me(Schema):
    email: str
    full_name: str
    organization: str | None
    organization_name: str | None
    role: str | None


class MeUpdate(Schema):
    """The fields a user may change about themselves."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    full_name: str = text(200, description="The name colleagues see.")


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


class Strict(Schema):
    """A request body that refuses fields it does not know (422 naming them)."""

    model_config = ConfigDict(extra="forbid")


# The problems every endpoint may answer with, besides its own.
ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 404: Problem, 422: Problem}

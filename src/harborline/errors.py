"""The shape every domain error takes. Each app's `errors.py` subclasses these; the API turns
them into application/problem+json (RFC 9457) and pages show the same messages beside fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

M = TypeVar("M", bound="Model")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status = 400
    title = "The request cannot be carried out"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class InvalidInput(DomainError):
    status = 422
    title = "Some fields need attention"

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls(f"{field}: {message}", errors=[FieldError(field, message)])

    @classmethod
    def fields(cls, errors: list[FieldError]) -> InvalidInput:
        return cls("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


class NotFound(DomainError):
    """Also what a caller gets for something it may not see: existence must not leak."""

    status = 404
    title = "Not found"

    def __init__(self, detail: str = "No such record, or you do not have access to it.") -> None:
        super().__init__(detail)


def one_or_not_found(rows: QuerySet[M], pk: Any, detail: str | None = None) -> M:
    """The row of `rows` (a queryset the caller has already narrowed to what the actor may see)
    whose primary key is `pk`, or NotFound. A `pk` that is not a number, as a hand-typed path
    may send, is NotFound too, never a 500."""
    try:
        row = rows.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(detail) if detail else NotFound()
    return row


class Forbidden(DomainError):
    """For actions on something the caller may see but not change (never for hidden records)."""

    status = 403
    title = "Not allowed"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


# --- The optimistic-version check: the one rule and the one Conflict it raises ----------------
STALE_DETAIL = (
    "Someone else changed this record since you opened it; reload it and make your change again."
)
STALE_FIELD_MESSAGE = "stale: reload and try again"


def version_conflict() -> Conflict:
    """The Conflict every stale version gets, with the same message and the `version` field."""
    return Conflict(STALE_DETAIL, errors=[FieldError("version", STALE_FIELD_MESSAGE)])


def check_version(current: int, sent: int | None) -> None:
    """Optimistic concurrency: a version the caller sent that is not the stored one is a
    Conflict, never a silent overwrite. `sent=None` means the caller did not say (no check)."""
    if sent is not None and sent != current:
        raise version_conflict()


def check_bumped(rows: int) -> None:
    """For a conditional UPDATE … WHERE version = sent: no row changed means the version was
    stale (or the row went away), the same Conflict as `check_version`."""
    if not rows:
        raise version_conflict()

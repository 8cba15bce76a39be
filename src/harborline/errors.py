"""The shape every domain error takes. Each app's `errors.py` subclasses these; the API turns
them into application/problem+json (RFC 9457) and pages show the same messages beside fields."""

from __future__ import annotations

from dataclasses import dataclass


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


class Forbidden(DomainError):
    """For actions on something the caller may see but not change (never for hidden records)."""

    status = 403
    title = "Not allowed"


class Conflict(DomainError):
    status = 409
    title = "Conflict"

"""The JSON API at /api/v1/: thin endpoints over services and selectors."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from harborline.errors import DomainError, FieldError

from .auth import BearerToken
from .problems import from_domain_error, problem
from .schemas import Me

api = NinjaAPI(
    title="Harborline API",
    version="1",
    description="Coordinated response for youth experiencing commercial sexual exploitation. "
    "Authenticate with `Authorization: Bearer <token>` (`harborline token create`). Errors are "
    "application/problem+json (RFC 9457).",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)


def _field_name(loc: list[object]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "payload")]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError):  # type: ignore[no-untyped-def]
    errors = [FieldError(_field_name(list(e.get("loc", []))), str(e.get("msg", "invalid")))
              for e in exc.errors]
    return problem(422, "Some fields need attention", "; ".join(f"{e.field}: {e.message}" for e in errors), errors)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):  # type: ignore[no-untyped-def]
    return from_domain_error(request, exc)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):  # type: ignore[no-untyped-def]
    return problem(401, "Authentication required", "Send a valid API token as `Authorization: Bearer <token>`.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):  # type: ignore[no-untyped-def]
    return problem(exc.status_code, "Request failed", str(exc))


@api.get("/me", response=Me, summary="Who this token belongs to")
def me(request: HttpRequest) -> Me:
    user = request.auth  # type: ignore[attr-defined]
    m = user.membership_or_none
    return Me(
        email=user.email,
        full_name=user.full_name,
        organization=m.organization.slug if m else None,
        organization_name=m.organization.name if m else None,
        role=m.role if m else None,
    )

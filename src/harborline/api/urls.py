"""The JSON API at /api/v1/: thin endpoints over services and selectors. Every error, from a
missing token to an unexpected exception, answers application/problem+json (api/problems.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from harborline.errors import DomainError, FieldError
from harborline.people import services
from harborline.people.models import User

from .auth import BearerToken, caller
from .cases import router as cases_router
from .codebook import router as codebook_router
from .emergency import router as emergency_router
from .hsds import router as hsds_router
from .links import add_links, parameter_enums
from .missing import router as missing_router
from .needs import router as needs_router
from .plans import router as plans_router
from .problems import CONTENT_TYPE, from_domain_error, problem
from .protocols import router as protocols_router
from .referrals import router as referrals_router
from .reports import router as reports_router
from .schemas import Me, MeUpdate, Problem
from .submissions import router as submissions_router
from .taskforce import router as taskforce_router
from .timeline import router as timeline_router
from .training import router as training_router

logger = logging.getLogger("harborline.api")

LOCATIONS = ("body", "query", "path", "header", "cookie", "payload")


def _problem_for_405(view: Callable[..., Any]) -> Callable[..., Any]:
    """django-ninja answers a wrong method with a plain-text 405; give it our shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = problem(
                405, "Method not allowed", f"{request.method} is not allowed here; use {allowed}."
            )
            response["Allow"] = allowed
        return response

    return wrapper


class HarborlineAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_for_405(pattern.callback)
        return patterns

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Error responses are documented with the media type they are sent with; parameters
        that name a pack or an instrument list the installed ones; responses that create
        something link to the operations that act on it (api/links.py)."""
        schema = super().get_openapi_schema(**kwargs)
        enums = parameter_enums()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
                names = {**enums["*"], **enums.get(operation.get("operationId", ""), {})}
                for parameter in operation.get("parameters", []):
                    if parameter["name"] in names:
                        parameter["schema"]["enum"] = names[parameter["name"]]
        add_links(schema)
        return schema


api = HarborlineAPI(
    title="Harborline API",
    version="1",
    description="Coordinated response for youth experiencing commercial sexual exploitation. "
    "Authenticate with `Authorization: Bearer <token>` (`harborline token create`). Errors are "
    "application/problem+json (RFC 9457) with `title`, `status`, `detail` and, for invalid input, "
    "`errors: [{field, message}]`.",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)


def _field_name(loc: list[object]) -> str:
    """A field by its JSON path, as the request guard names them: `youth.first_name`,
    `attendees[0]`, `actions[1].owner`."""
    name = ""
    for part in loc:
        if part in LOCATIONS:
            continue
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        FieldError(_field_name(list(e.get("loc", []))), str(e.get("msg", "invalid")))
        for e in exc.errors
    ]
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem(422, "Some fields need attention", detail, errors)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return from_domain_error(request, exc)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        401,
        "Authentication required",
        "Send a valid API token as `Authorization: Bearer <token>`.",
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, ValueError | RecursionError):
        # django-ninja wraps a body it cannot parse; that is invalid input like any other.
        if isinstance(cause, RecursionError):
            message = "is nested too deeply"
        elif hasattr(cause, "msg"):
            message = f"is not valid JSON ({cause.msg})"
        else:
            message = "is not JSON"
        errors = [FieldError("body", message)]
        return problem(422, "Some fields need attention", f"body: {message}", errors)
    return problem(exc.status_code, "Request failed", str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, "Not found", "No such page or record, or you do not have access to it.")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error(
        "Unhandled error in %s %s (request %s)",
        request.method,
        request.path,
        getattr(request, "request_id", "-"),
        exc_info=exc,
    )
    return problem(
        500,
        "Something went wrong",
        "The error was logged. Try again, or tell your administrator.",
        request_id=getattr(request, "request_id", ""),
    )


def _me(user: User) -> Me:
    m = user.membership_or_none
    return Me(
        email=user.email,
        full_name=user.full_name,
        organization=m.organization.slug if m else None,
        organization_name=m.organization.name if m else None,
        role=m.role if m else None,
    )


@api.get("/me", response={200: Me, 401: Problem}, summary="Who this token belongs to")
def me(request: HttpRequest) -> Me:
    return _me(caller(request))


@api.patch("/me", response={200: Me, 401: Problem, 422: Problem}, summary="Change your own name")
def update_me(request: HttpRequest, payload: MeUpdate) -> Me:
    user = services.update_profile(actor=caller(request), full_name=payload.full_name)
    return _me(user)


api.add_router("/", protocols_router)
api.add_router("/", cases_router)
api.add_router("/", emergency_router)
api.add_router("/", missing_router)
api.add_router("/", plans_router)
api.add_router("/", needs_router)
api.add_router("/", taskforce_router)
api.add_router("/", training_router)
api.add_router("/", timeline_router)
api.add_router("/hsds/", hsds_router)
api.add_router("/", referrals_router)
api.add_router("/", reports_router)
api.add_router("/", codebook_router)
api.add_router("/", submissions_router)

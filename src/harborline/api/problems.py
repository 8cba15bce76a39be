"""application/problem+json (RFC 9457) responses: one shape for every API error."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

from harborline.errors import DomainError, FieldError

CONTENT_TYPE = "application/problem+json"


def problem(
    status: int, title: str, detail: str, errors: list[FieldError] | None = None, **extra: Any
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    body.update(extra)
    response = JsonResponse(body, status=status, content_type=CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="harborline"'
    return response


def from_domain_error(request: HttpRequest, exc: DomainError) -> JsonResponse:
    return problem(exc.status, exc.title, exc.detail, exc.errors)

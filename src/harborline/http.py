"""application/problem+json (RFC 9457) responses: one shape for every machine-readable error.

Top level and low in the layers (docs/architecture.md, "Layers"): the API (`api/problems.py`),
the pages' error handlers (`web/views_errors.py`) and the request middleware in `config` answer
with the same builder, and `web` and `api` need not import each other."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from harborline.errors import FieldError

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

"""application/problem+json (RFC 9457) responses: one shape for every API error (the builder is
`harborline.http.problem`, shared with the pages' error handlers)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from harborline.errors import DomainError
from harborline.http import CONTENT_TYPE, problem

__all__ = ["CONTENT_TYPE", "from_domain_error", "problem"]


def from_domain_error(request: HttpRequest, exc: DomainError) -> JsonResponse:
    return problem(exc.status, exc.title, exc.detail, exc.errors)

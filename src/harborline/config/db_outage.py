"""When the database cannot be reached (restarted, failing over, out of connections), every
request answers 503 with `Retry-After` instead of a 500: the API with application/problem+json
("Service unavailable"), pages with a plain "try again" page. Nothing is half-written: every
write is one transaction, which the database rolls back when the connection is lost.

One answer, `unavailable()`, reached from the two places where an uncaught exception ends up:

- Django's `handler500` (`server_error` below, set in config/urls.py), which Django calls for an
  exception raised anywhere in a request, in a view or in a middleware (the session and the
  signed-in user are read from the database by middleware, before any view runs). It answers
  503 when the exception it handles is a database outage and leaves every other error to the
  ordinary 500 page.
- The API's exception handler for the same exceptions (`install(api)`, from config/urls.py),
  because django-ninja catches an endpoint's exceptions before Django sees them.

The server needs no restart afterwards: connections are checked before reuse
(`conn_health_checks` in settings.py), so the first request after the database is back opens a
fresh one. See docs/operations.md ("When the database is unavailable")."""

from __future__ import annotations

import sys
from typing import Any

from csp.middleware import CSPMiddleware
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.template.loader import render_to_string

from harborline.api.problems import problem

# What a lost or refused database connection raises (psycopg's errors, wrapped by Django).
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_PREFIX = "/api/"
TITLE = "Service unavailable"


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_UNAVAILABLE)


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After. Reads nothing from the database (the page is rendered without the
    request's context processors, which would look up the signed-in user)."""
    if request.path_info.startswith(API_PREFIX):
        response: HttpResponse = problem(
            503,
            TITLE,
            "The service cannot reach its database right now. Try again in "
            f"{RETRY_AFTER_SECONDS} seconds; if this request was a change, read the record "
            "first to see whether it was saved.",
            request_id=getattr(request, "request_id", ""),
        )
    else:
        html = render_to_string(
            "web/unavailable.html",
            {
                "status": 503,
                "title": TITLE,
                "retry_after": RETRY_AFTER_SECONDS,
                "again": request.get_full_path() if request.method in ("GET", "HEAD") else "",
                "request_id": getattr(request, "request_id", ""),
            },
        )
        response = HttpResponse(html, status=503)
        # Inner middleware (which sets these on every page) may not have run.
        for middleware in (CSPMiddleware(_unused), XFrameOptionsMiddleware(_unused)):
            middleware.process_response(request, response)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: Django calls it while it handles the exception, so `sys.exc_info()` is that
    exception. A database outage is a 503; anything else is the ordinary 500 page."""
    from harborline.web import views_errors

    if is_outage(sys.exc_info()[1]):
        return unavailable(request)
    return views_errors.server_error(request)


def install(api: Any) -> None:
    """The API's answer to the same exceptions (django-ninja handles an endpoint's exceptions
    itself, before Django's handler500)."""

    def on_outage(request: HttpRequest, exc: Exception) -> HttpResponse:
        return unavailable(request)

    for exc_class in DATABASE_UNAVAILABLE:
        api.add_exception_handler(exc_class, on_outage)


def _unused(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    raise AssertionError("only the middleware's process_response is used")

"""Error pages; under /api/ the same errors are application/problem+json.

`DomainErrorPages` is the one place a page turns a domain error it did not handle into an
answer, as api/problems.py does for the API: NotFound is the 404 page (the same page for a
missing and a forbidden record, so existence never leaks), Forbidden the 403 page, and any
other DomainError (a Conflict, an InvalidInput a view had no form for) the error page with the
service's own message and its status. Views catch a DomainError only to show it beside a form's
fields (web/pages.py); they never translate NotFound by hand."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harborline.errors import DomainError, Forbidden, NotFound
from harborline.http import problem

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Not found", "No such page or record, or you do not have access to it."),
    500: ("Something went wrong", "The error was logged. Try again, or tell your administrator."),
}


def _respond(request: HttpRequest, status: int, title: str = "", detail: str = "") -> HttpResponse:
    if not title:
        title, detail = MESSAGES[status]
    if request.path.startswith("/api/"):
        return problem(status, title, detail)
    return render(
        request,
        "web/error.html",
        {"title": title, "detail": detail, "status": status},
        status=status,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _respond(request, 500)


class DomainErrorPages:
    """Middleware: a DomainError that leaves a page view becomes its page (see the module's
    docstring). The API's router has its own handler (api/problems.py), so /api/ never gets here
    with one; this leaves those alone all the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            return _respond(request, 404)
        if isinstance(exception, Forbidden):
            return _respond(request, 403)
        return _respond(request, exception.status, exception.title, exception.detail)

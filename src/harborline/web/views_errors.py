"""Error pages; under /api/ the same errors are application/problem+json."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harborline.http import problem

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Not found", "No such page or record, or you do not have access to it."),
    500: ("Something went wrong", "The error was logged. Try again, or tell your administrator."),
}


def _respond(request: HttpRequest, status: int) -> HttpResponse:
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

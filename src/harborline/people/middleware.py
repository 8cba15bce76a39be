"""Session rules that apply to every page: idle timeout and the second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from harborline.audit.models import Action
from harborline.audit.services import record

# Paths that need no second factor: signing in and out, MFA itself, static files, health.
MFA_EXEMPT_PREFIXES = ("/login", "/logout", "/mfa/", "/static/", "/healthz", "/api/")
# Requests that must not count as activity (the page's own idle-timer poll).
PASSIVE_PATHS = ("/session/",)
LAST_SEEN = "harborline_last_seen"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN, now)
            if now - last > settings.IDLE_TIMEOUT_SECONDS:
                record(actor=user, action=Action.IDLE_TIMEOUT)  # type: ignore[arg-type]
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return _redirect(request, reverse("web:login") + f"?next={request.path}")
            if not request.path.startswith(PASSIVE_PATHS):
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireMfaMiddleware:
    """Anyone whose role sees youth data must have passed TOTP (or a recovery code) in this
    session before any page but sign-in and MFA itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_mfa  # type: ignore[union-attr]
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            return _redirect(request, reverse("web:mfa"))
        return self.get_response(request)

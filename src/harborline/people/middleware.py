"""Session rules that apply to every page: idle timeout and the second factor."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from harborline.audit.models import Action
from harborline.audit.services import record

from .signals import IDLE_SIGN_OUT

# Paths that need no second factor: signing in and out, MFA itself, setting a password from an
# emailed link, the idle timer's own endpoints, static files, health, the API (token auth).
MFA_EXEMPT_PREFIXES = (
    "/login",
    "/logout",
    "/mfa/",
    "/password/set/",
    "/session/",
    "/keepalive",
    "/static/",
    "/healthz",
    "/api/",
)
# Requests that must not count as activity (the page's own idle-timer poll).
PASSIVE_PATHS = ("/session/",)
LAST_SEEN = "harborline_last_seen"
# Activity is written to the session at most this often, so a busy person's pages do not each
# rewrite their session row. The timeout can therefore come up to this many seconds early,
# never late.
ACTIVITY_GRANULARITY = 30
IDLE_NOTICE = "harborline_idle_notice"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def seconds_left(request: HttpRequest, now: float | None = None) -> int:
    """Seconds until the idle timeout signs this session out."""
    return max(0, math.ceil(settings.IDLE_TIMEOUT_SECONDS - idle_for(request, now)))


def idle_for(request: HttpRequest, now: float | None = None) -> float:
    """Seconds since this session's last activity."""
    now = time.time() if now is None else now
    return now - request.session.get(LAST_SEEN, now)


def mark_active(request: HttpRequest, now: float | None = None) -> None:
    request.session[LAST_SEEN] = time.time() if now is None else now


class IdleTimeoutMiddleware:
    """Signs a session out after IDLE_TIMEOUT_SECONDS without a request. The page's idle-timer
    poll (PASSIVE_PATHS) is checked but does not count as activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            passive = request.path.startswith(PASSIVE_PATHS)
            if idle_for(request, now) > settings.IDLE_TIMEOUT_SECONDS:
                record(actor=user, action=Action.IDLE_TIMEOUT, obj=user)
                setattr(request, IDLE_SIGN_OUT, True)
                logout(request)
                # MessageMiddleware runs after this one, so the sign-in page reads this flag.
                request.session[IDLE_NOTICE] = True
                if passive:
                    return JsonResponse({"authenticated": False, "seconds_left": 0}, status=401)
                target = request.get_full_path() if request.method == "GET" else "/"
                return _redirect(request, reverse("web:login") + "?" + urlencode({"next": target}))
            stale = (
                LAST_SEEN not in request.session or idle_for(request, now) >= ACTIVITY_GRANULARITY
            )
            if not passive and stale:
                mark_active(request, now)
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
            and user.needs_mfa
            and not user.is_verified()  # type: ignore[attr-defined]  # django-otp adds it
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            target = request.get_full_path() if request.method == "GET" else "/"
            return _redirect(request, reverse("web:mfa") + "?" + urlencode({"next": target}))
        return self.get_response(request)

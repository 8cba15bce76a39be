"""The idle timer's endpoints. `/session/` is also the benchmark's trivial authenticated page:
keep it to one session read and no writes."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from harborline.people.middleware import mark_active, seconds_left


def _signed_out() -> JsonResponse:
    return JsonResponse({"authenticated": False, "seconds_left": 0}, status=401)


@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle timeout. A passive path: asking does not count as activity."""
    if not request.user.is_authenticated:
        return _signed_out()
    return JsonResponse({"authenticated": True, "seconds_left": seconds_left(request)})


@never_cache
@require_POST
def keepalive(request: HttpRequest) -> JsonResponse:
    """'Stay signed in': renews the session now (the middleware only records activity every
    ACTIVITY_GRANULARITY seconds, and a person who asked to stay must get the full time)."""
    if not request.user.is_authenticated:
        return _signed_out()
    mark_active(request)
    return JsonResponse({"authenticated": True, "seconds_left": seconds_left(request)})

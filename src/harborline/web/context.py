from django.conf import settings
from django.http import HttpRequest


def harborline(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    membership = getattr(user, "membership_or_none", None) if user and user.is_authenticated else None
    return {
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
    }

from django.conf import settings
from django.http import HttpRequest

from harborline.people.roles import Role


def harborline(request: HttpRequest) -> dict[str, object]:
    """What every page needs: demo mode, who is signed in for which organization, what their
    role may reach (for the navigation) and the idle timeout."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    membership = getattr(user, "membership_or_none", None) if signed_in else None
    rules = getattr(user, "rules", None) if membership else None
    # Pages beyond sign-in and MFA only once the second factor is passed (if the role needs it).
    verified = signed_in and (not user.needs_mfa or user.is_verified())  # type: ignore[union-attr]
    return {
        "demo_mode": settings.DEMO_MODE,
        "membership": membership,
        "role_rules": rules,
        "nav_ready": verified,
        "is_system_admin": bool(membership and membership.role == Role.SYSTEM_ADMIN),
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
    }

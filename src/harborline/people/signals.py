"""Audit the security events around signing in: sign-in, failed sign-in, lockout, sign-out.

Connected in `PeopleConfig.ready()`. A failed sign-in has no actor: the attempted email is kept
as `actor_email`, and when it names an account, that account's organization owns the event so
its administrators see attempts on their people."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from harborline.audit.models import Action
from harborline.audit.services import record

from .models import User

# Set on the request by IdleTimeoutMiddleware, which records its own event.
IDLE_SIGN_OUT = "harborline_idle_sign_out"


def _account(email: str) -> User | None:
    if not email:
        return None
    return User.objects.select_related("membership__organization").filter(email=email).first()


def _owner(user: User | None) -> Any:
    m = user.membership_or_none if user is not None else None
    return m.organization if m else None


def on_logged_in(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    record(actor=user, action=Action.LOGIN, obj=user, owner_org=_owner(user))


def on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()[:254]
    account = _account(email)
    record(
        actor=None,
        actor_email=email,
        action=Action.LOGIN_FAILED,
        obj=account,
        owner_org=_owner(account),
        detail={"locked_out": bool(getattr(request, "axes_locked_out", False))},
    )


def on_locked_out(
    sender: object, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    email = (username or "").strip().lower()[:254]
    account = _account(email)
    record(
        actor=None,
        actor_email=email,
        action=Action.LOCKED_OUT,
        obj=account,
        owner_org=_owner(account),
    )


def on_logged_out(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is None or getattr(request, IDLE_SIGN_OUT, False):
        return
    record(actor=user, action=Action.LOGOUT, obj=user, owner_org=_owner(user))


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="harborline.audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="harborline.audit.login_failed")
    user_logged_out.connect(on_logged_out, dispatch_uid="harborline.audit.logout")
    user_locked_out.connect(on_locked_out, dispatch_uid="harborline.audit.locked_out")

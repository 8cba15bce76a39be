"""Signing in and out, the lockout page, and setting a password from an emailed link."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlencode, urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from harborline.errors import DomainError
from harborline.people import services
from harborline.people.middleware import IDLE_NOTICE
from harborline.people.models import User

from ..forms import LoginForm, SetPasswordForm
from ._util import safe_next, show_domain_error

BAD_CREDENTIALS = (
    "The email address or password is not right. Check both and try again. "
    "After {limit} attempts that do not work, the account is locked for {minutes} minutes."
)


def _lockout_minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """HEAD answers as GET does (the server sends no body) and changes nothing."""
    next_url = safe_next(request)
    if request.method in ("GET", "HEAD") and request.user.is_authenticated:
        return redirect(next_url)
    if request.method == "HEAD":
        idle_notice = request.session.get(IDLE_NOTICE, False)
    else:
        idle_notice = request.session.pop(IDLE_NOTICE, False)
    status = 200
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
            if user is not None:
                login(request, user)
                if user.needs_mfa:
                    return redirect(reverse("web:mfa") + "?" + urlencode({"next": next_url}))
                return redirect(next_url)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            form.add_error(
                None,
                BAD_CREDENTIALS.format(
                    limit=get_failure_limit(request, None), minutes=_lockout_minutes(request)
                ),
            )
        status = 400
    else:
        form = LoginForm()
    return render(
        request,
        "web/login.html",
        {
            "form": form,
            "next": next_url if request.GET.get("next") or request.POST.get("next") else "",
            "idle_notice": idle_notice,
            "idle_minutes": settings.IDLE_TIMEOUT_SECONDS // 60,
        },
        status=status,
    )


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this (AXES_LOCKOUT_CALLABLE) when an account is locked."""
    return render(
        request,
        "web/locked_out.html",
        {
            "minutes": _lockout_minutes(request),
            "failure_limit": get_failure_limit(request, None),
        },
        status=429,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    was_signed_in = request.user.is_authenticated
    logout(request)
    if was_signed_in:
        messages.success(request, "You are signed out.")
    return redirect("web:login")


def _account_from_link(uidb64: str, token: str) -> User | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = get_user_model().objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, get_user_model().DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    account = _account_from_link(uidb64, token)
    if account is None:
        return render(request, "web/password_link_invalid.html", status=400)
    status = 200
    if request.method == "POST":
        form = SetPasswordForm(request.POST)
        if form.is_valid():
            try:
                services.set_password(
                    actor=account, user=account, password=form.cleaned_data["password1"]
                )
            except DomainError as problem:
                for error in problem.errors:
                    form.add_error(
                        "password1" if error.field == "password" else None, error.message
                    )
                if not problem.errors:
                    show_domain_error(form, problem)
            else:
                if request.user.is_authenticated:
                    logout(request)
                messages.success(request, "Your password is set. Sign in with it now.")
                return redirect("web:login")
        status = 400
    else:
        form = SetPasswordForm()
    return render(
        request, "web/password_set.html", {"form": form, "account": account}, status=status
    )

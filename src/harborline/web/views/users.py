"""Managing an organization's users: org admins for their organization, system admins for any.

Anyone else, and an org admin asking about another organization's user, gets 404: existence
does not leak. Row actions answer htmx requests with the updated row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harborline.errors import DomainError
from harborline.people import selectors, services
from harborline.people.forms import AddUserForm, RoleForm, assignable_roles
from harborline.people.models import Organization, User
from harborline.people.roles import Role

from ._util import actor as _actor
from ._util import form_page


@dataclass(frozen=True)
class Scope:
    actor: User
    org: Organization
    is_system_admin: bool


def _scope(request: HttpRequest) -> Scope:
    """The organization whose users the signed-in person may manage (NotFound: the 404 page)."""
    actor = _actor(request)
    membership = selectors.user_manager(actor)
    slug = request.GET.get("org") or request.POST.get("org") or ""
    org = selectors.chosen_org(membership, slug)
    return Scope(actor, org, membership.role == Role.SYSTEM_ADMIN)


def _locked_emails(request: HttpRequest, emails: list[str]) -> set[str]:
    """Which of these accounts django-axes holds locked right now (one query)."""
    attempts = AccessAttempt.objects.filter(
        username__in=emails, failures_since_start__gte=get_failure_limit(request, None)
    )
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return set(attempts.values_list("username", flat=True))


def _target(request: HttpRequest, user_id: int) -> tuple[Scope, User]:
    """The user to act on, if the signed-in person may manage them (NotFound otherwise)."""
    actor = _actor(request)
    membership = selectors.user_manager(actor)
    target = selectors.managed_user(membership, user_id)
    is_system_admin = membership.role == Role.SYSTEM_ADMIN
    return Scope(actor, target.membership.organization, is_system_admin), target


def _role_context(scope: Scope) -> dict:
    """The roles the signed-in person may give in this organization. A row whose person holds
    another role (say a coordinator, for an org admin) shows that role too, so the row never
    shows a role the person does not have."""
    choices = assignable_roles(scope.actor, scope.org)
    return {"role_choices": choices, "role_values": {value for value, _ in choices}}


def _row_context(request: HttpRequest, scope: Scope, target: User, **extra: object) -> dict:
    return {
        "u": target,
        "locked": target.email in _locked_emails(request, [target.email]),
        **_role_context(scope),
        "scope": scope,
        **extra,
    }


def _row_response(
    request: HttpRequest,
    scope: Scope,
    user_id: int,
    *,
    message: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The updated row for htmx, or back to the list with a message for a plain form post."""
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx's middleware adds it
        target = selectors.users_of(scope.org).get(pk=user_id)
        return render(
            request,
            "web/partials/user_row.html",
            _row_context(request, scope, target, row_message=message, row_error=error),
            status=status,
        )
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return redirect(_list_url(scope))


def _list_url(scope: Scope) -> str:
    url = reverse("web:org_users")
    return url + "?" + urlencode({"org": scope.org.slug}) if scope.is_system_admin else url


def _row_action(
    request: HttpRequest, scope: Scope, user_id: int, call: Callable[[], object], done: str
) -> HttpResponse:
    """Run a row's service call: its refusal is shown in the row (403 for a protected account,
    422 for input), else `done`."""
    try:
        call()
    except DomainError as problem:
        message = problem.errors[0].message if problem.errors else problem.detail
        return _row_response(request, scope, user_id, error=message, status=problem.status)
    return _row_response(request, scope, user_id, message=done)


PAGE_SIZE = 50


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """One page of the organization's users (50 at a time, optionally filtered by name or
    email), so the page costs the same for a county agency of 2,000 as for a team of five."""
    scope = _scope(request)
    query = request.GET.get("q", "").strip()[:100]
    users = selectors.users_of(scope.org)
    if query:
        users = users.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    page_users = list(page.object_list)
    locked = _locked_emails(request, [u.email for u in page_users])
    # Rows are rendered by hand, not as 50 Django forms: form widgets render through templates
    # of their own, which made this page cost ~2 ms a row.
    rows = [{"u": u, "locked": u.email in locked} for u in page_users]
    keep = {"org": scope.org.slug} if scope.is_system_admin else {}
    if query:
        keep["q"] = query
    return render(
        request,
        "web/org_users.html",
        {
            "scope": scope,
            "rows": rows,
            **_role_context(scope),
            "page": page,
            "query": query,
            "page_query": urlencode(keep),
            "organizations": Organization.objects.only("slug", "name")
            if scope.is_system_admin
            else [],
        },
    )


def _invite(request: HttpRequest, user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = request.build_absolute_uri(reverse("web:password_set", args=[uid, token]))
    org = user.membership.organization.name
    send_mail(
        subject="Your Harborline account",
        message=(
            f"Hello {user.full_name or user.email},\n\n"
            f"{org} has made you a Harborline account ({user.email}).\n"
            f"Choose your password here (the link works once and expires in a few days):\n\n"
            f"{link}\n\n"
            "If you did not expect this email, tell your organization's administrator.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_add(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)

    def save(data: dict[str, Any]) -> HttpResponse:
        user = services.create_user(
            actor=scope.actor,
            email=data["email"],
            organization=scope.org,
            role=data["role"],
            full_name=data["full_name"],
            password=data["password"] or None,
        )
        if data["password"]:
            messages.success(
                request,
                f"Added {user.email}. Give them their initial "
                "password in person or by phone, never by email.",
            )
        else:
            _invite(request, user)
            messages.success(
                request, f"Added {user.email} and emailed them a link to set their password."
            )
        return redirect(_list_url(scope))

    form = AddUserForm(
        request.POST if request.method == "POST" else None,
        actor=scope.actor,
        organization=scope.org,
    )
    return form_page(request, form, "web/user_add.html", {"scope": scope}, save=save)


@login_required
@require_POST
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    scope, target = _target(request, user_id)
    form = RoleForm(request.POST, actor=scope.actor, organization=scope.org)
    if not form.is_valid():
        return _row_response(
            request,
            scope,
            user_id,
            status=422,
            error=" ".join(str(e) for e in form.errors.get("role", ["Choose a role."])),
        )
    role = form.cleaned_data["role"]
    return _row_action(
        request,
        scope,
        user_id,
        lambda: services.update_membership(actor=scope.actor, user=target, role=role),
        "Role saved.",
    )


@login_required
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    scope, target = _target(request, user_id)
    wanted = request.POST.get("is_active")
    if wanted not in ("0", "1"):
        return _row_response(
            request,
            scope,
            user_id,
            status=422,
            error="Choose whether to enable or disable the account.",
        )
    return _row_action(
        request,
        scope,
        user_id,
        lambda: services.update_membership(actor=scope.actor, user=target, is_active=wanted == "1"),
        f"Account {'enabled' if wanted == '1' else 'disabled'}.",
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    scope, target = _target(request, user_id)
    return _row_action(
        request,
        scope,
        user_id,
        lambda: services.unlock_user(actor=scope.actor, user=target),
        "Unlocked: they can sign in again.",
    )


@login_required
@require_POST
def user_reset_mfa(request: HttpRequest, user_id: int) -> HttpResponse:
    scope, target = _target(request, user_id)
    return _row_action(
        request,
        scope,
        user_id,
        lambda: services.reset_mfa(actor=scope.actor, user=target),
        "Second factor reset: they set up a new authenticator at their next sign-in.",
    )

"""Every write to organizations, users, memberships and tokens."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import FieldError
from harborline.protocols.geography import find_county

from .errors import Conflict, InvalidInput, TokenRejected
from .models import ApiToken, Membership, Organization, User, hash_token
from .roles import OrgType, Role

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
TOKEN_PREFIX = "hl_"
MAX_TOKEN_DAYS = 366


def _choice(field: str, value: str, choices: type[OrgType] | type[Role]) -> str:
    if value not in choices.values:
        raise InvalidInput.field(field, f"{value!r} is not one of: {', '.join(choices.values)}")
    return value


@transaction.atomic
def create_organization(
    *, actor: User | None, slug: str, name: str, type: str, county: str = "", time_zone: str = ""
) -> Organization:
    errors = []
    if not SLUG.match(slug or ""):
        errors.append(FieldError("slug", "use 1-60 lower-case letters, digits and hyphens"))
    if not (name or "").strip():
        errors.append(FieldError("name", "give the organization's name"))
    if type not in OrgType.values:
        errors.append(FieldError("type", f"{type!r} is not one of: {', '.join(OrgType.values)}"))
    county_obj = None
    if county:
        county_obj = find_county(county)
        if county_obj is None:
            errors.append(FieldError("county", f"no county named {county!r} is loaded"))
    if time_zone:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors.append(FieldError("time_zone", f"{time_zone!r} is not a known time zone"))
    if errors:
        raise InvalidInput.fields(errors)
    if Organization.objects.filter(slug=slug).exists():
        raise Conflict(f"An organization with slug {slug!r} already exists.",
                       errors=[FieldError("slug", "already taken")])
    org = Organization.objects.create(
        slug=slug, name=name.strip(), type=type, county=county_obj,
        region=county_obj.region if county_obj else None,
        **({"time_zone": time_zone} if time_zone else {}),
    )
    record(actor=actor, action=Action.CREATE, obj=org, owner_org=org)
    return org


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as problem:
        raise InvalidInput.field("password", " ".join(problem.messages)) from None


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    email: str,
    organization: Organization,
    role: str,
    full_name: str = "",
    password: str | None = None,
) -> User:
    """Create a user with their membership. Without a password the account cannot sign in with
    one until it is set (invitation flow)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput.field("email", f"{email!r} is not an email address") from None
    _choice("role", role, Role)
    if User.objects.filter(email=email).exists():
        raise Conflict(f"A user with email {email} already exists.",
                       errors=[FieldError("email", "already registered")])
    user = User(email=email, full_name=full_name.strip())
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organization=organization, role=role)
    record(actor=actor, action=Action.USER_CREATE, obj=user, owner_org=organization,
           detail={"role": role})
    return user


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> User:
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, action=Action.USER_UPDATE, obj=user, detail={"changed": ["password"]},
           owner_org=user.membership.organization if user.membership_or_none else None)
    return user


@transaction.atomic
def update_membership(
    *, actor: User, user: User, role: str | None = None, is_active: bool | None = None
) -> User:
    membership = Membership.objects.select_for_update().get(user=user)
    changed = []
    if role is not None and role != membership.role:
        membership.role = _choice("role", role, Role)
        changed.append("role")
    if is_active is not None and is_active != user.is_active:
        if user.pk == actor.pk and not is_active:
            raise InvalidInput.field("is_active", "you cannot disable your own account")
        user.is_active = membership.is_active = is_active
        user.save(update_fields=["is_active"])
        changed.append("is_active")
    membership.save()
    if changed:
        record(actor=actor, action=Action.USER_UPDATE, obj=user, owner_org=membership.organization,
               detail={"changed": changed, "role": membership.role, "is_active": user.is_active})
    return user


@transaction.atomic
def create_token(*, actor: User | None, user: User, days: int = 90, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput.field("days", f"must be between 1 and {MAX_TOKEN_DAYS}")
    if not user.is_active:
        raise InvalidInput.field("email", "the user is disabled")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], digest=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(actor=actor, action=Action.TOKEN_CREATE, obj=token,
           owner_org=user.membership.organization if user.membership_or_none else None,
           detail={"user": user.email, "days": days})
    return token, raw


def authenticate_token(raw: str) -> User:
    """The active user a bearer token belongs to, or TokenRejected."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise TokenRejected()
    token = ApiToken.objects.select_related("user__membership__organization").filter(
        digest=hash_token(raw)
    ).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        raise TokenRejected()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # coarse, to spare writes
    return token.user


@transaction.atomic
def revoke_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action=Action.TOKEN_REVOKE, obj=token)
    return token

"""Every write to organizations, users, memberships and tokens."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import FieldError
from harborline.protocols.geography import AmbiguousCounty, find_county

from . import grants
from .errors import Conflict, Forbidden, InvalidInput, NotFound, TokenRejected
from .models import ApiToken, Membership, Organization, User, hash_token
from .roles import OrgType, Role

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
TOKEN_PREFIX = "hl_"  # noqa: S105 - a public marker that tells tokens apart, not a secret
MAX_TOKEN_DAYS = 366


def _owner(user: User) -> Organization | None:
    m = user.membership_or_none
    return m.organization if m else None


@transaction.atomic
def create_organization(
    *,
    actor: User | None,
    slug: str,
    name: str,
    type: str,
    county: str = "",
    time_zone: str = "",
    actor_email: str = "",
) -> Organization:
    """Register an organization (an agency): a system administrator on the pages, the operator
    on the command line (`actor=None`). Its county gives it its region and default time zone."""
    membership = actor.membership_or_none if actor is not None else None
    if actor is not None and (
        membership is None or not membership.is_active or membership.role != Role.SYSTEM_ADMIN
    ):
        raise Forbidden("Only a system administrator can register an organization.")
    errors = []
    if not SLUG.match(slug or ""):
        errors.append(FieldError("slug", "use 1-60 lower-case letters, digits and hyphens"))
    if not (name or "").strip():
        errors.append(FieldError("name", "give the organization's name"))
    if type not in OrgType.values:
        errors.append(FieldError("type", f"{type!r} is not one of: {', '.join(OrgType.values)}"))
    county_obj = None
    if county:
        try:
            county_obj = find_county(county)
        except AmbiguousCounty as ambiguous:  # e.g. "clark": nevada/clark, washington/clark, ...
            errors.extend(ambiguous.errors)
        else:
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
        raise Conflict(
            f"An organization with slug {slug!r} already exists.",
            errors=[FieldError("slug", "already taken")],
        )
    # An organization's default time zone is its county's (a Wisconsin county's is Central).
    zone = time_zone or (county_obj.time_zone if county_obj else "")
    org = Organization.objects.create(
        slug=slug,
        name=name.strip(),
        type=type,
        county=county_obj,
        region=county_obj.region if county_obj else None,
        **({"time_zone": zone} if zone else {}),
    )
    record(actor=actor, action=Action.CREATE, obj=org, owner_org=org, actor_email=actor_email)
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
    actor_email: str = "",
) -> User:
    """Create a user with their membership. Without a password the account cannot sign in with
    one until it is set (invitation flow)."""
    if actor is not None:  # None: the operator's command line
        require_org_manager(actor=actor, organization=organization)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput.field("email", f"{email!r} is not an email address") from None
    _may_give(actor, role, organization)
    if User.objects.filter(email=email).exists():
        raise Conflict(
            f"A user with email {email} already exists.",
            errors=[FieldError("email", "already registered")],
        )
    user = User(email=email, full_name=full_name.strip())
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organization=organization, role=role)
    record(
        actor=actor,
        action=Action.USER_CREATE,
        obj=user,
        owner_org=organization,
        detail={"role": role},
        actor_email=actor_email,
    )
    return user


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> User:
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        actor=actor,
        action=Action.USER_UPDATE,
        obj=user,
        detail={"changed": ["password"]},
        owner_org=_owner(user),
    )
    return user


MAX_NAME = 200


@transaction.atomic
def update_profile(*, actor: User, full_name: str) -> User:
    """The actor's own details (today: the name shown to colleagues)."""
    user = actor
    full_name = (full_name or "").strip()
    if not 1 <= len(full_name) <= MAX_NAME:
        raise InvalidInput.field("full_name", f"give a name of 1 to {MAX_NAME} characters")
    if full_name != user.full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        record(
            actor=actor,
            action=Action.USER_UPDATE,
            obj=user,
            detail={"changed": ["full_name"]},
            owner_org=_owner(user),
        )
    return user


def require_org_manager(*, actor: User, organization: Organization) -> bool:
    """Whether `actor` may manage the accounts of `organization`: its org admins, or any system
    admin. Anyone else gets NotFound, so that existence does not leak. Returns whether the
    actor is a system admin."""
    rules, m = actor.rules, actor.membership_or_none
    if rules is None or not rules.manages_org_users or m is None:
        raise NotFound()
    is_system_admin = m.role == Role.SYSTEM_ADMIN
    if not is_system_admin and m.organization_id != organization.pk:
        raise NotFound()
    return is_system_admin


def require_manager(*, actor: User, user: User) -> bool:
    """Whether `actor` may manage `user`'s account (see require_org_manager); only a system
    admin may change a system admin. Returns whether the actor is a system admin."""
    target = user.membership_or_none
    if target is None:
        raise NotFound()
    is_system_admin = require_org_manager(actor=actor, organization=target.organization)
    if target.role == Role.SYSTEM_ADMIN and not is_system_admin:
        raise Forbidden("Only a system administrator can change a system administrator's account.")
    return is_system_admin


def _may_give(actor: User | None, role: str, organization: Organization) -> None:
    """The grant rule (people/grants.py) for `actor` (None: the operator's command line);
    a refusal is invalid input on the `role` field."""
    membership = actor.membership_or_none if actor is not None else None
    granter_role = grants.OPERATOR if actor is None else (membership.role if membership else "")
    problem = grants.refusal(granter_role=granter_role, role=role, org_type=organization.type)
    if problem is not None:
        raise InvalidInput.field("role", problem)


@transaction.atomic
def update_membership(
    *, actor: User, user: User, role: str | None = None, is_active: bool | None = None
) -> User:
    require_manager(actor=actor, user=user)
    membership = Membership.objects.select_for_update().get(user=user)
    changed = []
    if role is not None and role != membership.role:
        if user.pk == actor.pk:
            raise InvalidInput.field(
                "role", "You cannot change your own role; ask another administrator."
            )
        _may_give(actor, role, membership.organization)
        membership.role = role
        changed.append("role")
    if is_active is not None and is_active != user.is_active:
        if user.pk == actor.pk and not is_active:
            raise InvalidInput.field("is_active", "You cannot disable your own account.")
        user.is_active = membership.is_active = is_active
        user.save(update_fields=["is_active"])
        changed.append("is_active")
    membership.save()
    if changed:
        record(
            actor=actor,
            action=Action.USER_UPDATE,
            obj=user,
            owner_org=membership.organization,
            detail={"changed": changed, "role": membership.role, "is_active": user.is_active},
        )
    return user


@transaction.atomic
def create_token(
    *, actor: User | None, user: User, days: int = 90, name: str = "", actor_email: str = ""
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput.field("days", f"must be between 1 and {MAX_TOKEN_DAYS}")
    if not user.is_active:
        raise InvalidInput.field("email", "the user is disabled")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        actor=actor,
        action=Action.TOKEN_CREATE,
        obj=token,
        owner_org=_owner(user),
        detail={"user": user.email, "days": days},
        actor_email=actor_email,
    )
    return token, raw


def authenticate_token(raw: str) -> User:
    """The active user a bearer token belongs to, or TokenRejected."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        raise TokenRejected()
    token = (
        ApiToken.objects.select_related("user__membership__organization")
        .filter(digest=hash_token(raw))
        .first()
    )
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


# --- Second factor, unlocking and MFA reset (the sign-in pages and user management) ----------
# django-otp and django-axes are imported inside the functions to keep this module's imports
# light for the API and the command line.

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: easy to read and type
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_DEVICE_NAME = "Authenticator app"


def current_totp_code(device: Any, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `device` now (demo mode shows it; tests and the
    benchmark sign in with it). `steps_ahead=1` is the next 30-second code."""
    from django_otp.oath import totp

    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return str(code).zfill(device.digits)


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = {
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        for _ in range(RECOVERY_CODE_COUNT * 2)
    }
    chosen = sorted(codes)[:RECOVERY_CODE_COUNT]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in chosen)
    return [format_recovery_code(c) for c in chosen]


@transaction.atomic
def start_totp_enrolment(*, user: User) -> Any:
    """The unconfirmed authenticator device to show as a QR code (kept across page loads, so
    the code a person scanned stays valid). Refused once a device is confirmed: replacing a
    second factor needs an administrator's MFA reset, never just the password."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict("An authenticator is already set up for this account.")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_device(*, user: User, code: str) -> tuple[Any, list[str]]:
    """Confirm the pending authenticator with a code from it. Returns the device and ten new
    recovery codes (shown once). A wrong code raises InvalidInput and counts towards
    django-otp's throttling."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise Conflict("There is no authenticator waiting to be confirmed. Start again.")
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise InvalidInput.field("code", _throttle_message(why))
    if not device.verify_token(code):
        raise InvalidInput.field(
            "code",
            "That code did not match. Check the app and try again with the code it shows now.",
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _replace_recovery_codes(user)
        record(actor=user, action=Action.MFA_ENROL, obj=user, owner_org=_owner(user))
    return device, codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    record(
        actor=user,
        action=Action.USER_UPDATE,
        obj=user,
        owner_org=_owner(user),
        detail={"changed": ["recovery_codes"]},
    )
    return codes


def _throttle_message(why: dict[str, Any] | None) -> str:
    until = (why or {}).get("locked_until")
    if until is not None:
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        return f"Too many wrong codes. Wait {seconds} seconds, then try again."
    return "Too many wrong codes. Wait a little, then try again."


def verify_second_factor(*, user: User, code: str) -> tuple[Any, bool]:
    """Check a code from the authenticator app (six digits) or a recovery code (used once).
    Returns the device that matched and whether it was a recovery code; otherwise records the
    failure and raises InvalidInput. Not one transaction: a failure must stay recorded (audit
    and django-otp's throttle counter) although an error is raised."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    code = "".join(ch for ch in (code or "") if ch.isalnum()).lower()
    is_totp = code.isdigit() and len(code) == 6
    device: Any
    if is_totp:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        problem = "no authenticator is set up" if is_totp else "no recovery codes are set up"
        record(
            actor=user,
            action=Action.MFA_FAILED,
            obj=user,
            owner_org=_owner(user),
            detail={"kind": "totp" if is_totp else "recovery", "reason": "no device"},
        )
        raise InvalidInput.field("code", f"That code did not work: {problem} for this account.")
    allowed, why = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        record(
            actor=user,
            action=Action.MFA_VERIFY if is_totp else Action.MFA_RECOVERY,
            obj=user,
            owner_org=_owner(user),
        )
        return device, not is_totp
    record(
        actor=user,
        action=Action.MFA_FAILED,
        obj=user,
        owner_org=_owner(user),
        detail={
            "kind": "totp" if is_totp else "recovery",
            "reason": "wrong code" if allowed else "throttled",
        },
    )
    if not allowed:
        raise InvalidInput.field("code", _throttle_message(why))
    hint = (
        "Use the code your authenticator app shows now."
        if is_totp
        else "Recovery codes work once each; check you typed it as printed."
    )
    raise InvalidInput.field("code", f"That code did not work. {hint}")


@transaction.atomic
def unlock_user(*, actor: User, user: User) -> int:
    """Lift a sign-in lockout (django-axes) before it runs out. Returns how many lockout
    records were cleared."""
    from axes.utils import reset

    require_manager(actor=actor, user=user)
    cleared = reset(username=user.email)
    record(
        actor=actor,
        action=Action.USER_UNLOCK,
        obj=user,
        owner_org=_owner(user),
        detail={"cleared": cleared},
    )
    return cleared


@transaction.atomic
def reset_mfa(*, actor: User, user: User) -> int:
    """Remove the user's authenticator and recovery codes; they set up a new authenticator at
    their next sign-in (and any session verified with the old one loses its verification)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_manager(actor=actor, user=user)
    if user.pk == actor.pk:
        raise InvalidInput.field(
            "mfa", "You cannot reset your own second factor; ask another administrator."
        )
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    record(
        actor=actor,
        action=Action.USER_UPDATE,
        obj=user,
        owner_org=_owner(user),
        detail={"changed": ["mfa_reset"]},
    )
    return removed

"""Finding an organization by its short name (slug) and a person by email, once for every page,
API endpoint and command that names them (issue 11: the page and the API had different rules).

- An organization named by slug: unknown is `InvalidInput` naming the caller's field; with
  `active=True` (sharing, case teams) an inactive one is unknown too. An `Organization` passes
  through; None or "" is None.
- A person named by email (case does not matter): only an *account* counts — an active user
  whose membership of an organization is active. Anything else (unknown, deactivated, membership
  ended) is `InvalidInput` naming the field, with one message. A `User` passes through.
"""

from __future__ import annotations

from harborline.errors import InvalidInput
from harborline.people.models import Organization, User

NO_ACCOUNT = "no active Harborline account has this email"


def organization_by_slug(
    value: Organization | str | None, field: str, *, active: bool = False
) -> Organization | None:
    if value is None or isinstance(value, Organization):
        return value
    slug = value.strip()
    if not slug:
        return None
    found = Organization.objects.filter(slug=slug)
    if active:
        found = found.filter(is_active=True)
    organization = found.first()
    if organization is None:
        what = "no active organization" if active else "no organization"
        raise InvalidInput.field(field, f"{what} with the short name {slug!r}")
    return organization


def account_by_email(email: str) -> User | None:
    """The active account with this email, or None."""
    email = (email or "").strip()
    if not email:
        return None
    user = User.objects.select_related("membership").filter(email__iexact=email).first()
    if user is None or not user.is_active:
        return None
    membership = user.membership_or_none
    return user if membership is not None and membership.is_active else None


def user_by_email(value: User | str | None, field: str) -> User | None:
    if value is None or isinstance(value, User):
        return value
    if not value.strip():
        return None
    user = account_by_email(value)
    if user is None:
        raise InvalidInput.field(field, NO_ACCOUNT)
    return user

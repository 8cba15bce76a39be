"""Reads for managing an organization's users: who may manage them (and read its audit log),
which organization an administrative page is about, and its users. Anyone else, and an org
admin asking about another organization's user, gets NotFound: existence does not leak."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .errors import NotFound
from .models import Membership, Organization, User
from .roles import Role


def user_manager(actor: User) -> Membership:
    """The actor's membership, if their role manages their organization's users."""
    membership = actor.membership_or_none
    rules = actor.rules
    if membership is None or rules is None or not rules.manages_org_users:
        raise NotFound()
    return membership


def audit_reader(actor: User) -> Membership:
    """The actor's membership, if their role reads their organization's audit log (org admins,
    supervisors, system admins)."""
    membership = actor.membership_or_none
    rules = actor.rules
    if membership is None or rules is None or not rules.reads_org_audit:
        raise NotFound()
    return membership


def chosen_org(membership: Membership, slug: str) -> Organization:
    """The organization an administrative page is about: the person's own, or, for a system
    administrator, the one named by its short name (`?org=`). Any other short name is
    NotFound, like one that does not exist. The user and audit pages both ask this."""
    own = membership.organization
    if not slug or slug == own.slug:
        return own
    chosen = None
    if membership.role == Role.SYSTEM_ADMIN:
        chosen = Organization.objects.filter(slug=slug).first()
    if chosen is None:
        raise NotFound()
    return chosen


def users_of(org: Organization | None) -> QuerySet[User]:
    """The users of `org` (of every organization for None), with whether MFA is set up."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    users = User.objects.filter(membership__isnull=False)
    if org is not None:
        users = users.filter(membership__organization=org)
    return (
        users.select_related("membership__organization")
        .annotate(mfa_enrolled=Exists(confirmed))
        .order_by("email")
    )


def managed_user(manager: Membership, user_id: int) -> User:
    """A user the manager (user_manager) may act on: of their organization, or of any for a
    system administrator."""
    everyone = manager.role == Role.SYSTEM_ADMIN
    target = users_of(None if everyone else manager.organization).filter(pk=user_id).first()
    if target is None:
        raise NotFound()
    return target

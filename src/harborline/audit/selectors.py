"""Reading the audit log. Who may read what:
- an organization's admins and supervisors: events by its people and events on records it owns;
- the owning organization: "who saw this record" for each youth it owns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .models import Action, AuditEvent

if TYPE_CHECKING:
    from harborline.people.models import Organization


def for_organization(
    org: Organization, *, action: str = "", person: str = ""
) -> QuerySet[AuditEvent]:
    """Events by the organization's people and on records it owns (newest first); of one
    `action`, by one `person` (an email), when given."""
    events = AuditEvent.objects.filter(Q(org_id=org.pk) | Q(owner_org_id=org.pk))
    if action:
        events = events.filter(action=action)
    if person:
        events = events.filter(actor_email=person)
    return events.order_by("-seq")


def who_saw(*, youth_id: int, owner: Organization) -> QuerySet[AuditEvent]:
    """Every read of one youth's record, for the organization that owns it (newest first)."""
    return AuditEvent.objects.filter(
        youth_id=youth_id,
        owner_org_id=owner.pk,
        action__in=[Action.VIEW, Action.EXPORT, Action.BREAK_GLASS],
    ).order_by("-seq")

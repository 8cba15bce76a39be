"""Helpers for training tests: people in organizations, task forces with member organizations,
and training records written through the service (as a system administrator)."""

from __future__ import annotations

import datetime as dt

from harborline.people.models import Organization, User
from harborline.protocols.geography import load_geography
from harborline.protocols.models import County, Region
from harborline.taskforce.models import Member, TaskForce
from harborline.training import services
from tests.factories import OrganizationFactory, UserFactory

_admin: dict[str, User] = {}


def system_admin() -> User:
    admin = User.objects.filter(email="training-admin@example.org").first()
    if admin is None:
        admin = UserFactory(role="system_admin", email="training-admin@example.org")
    return admin


def washington_geography() -> tuple[Region, County]:
    """Washington's DSHS regions from its pack, plus a synthetic county in region 2 (the pack
    assigns no counties)."""
    load_geography("washington")
    region = Region.objects.get(pack="washington", slug="dshs-region-2")
    county, _ = County.objects.get_or_create(
        pack="washington", slug="king", defaults={"name": "King County", "region": region}
    )
    return region, county


def org(
    type: str, *, county: County | None = None, region: Region | None = None, **kw
) -> Organization:
    organization = OrganizationFactory(type=type, **kw)
    if county is not None or region is not None:
        organization.county = county
        organization.region = region or (county.region if county else None)
        organization.save()
    return organization


def person(organization: Organization, role: str = "caseworker", **kw) -> User:
    return UserFactory(role=role, org=organization, **kw)


def train(
    who: User,
    *,
    course: str,
    pack: str,
    level: str = "basic",
    on: dt.date | None = None,
    hours: float = 2,
):
    return services.record_training(
        actor=system_admin(),
        person=who.email,
        course=course,
        pack=pack,
        level=level,
        completed_on=(on or dt.date.today() - dt.timedelta(days=1)).isoformat(),
        hours=hours,
        source="api",
    )


def taskforce(pack: str, *orgs: Organization, coordinator: User | None = None, **kw) -> TaskForce:
    tf = TaskForce.objects.create(
        name=kw.pop("name", "Test Task Force"), pack=pack, coordinator=coordinator, **kw
    )
    for o in orgs:
        Member.objects.create(taskforce=tf, organization=o, category="member agency")
    return tf

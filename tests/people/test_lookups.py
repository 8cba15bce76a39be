"""One rule for naming an organization by slug and a person by email (people/lookups.py), as a
table, and the places that used their own copies (the case team, shares, task-force members)
now give the same answer: a person whose membership has ended is no account anywhere."""

from __future__ import annotations

import pytest

from harborline.errors import InvalidInput
from harborline.people.lookups import account_by_email, organization_by_slug
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    OrganizationFactory(slug="open-org", name="Open Org")
    OrganizationFactory(slug="closed-org", name="Closed Org", is_active=False)
    UserFactory(role="caseworker", email="active@example.org")
    ended = UserFactory(role="caseworker", email="ended@example.org")
    ended.membership.is_active = False
    ended.membership.save()
    UserFactory(role="caseworker", email="gone@example.org", is_active=False)


# slug, active=False answer, active=True answer ("ok" = found, "none" = None, else the message)
ORGANIZATIONS = [
    ("open-org", "ok", "ok"),
    ("  open-org ", "ok", "ok"),
    ("closed-org", "ok", "no active organization with the short name 'closed-org'"),
    (
        "nowhere",
        "no organization with the short name 'nowhere'",
        "no active organization with the short name 'nowhere'",
    ),
    ("", "none", "none"),
]


@pytest.mark.parametrize(("slug", "any_", "active"), ORGANIZATIONS)
def test_organization_by_slug_table(world, slug, any_, active):
    for flag, expected in ((False, any_), (True, active)):
        try:
            found = organization_by_slug(slug, "organization", active=flag)
            answer = "none" if found is None else "ok"
        except InvalidInput as exc:
            assert exc.errors[0].field == "organization"
            answer = exc.errors[0].message
        assert answer == expected, (slug, flag)


@pytest.mark.parametrize(
    ("email", "is_account"),
    [
        ("active@example.org", True),
        ("ACTIVE@example.org ", True),
        ("ended@example.org", False),
        ("gone@example.org", False),
        ("nobody@example.org", False),
    ],
)
def test_account_by_email_table(world, email, is_account):
    assert (account_by_email(email) is not None) is is_account

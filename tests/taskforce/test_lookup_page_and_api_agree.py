"""Adding a member names an organization by its short name or a person by email; the page and
the API used to resolve these with different rules (the page ignored inactive accounts, the API
linked them; the messages differed). Both now hand the raw text to services.add_member, so the
same input gets the same answer: the same status, the same field, the same message, or the
same kind of member."""

from __future__ import annotations

import re
from html import unescape

import pytest

from harborline.people import services as people
from harborline.taskforce.models import Member
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


@pytest.fixture
def world(db, tf, coordinator):
    OrganizationFactory(slug="closed-shelter", name="Closed Shelter", is_active=False)
    active = UserFactory(role="caseworker", email="active@example.org")
    ended = UserFactory(role="caseworker", email="ended@example.org")
    ended.membership.is_active = False
    ended.membership.save()
    UserFactory(role="caseworker", email="gone@example.org", is_active=False)
    return {"active": active}


def _page(client, tf, form):
    """What the page answers: (status, {field: message}) or (302, kind of the new member)."""
    response = client.post(f"/taskforces/{tf.pk}/members", {"category": "cps", **form})
    if response.status_code == 302:
        return 302, Member.objects.filter(taskforce=tf).latest("pk").kind
    found = re.findall(r'id="id_(\w+)_error">([^<]*)</span>', response.content.decode())
    return response.status_code, {field: unescape(text).strip() for field, text in found}


def _api(client, token, tf, body):
    response = client.post(
        f"/api/v1/taskforces/{tf.pk}/members",
        data={"category": "cps", **body},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    if response.status_code == 201:
        return 201, response.json()["kind"]
    return response.status_code, {e["field"]: e["message"] for e in response.json()["errors"]}


ORGANIZATION_CASES = [
    ("closed-shelter", 422, {"organization": "this organization is not active"}),
    ("no-such-org", 422, {"organization": "no organization with the short name 'no-such-org'"}),
]

# A person's email: an active account is linked (a user member); an account that is
# deactivated, or whose membership ended, is no account, so the person needs a name.
EMAIL_CASES = [
    ("active@example.org", None, "user"),
    ("ACTIVE@example.org", None, "user"),
    ("ended@example.org", {"person_name": "give the person's name"}, None),
    ("gone@example.org", {"person_name": "give the person's name"}, None),
    ("nobody@example.org", {"person_name": "give the person's name"}, None),
]


@pytest.mark.parametrize(("slug", "status", "errors"), ORGANIZATION_CASES)
def test_an_organization_by_short_name_gets_one_answer(
    client, world, tf, coordinator, slug, status, errors
):
    give_totp_device(coordinator)
    _, token = people.create_token(actor=None, user=coordinator, days=30)
    api = _api(client, token, tf, {"organization": slug})
    page = _page(sign_in(client, coordinator), tf, {"who": "organization", "organization": slug})
    assert api == page == (status, errors)


@pytest.mark.parametrize(("email", "errors", "kind"), EMAIL_CASES)
def test_a_person_by_email_gets_one_answer(client, world, tf, coordinator, email, errors, kind):
    give_totp_device(coordinator)
    _, token = people.create_token(actor=None, user=coordinator, days=30)
    api = _api(client, token, tf, {"person_email": email})
    Member.objects.filter(taskforce=tf, user__isnull=False).delete()  # the page adds them again
    page = _page(sign_in(client, coordinator), tf, {"who": "person", "person_email": email})
    expected = (422, errors) if errors else None
    assert api == ((201, kind) if kind else expected)
    assert page == ((302, kind) if kind else expected)


@pytest.mark.parametrize(
    ("email", "linked"),
    [
        ("active@example.org", True),
        ("ended@example.org", False),
        ("gone@example.org", False),
        ("nobody@example.org", False),
    ],
)
def test_the_api_user_field_links_only_an_active_account(
    client, world, tf, coordinator, email, linked
):
    _, token = people.create_token(actor=None, user=coordinator, days=30)
    status, answer = _api(client, token, tf, {"user": email})
    if linked:
        assert (status, answer) == (201, "user")
    else:
        assert (status, answer) == (422, {"user": "no active Harborline account has this email"})


def test_the_leadership_page_resolves_emails_by_the_same_rule(client, world, tf, coordinator):
    give_totp_device(coordinator)
    c = sign_in(client, coordinator)
    response = c.post(
        f"/taskforces/{tf.pk}/structure/leadership",
        {
            "lead-version": tf.version,
            "lead-coordinator": coordinator.email,
            "lead-chair": "ended@example.org",
        },
    )
    assert response.status_code == 422
    assert "no active Harborline account has this email" in response.content.decode()


@pytest.mark.parametrize(("email", "errors", "kind"), EMAIL_CASES)
def test_a_member_import_resolves_an_email_by_the_same_rule(
    world, tf, coordinator, email, errors, kind
):
    from harborline.taskforce import imports
    from tests.taskforce.test_imports import csv_bytes

    upload = csv_bytes([["organization", "name", "email", "category"], ["", "", email, "cps"]])
    try:
        imports.import_members(actor=coordinator, taskforce=tf, upload=upload, filename="m.csv")
    except imports.ImportRejected as rejected:
        got = {p.column: p.message for p in rejected.problems}
        assert errors is not None and got == {"name": errors["person_name"]}
    else:
        assert Member.objects.filter(taskforce=tf).latest("pk").kind == kind


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"who": "organization", "organization": " "}, "organization", "give its short name"),
        ({"who": "person"}, "person_name", "give the person's name"),
    ],
)
def test_the_page_says_which_of_its_fields_is_missing(
    client, tf, coordinator, form, field, message
):
    give_totp_device(coordinator)
    assert _page(sign_in(client, coordinator), tf, form) == (422, {field: message})

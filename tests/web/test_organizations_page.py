"""Registering an agency (issue 15: "a Washington task force cannot register its first agency"):
a system administrator registers it on a page, choosing one of the home pack's counties, and
the organization takes the county's region and time zone. Every other role gets 404, and the
service refuses a non-administrator too."""

from __future__ import annotations

import pytest

from harborline.audit.models import Action, AuditEvent
from harborline.errors import Forbidden
from harborline.people import services
from harborline.people.models import Organization
from harborline.people.roles import Role
from harborline.protocols.geography import load_geography

pytestmark = pytest.mark.django_db

SPOKANE = {
    "name": "Spokane County Sheriff",
    "slug": "spokane-sheriff",
    "type": "law_enforcement",
    "county": "washington/spokane",
}


@pytest.fixture
def washington(settings):
    settings.HARBORLINE_PACK = "washington"
    load_geography("washington")


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMIN])
def test_only_a_system_administrator_has_the_pages(as_user, role):
    client, _ = as_user(role)
    assert client.get("/organizations/").status_code == 404
    assert client.get("/organizations/new").status_code == 404
    assert client.post("/organizations/new", SPOKANE).status_code == 404
    assert not Organization.objects.filter(slug="spokane-sheriff").exists()


def test_a_system_administrator_registers_an_agency_in_a_home_pack_county(as_user, washington):
    client, admin = as_user("system_admin")
    form = client.get("/organizations/new").content.decode()
    assert 'value="washington/spokane"' in form
    assert 'value="nevada/clark"' not in form  # the installation's counties only
    response = client.post("/organizations/new", SPOKANE, follow=True)
    assert response.status_code == 200
    org = Organization.objects.get(slug="spokane-sheriff")
    assert (org.county.qualified, org.region.slug, org.time_zone) == (
        "washington/spokane",
        "dshs-region-1",
        "America/Los_Angeles",
    )
    page = response.content.decode()
    assert "Spokane County Sheriff is registered in Spokane County" in page
    assert 'id="org-spokane-sheriff"' in page
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_id=str(org.pk), actor_email=admin.email
    ).exists()


def test_bad_input_is_a_4xx_naming_the_field(as_user, washington):
    client, _ = as_user("system_admin")
    response = client.post("/organizations/new", {**SPOKANE, "slug": "Not A Slug!", "type": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page and "Choose what the agency does." in page
    assert 'href="#id_type"' in page
    client.post("/organizations/new", SPOKANE)
    taken = client.post("/organizations/new", {**SPOKANE, "name": "Another"})
    assert taken.status_code == 409 and "already taken" in taken.content.decode()
    wrong = client.post("/organizations/new", {**SPOKANE, "slug": "x", "county": "nevada/clark"})
    assert wrong.status_code == 400 and "Choose one of the listed counties." in (
        wrong.content.decode()
    )


def test_the_service_refuses_anyone_but_a_system_administrator(make_user):
    coordinator = make_user("coordinator")
    with pytest.raises(Forbidden):
        services.create_organization(actor=coordinator, slug="x", name="X", type="law_enforcement")

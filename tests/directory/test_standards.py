"""Provider standards: the provider's own staff submit the pack's self-assessment (Nevada's 3-D,
Wisconsin's resource inventory); the stewards review it; the review sets the vetting every
service of the provider shows; others get 404; bad input names the field."""

from __future__ import annotations

import pytest

from harborline.directory import services, standards
from harborline.directory.models import Provider, Service
from harborline.errors import InvalidInput, NotFound
from harborline.people.roles import OrgType
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    services.save_rows(
        [
            ("organization", {"id": "o1", "name": "Harbor Shelter", "description": "x"}),
            ("service", {"id": "s1", "organization_id": "o1", "name": "Bed", "status": "active"}),
            (
                "service",
                {"id": "s2", "organization_id": "o1", "name": "Drop-in", "status": "active"},
            ),
        ]
    )
    org = OrganizationFactory(slug="harbor-shelter", type=OrgType.SERVICE_PROVIDER)
    Provider.objects.filter(hsds_id="o1").update(organization=org)
    return {
        "provider": Provider.objects.get(hsds_id="o1"),
        "staff": UserFactory(role="org_admin", org=org),
        "other": UserFactory(role="org_admin"),
        "steward": UserFactory(role="coordinator"),
    }


@pytest.mark.parametrize(
    ("pack", "instrument"), [("nevada", "provider_standards"), ("wisconsin", "resource_inventory")]
)
def test_each_pack_has_its_standards(pack, instrument):
    assert standards.instrument_for(pack) == instrument


def _vetting():
    return set(Service.objects.values_list("vetting", flat=True))


def test_submit_review_and_the_vetting_every_service_shows(world):
    provider = world["provider"]
    assert standards.due_again(provider)
    assessment = standards.submit(
        actor=world["staff"],
        provider_id=provider.pk,
        pack="nevada",
        answers={},
        evidence="Policies binder, 2026 edition",
    )
    assert _vetting() == {"in_review"}
    with pytest.raises(InvalidInput) as refused:
        standards.review(actor=world["steward"], assessment_id=assessment.pk, outcome="not_met")
    assert refused.value.errors[0].field == "note"
    standards.review(actor=world["steward"], assessment_id=assessment.pk, outcome="vetted")
    assert _vetting() == {"vetted"}
    assert not standards.due_again(provider)


def test_only_the_providers_staff_submit_and_only_stewards_review(world):
    provider = world["provider"]
    with pytest.raises(NotFound):
        standards.submit(actor=world["other"], provider_id=provider.pk, pack="nevada", answers={})
    assessment = standards.submit(
        actor=world["staff"], provider_id=provider.pk, pack="nevada", answers={}
    )
    with pytest.raises(NotFound):
        standards.review(actor=world["staff"], assessment_id=assessment.pk, outcome="vetted")


@pytest.mark.usefixtures("nevada_home")  # Nevada's provider standards (Resource 3-D)
def test_the_pages(client, world, settings):
    from tests.factories import give_totp_device, sign_in

    settings.DEMO_MODE = False
    for who in ("staff", "steward", "other"):
        give_totp_device(world[who])
    provider = world["provider"]
    sign_in(client, world["other"])
    assert client.get(f"/directory/providers/{provider.pk}/assess").status_code == 404
    sign_in(client, world["staff"])
    page = client.get(f"/directory/providers/{provider.pk}/").content.decode()
    assert "Complete the self-assessment" in page and "in the last year" in page
    form = client.get(f"/directory/providers/{provider.pk}/assess")
    assert (
        form.status_code == 200 and "Standards for CSEC Service Providers" in form.content.decode()
    )
    r = client.post(f"/directory/providers/{provider.pk}/assess", {"evidence": "Binder"})
    assert r.status_code == 302, r.content.decode()[:2000]
    sign_in(client, world["steward"])
    assessment = provider.assessments.get()
    r = client.post(
        f"/directory/providers/{provider.pk}/assessments/{assessment.pk}/review",
        {"outcome": "vetted"},
    )
    assert r.status_code == 302
    assert _vetting() == {"vetted"}

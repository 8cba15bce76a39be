"""Referral pages: find services for a need on a case (ranked with reasons), refer, the
receiver accepts and completes on the referral page, the referrer sees the outcome; an action
the state does not allow answers 409 with the page; another organization gets 404."""

from __future__ import annotations

import pytest

from harborline.directory import extensions as ext
from harborline.directory import services
from harborline.directory.models import Provider, Referral, Service
from tests.cases.conftest import Api, make_org, make_user, open_case  # noqa: F401
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_org, make_user, settings):  # noqa: F811
    settings.DEMO_MODE = False
    services.ensure_taxonomies()
    services.save_rows(
        [
            ("organization", {"id": "o1", "name": "Harbor Shelter", "description": "x"}),
            (
                "service",
                {"id": "s1", "organization_id": "o1", "name": "Shelter bed", "status": "active"},
            ),
            (
                "attribute",
                {
                    "id": "a1",
                    "link_id": "s1",
                    "link_entity": "service",
                    "taxonomy_term_id": ext.term_id(
                        "nevada.holistic_service_network", "crisis_response"
                    ),
                },
            ),
        ]
    )
    owner_org, shelter_org = make_org("child_welfare"), make_org("service_provider")
    Provider.objects.filter(hsds_id="o1").update(organization=shelter_org)
    worker, receiver, outsider = make_user(owner_org), make_user(shelter_org), make_user(make_org())
    for u in (worker, receiver, outsider):
        give_totp_device(u)
    return {
        "worker": worker,
        "receiver": receiver,
        "outsider": outsider,
        "case": open_case(Api(worker)),
        "service": Service.objects.get(hsds_id="s1"),
    }


def test_find_refer_accept_complete(client, world):
    case, service = world["case"], world["service"]
    sign_in(client, world["worker"])
    page = client.get(f"/cases/{case}/referrals/?need=crisis_response").content.decode()
    assert "Shelter bed" in page and "capacity not confirmed" in page
    r = client.post(
        f"/cases/{case}/referrals/to/{service.pk}",
        {
            "needs": "crisis_response",
            "compartments": ["identity"],
            "basis_type": "court_order",
            "basis_reference": "JV-9",
            "warm_handoff": "Sam (mentor-advocate)",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    referral = Referral.objects.get()
    sign_in(client, world["receiver"])
    assert "Shelter bed" in client.get("/referrals/").content.decode()
    for action in ("accept", "start", "complete"):
        r = client.post(
            f"/referrals/{referral.pk}/{action}",
            {"version": Referral.objects.get().version, "outcome": "Settled in"},
        )
        assert r.status_code == 302, (action, r.content.decode()[:1500])
    again = client.post(f"/referrals/{referral.pk}/accept", {"version": referral.version + 3})
    assert again.status_code == 409
    sign_in(client, world["worker"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Completed" in page and "Settled in" in page


def test_another_organization_gets_404(client, world):
    sign_in(client, world["outsider"])
    assert client.get(f"/cases/{world['case']}/referrals/").status_code == 404
    referral_page = client.get("/referrals/999/")
    assert referral_page.status_code == 404

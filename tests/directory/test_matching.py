"""GET /api/v1/cases/{id}/service-matches?need=…: services of that category, best first, each
with its reasons in plain words; ineligible ages and genders and prevention-only programs are
left out; another organization gets the same 404 as for the case."""

from __future__ import annotations

import pytest

from harborline.directory import extensions as ext
from harborline.directory import services
from harborline.directory.models import Service
from harborline.people.models import Organization
from harborline.protocols.models import County
from tests.cases.conftest import Api, make_org, make_user  # noqa: F401

pytestmark = pytest.mark.django_db
TAX = "nevada.holistic_service_network"


def _service(sid, name, *, lo=None, hi=None, terms=("mental_health",)):
    row = {"id": sid, "organization_id": "o1", "name": name, "status": "active"}
    if lo is not None:
        row["minimum_age"] = lo
    if hi is not None:
        row["maximum_age"] = hi
    rows = [("service", row)]
    for code in terms:
        tax = ext.HARBORLINE if code in ("prevention", "intervention") else TAX
        rows.append(
            (
                "attribute",
                {
                    "id": f"a-{sid}-{code}",
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": ext.term_id(tax, code),
                },
            )
        )
    return rows


@pytest.fixture
def world(make_org, make_user):  # noqa: F811
    services.ensure_taxonomies()
    rows = [("organization", {"id": "o1", "name": "Harbor Health", "description": "x"})]
    rows += _service("teen", "Teen therapy", lo=12, hi=17)
    rows += _service("adult", "Adult therapy", lo=18, hi=99)
    rows += _service("open", "Walk-in counseling")
    rows += _service("prev", "Prevention group", terms=("mental_health", "prevention"))
    rows += _service("dental", "Dental care", terms=("physical_health",))
    services.save_rows(rows)
    Service.objects.filter(hsds_id="open").update(
        capacity="open", always_open=True, languages=["es"]
    )
    Service.objects.filter(hsds_id="teen").update(capacity="full", genders=["male"])
    owner_org = make_org("child_welfare")
    county = County.objects.first()
    Organization.objects.filter(pk=owner_org.pk).update(county=county)
    owner = Api(make_user(owner_org))
    r = owner.post(
        "/cases",
        {
            "youth": {
                "first_name": "Ana",
                "last_name": "Reyes",
                "dob": "2011-05-01",
                "gender": "girl",
            }
        },
    )
    return {"owner": owner, "case": r.json()["id"], "other": Api(make_user(make_org()))}


def test_ranked_with_reasons_and_the_ineligible_left_out(world):
    r = world["owner"].get(
        f"/cases/{world['case']}/service-matches?need=mental_health&language=es&urgent=true"
    )
    assert r.status_code == 200, r.content
    names = [m["name"] for m in r.json()]
    # Adult therapy: wrong age; Teen therapy: boys only; the prevention group: never for a
    # youth with a history of exploitation; dental care: another need.
    assert names == ["Walk-in counseling"]
    reasons = r.json()[0]["reasons"]
    assert "has space" in reasons and "Spanish" in reasons and "open 24/7" in reasons


def test_a_need_is_required_and_another_org_gets_404(world):
    r = world["owner"].get(f"/cases/{world['case']}/service-matches?need=")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "need"
    assert (
        world["other"].get(f"/cases/{world['case']}/service-matches?need=mental_health").status_code
        == 404
    )

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


def _place(sid, loc, *, lat=None, lon=None, postal="", confidential=False):
    """A location for service `sid`: HSDS coordinates, or an address with a ZIP code only."""
    location = {"id": loc, "organization_id": "o1", "location_type": "physical"}
    if lat is not None:
        location.update(latitude=lat, longitude=lon)
    rows = [
        ("location", location),
        ("service_at_location", {"id": f"sal-{loc}", "service_id": sid, "location_id": loc}),
    ]
    if postal:
        rows.append(
            (
                "address",
                {
                    "id": f"addr-{loc}",
                    "location_id": loc,
                    "address_1": "1 Synthetic Way",
                    "city": "Reno",
                    "region": "NV",
                    "state_province": "NV",
                    "postal_code": postal,
                    "country": "US",
                    "address_type": "physical",
                },
            )
        )
    if confidential:
        rows.append(
            (
                "attribute",
                {
                    "id": f"conf-{loc}",
                    "link_id": loc,
                    "link_entity": "location",
                    "taxonomy_term_id": ext.term_id(ext.HARBORLINE, "confidential_site"),
                    "value": "true",
                },
            )
        )
    return rows


def test_near_a_zip_code_ranks_by_miles_and_never_tells_a_confidential_sites_distance(world):
    rows = _service("far", "Las Vegas counseling") + _service("safe", "Safe house counseling")
    rows += _place("open", "reno", postal="89501")  # central Reno: its ZIP code's centre
    rows += _place("far", "vegas", lat=36.1721, lon=-115.1224)  # about 340 miles away
    rows += _place("safe", "shelter", lat=39.53, lon=-119.81, confidential=True)
    services.save_rows(rows)
    r = world["owner"].get(f"/cases/{world['case']}/service-matches?need=mental_health&near=89502")
    assert r.status_code == 200, r.content
    reasons = {m["name"]: m["reasons"] for m in r.json()}
    near = [x for x in reasons["Walk-in counseling"] if x.endswith("away")]
    assert near and int(near[0].split()[0]) <= 5, reasons
    far = [x for x in reasons["Las Vegas counseling"] if x.endswith("away")]
    assert far and 330 < int(far[0].split()[0]) < 350, reasons
    assert "distance not shown (confidential site)" in reasons["Safe house counseling"]
    assert not any("mile" in x for x in reasons["Safe house counseling"])
    names = [m["name"] for m in r.json()]
    assert names.index("Walk-in counseling") < names.index("Las Vegas counseling")
    bad = world["owner"].get(
        f"/cases/{world['case']}/service-matches?need=mental_health&near=ABCDE"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "near"


def test_miles_between_two_places():
    from harborline.directory import geo

    reno, vegas = geo.zip_centre("89501"), geo.zip_centre("89101")
    assert reno is not None and vegas is not None
    assert 335 < geo.miles(reno, vegas) < 350
    assert geo.zip_centre("00000") is None and geo.zip_centre("8950") is None
    assert geo.zip_centre("89501-1234") == reno


def test_a_zip_code_not_in_the_data_ranks_without_distance(world):
    r = world["owner"].get(f"/cases/{world['case']}/service-matches?need=mental_health&near=00000")
    assert r.status_code == 200
    assert all("distance not known (ZIP code 00000 not found)" in m["reasons"] for m in r.json())

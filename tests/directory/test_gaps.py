"""GET /api/v1/directory/gaps?county=: supply per category from the directory, demand from
referrals with counts under 5 suppressed; only the roles that plan services read it."""

from __future__ import annotations

import pytest

from harborline.directory import extensions as ext
from harborline.directory import referrals, services
from harborline.directory.models import Service
from harborline.people.models import Organization
from harborline.protocols.geography import load_geography
from harborline.protocols.models import County
from tests.cases.conftest import Api, make_org, make_user  # noqa: F401

pytestmark = pytest.mark.django_db
TAX = "nevada.holistic_service_network"
COURT = {"basis_type": "court_order", "basis_reference": "JV-1"}


def directory_rows(county: County, service_ids: tuple[str, ...]) -> list[tuple[str, dict]]:
    """One provider with one location in `county` offering a mental-health service per id
    (the browser test of the response plan builds the same)."""
    rows = [
        ("organization", {"id": "o1", "name": "Harbor Health", "description": "x"}),
        ("location", {"id": "l1", "organization_id": "o1", "location_type": "physical"}),
        (
            "attribute",
            {
                "id": "c1",
                "link_id": "l1",
                "link_entity": "location",
                "taxonomy_term_id": ext.term_id(ext.HARBORLINE, "county"),
                "value": county.qualified,
            },
        ),
    ]
    for sid in service_ids:
        rows += [
            ("service", {"id": sid, "organization_id": "o1", "name": sid, "status": "active"}),
            ("service_at_location", {"id": f"sal-{sid}", "service_id": sid, "location_id": "l1"}),
            (
                "attribute",
                {
                    "id": f"a-{sid}",
                    "link_id": sid,
                    "link_entity": "service",
                    "taxonomy_term_id": ext.term_id(TAX, "mental_health"),
                },
            ),
        ]
    return rows


@pytest.fixture
def world(make_org, make_user):  # noqa: F811
    load_geography("nevada")
    services.ensure_taxonomies()
    county = County.objects.get(pack="nevada", slug="washoe")
    services.save_rows(directory_rows(county, ("s1", "s2")))
    Service.objects.filter(hsds_id="s1").update(capacity="open", always_open=True)
    owner_org = make_org("child_welfare")
    Organization.objects.filter(pk=owner_org.pk).update(county=county)
    worker = make_user(owner_org)
    case_ids = [
        Api(worker)
        .post("/cases", {"youth": {"first_name": f"A{i}", "last_name": "B", "dob": "2011-01-01"}})
        .json()["id"]
        for i in range(6)
    ]
    return {
        "county": county,
        "worker": worker,
        "cases": case_ids,
        "analyst": Api(make_user(owner_org, role="analyst")),
        "caseworker": Api(worker),
    }


def _refer(world, n):
    for case_id in world["cases"][:n]:
        referrals.create_referral(
            actor=world["worker"],
            case_id=case_id,
            service="s1",
            needs=["mental_health"],
            compartments=["identity"],
            **COURT,
        )


def _mental_health(world):
    r = world["analyst"].get(f"/directory/gaps?county={world['county'].qualified}")
    assert r.status_code == 200, r.content
    return next(c for c in r.json()["categories"] if c["category"] == "mental_health")


def test_supply_and_suppressed_demand(world):
    _refer(world, 3)
    row = _mental_health(world)
    assert (row["services"], row["with_space"], row["always_open"]) == (2, 1, 1)
    assert row["referrals"] == {"value": None, "suppressed": True}


def test_demand_shown_from_five(world):
    _refer(world, 5)
    assert _mental_health(world)["referrals"] == {"value": 5, "suppressed": False}


def test_only_planning_roles_and_a_real_county(world):
    assert (
        world["caseworker"].get(f"/directory/gaps?county={world['county'].qualified}").status_code
        == 404
    )
    r = world["analyst"].get("/directory/gaps?county=atlantis")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "county"


def _pdf_text(body: bytes) -> str:
    """The text of an fpdf2 PDF (its page streams are deflated)."""
    import re
    import zlib

    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            text.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            text.append(stream.decode("latin-1"))
    return "".join(text)


def test_the_response_plan_page_and_pdf(client, world):
    from tests.factories import sign_in

    _refer(world, 3)
    sign_in(client, world["analyst"].user)
    url = f"/directory/gaps/?county={world['county'].qualified}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Gaps in services: Washoe County</h1>" in html or "Gaps in services: Washoe" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'id="gaps-table"' in html
    row = html[html.index("Mental health") : html.index("</tr>", html.index("Mental health"))]
    assert "fewer than 5" in row  # three referrals: suppressed on the page as in the API
    assert ">3<" not in row
    listing = client.get("/directory/").content.decode()
    assert "Gaps in services by county" in listing
    pdf = client.get(url + "&format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = _pdf_text(pdf.content)
    assert "Where services fall short" in text or "Where services fall short" in pdf.content.decode(
        "latin-1"
    )
    assert "fewer than 5" in text


def test_the_response_plan_is_not_for_caseworkers(client, world):
    from tests.factories import give_totp_device, sign_in

    give_totp_device(world["worker"])
    sign_in(client, world["worker"])
    assert client.get(f"/directory/gaps/?county={world['county'].qualified}").status_code == 404
    assert "Gaps in services by county" not in client.get("/directory/").content.decode()


def test_what_falls_short_in_words():
    from harborline.directory.gap_report import plan, shortfalls
    from harborline.directory.gaps import CategoryGap, Figure

    none = CategoryGap("a", "Housing", 0, 0, 0, 0, Figure(None, True), Figure(0), None)
    full = CategoryGap("b", "Crisis", 2, 0, 1, 0, Figure(7), Figure(5), 4.5)
    fine = CategoryGap("c", "Legal", 3, 1, 0, 2, Figure(0), Figure(0), None)
    assert shortfalls(none) == ["no service offered in the county"]
    assert shortfalls(full) == [
        "no service with space now",
        "no vetted provider",
        "referrals declined: 5",
        "a median 4.5 days to acceptance",
    ]
    assert shortfalls(fine) == []
    assert [label for label, _ in plan([fine, full, none])] == ["Housing", "Crisis"]

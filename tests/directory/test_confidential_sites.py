"""A confidential site's address appears in no export, no HSDS endpoint, no search result and no
page for anyone but the members of the organization that runs it (directory.selectors's rule),
checked as a table: viewer × surface -> does the address show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harborline.directory import extensions as ext
from harborline.directory import services
from harborline.directory.models import Location, Provider, Service
from harborline.people.roles import OrgType
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db

STREET = "ZZ-77 Hidden Lane"
LATITUDE = 39.876543
PUBLIC_STREET = "ZZ-12 Open Street"


def _rows() -> list[tuple[str, dict]]:
    org = {"id": "o-shelter", "name": "Safe Harbor Shelter", "description": "Youth shelter"}
    services_ = [
        {
            "id": "s-shelter",
            "organization_id": "o-shelter",
            "name": "Emergency shelter bed",
            "status": "active",
            "description": "Beds for youth 12-17",
        },
        {
            "id": "s-clinic",
            "organization_id": "o-shelter",
            "name": "Drop-in clinic",
            "status": "active",
            "description": "Walk-in health care",
        },
    ]
    locations = [
        {
            "id": "l-secret",
            "organization_id": "o-shelter",
            "location_type": "physical",
            "name": "Shelter house",
            "latitude": LATITUDE,
            "longitude": -119.81,
        },
        {
            "id": "l-open",
            "organization_id": "o-shelter",
            "location_type": "physical",
            "name": "Clinic",
        },
    ]
    addresses = [
        {
            "id": "a-secret",
            "location_id": "l-secret",
            "address_1": STREET,
            "city": "Reno",
            "state_province": "NV",
            "postal_code": "89501",
            "country": "US",
            "address_type": "physical",
        },
        {
            "id": "a-open",
            "location_id": "l-open",
            "address_1": PUBLIC_STREET,
            "city": "Reno",
            "state_province": "NV",
            "postal_code": "89502",
            "country": "US",
            "address_type": "physical",
        },
    ]
    sal = [
        {"id": "sal-1", "service_id": "s-shelter", "location_id": "l-secret"},
        {"id": "sal-2", "service_id": "s-clinic", "location_id": "l-open"},
    ]
    flag = {
        "id": "attr-1",
        "link_id": "l-secret",
        "link_entity": "location",
        "taxonomy_term_id": ext.term_id(ext.HARBORLINE, "confidential_site"),
        "value": "true",
    }
    rows = [("organization", org), ("attribute", flag)]
    rows += [("service", s) for s in services_] + [("location", x) for x in locations]
    rows += [("address", a) for a in addresses] + [("service_at_location", x) for x in sal]
    return rows


@pytest.fixture
def world(settings):
    settings.DEMO_MODE = False
    services.ensure_taxonomies()
    services.save_rows(_rows())
    shelter_org = OrganizationFactory(slug="safe-harbor", type=OrgType.SERVICE_PROVIDER)
    Provider.objects.filter(hsds_id="o-shelter").update(organization=shelter_org)
    police = OrganizationFactory(slug="reno-pd", type=OrgType.LAW_ENFORCEMENT)
    people = {
        "shelter caseworker": UserFactory(role="caseworker", org=shelter_org),
        "shelter admin": UserFactory(role="org_admin", org=shelter_org),
        "police caseworker": UserFactory(role="caseworker", org=police),
        "coordinator": UserFactory(role="coordinator"),
        "system admin": UserFactory(role="system_admin", org=police),
    }
    for user in people.values():
        give_totp_device(user)
    return people


# The oracle: who may see the confidential address, on any surface.
SEES = {"shelter caseworker", "shelter admin"}
VIEWERS = [
    "shelter caseworker",
    "shelter admin",
    "police caseworker",
    "coordinator",
    "system admin",
    "directory token",
]


def _surfaces(client, viewer, world, tmp_path: Path) -> dict[str, str]:
    """Every surface of the directory as this viewer gets it, as text."""
    out: dict[str, str] = {}
    headers = {}
    if viewer == "directory token":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {services.create_token(name='211')[1]}"}
    else:
        sign_in(client, world[viewer])
    for path in [
        "services?full=true",
        "services/s-shelter",
        "organizations",
        "service_at_locations",
        "service_at_locations/sal-1",
        "taxonomy_terms",
    ]:
        r = client.get(f"/api/v1/hsds/{path}", **headers)
        assert r.status_code == 200, (path, r.status_code)
        out[f"api {path}"] = r.content.decode()
    if viewer != "directory token":
        shelter = Service.objects.get(hsds_id="s-shelter")
        for path in ["/directory/", "/directory/?q=shelter", f"/directory/services/{shelter.pk}/"]:
            r = client.get(path)
            assert r.status_code == 200, (path, r.status_code)
            out[f"page {path}"] = r.content.decode()
    return out


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_confidential_address_only_for_the_site_itself(client, world, tmp_path, viewer):
    for surface, text in _surfaces(client, viewer, world, tmp_path).items():
        shows = STREET in text or str(LATITUDE) in text
        expected = viewer in SEES and surface.startswith("page /directory/services/")
        assert shows is expected, (viewer, surface)
        if surface.startswith("page /directory/services/"):
            assert ("Confidential location" in text) is (viewer not in SEES)


def test_no_export_carries_it(tmp_path, world):
    services.export_package(tmp_path / "pkg")
    services.export_package(tmp_path / "all.json", fmt="json")
    texts = [p.read_text() for p in (tmp_path / "pkg").iterdir()]
    texts.append((tmp_path / "all.json").read_text())
    for text in texts:
        assert STREET not in text and str(LATITUDE) not in text
    assert any(PUBLIC_STREET in t for t in texts), "the public address is exported"
    # the flag travels, so another system also keeps the site confidential
    attributes = (tmp_path / "pkg" / "attributes.csv").read_text()
    assert "l-secret" in attributes and "confidential_site" in attributes


def test_the_address_is_encrypted_at_rest(world):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT data, hidden FROM directory_record WHERE hsds_id = 'a-secret'")
        data, hidden = cursor.fetchone()
    assert STREET not in str(data) and STREET not in str(hidden)
    assert Location.objects.get(hsds_id="l-secret").confidential


def test_reimporting_an_export_keeps_the_site_confidential(tmp_path, world):
    services.export_package(tmp_path / "pkg")
    report = services.import_package(tmp_path / "pkg")
    assert report.ok, [str(p) for p in report.refusals]
    assert Location.objects.get(hsds_id="l-secret").confidential
    assert json.dumps(services.export_rows()).count(STREET) == 0

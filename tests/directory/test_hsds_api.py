"""GET /api/v1/hsds/…: HSDS pages for signed-in users and directory tokens, 401 for anyone else,
the standard's pagination fields, and objects valid against the standard's schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from harborline.directory import hsds, services

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).parent / "data" / "hsds-examples"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


@pytest.fixture
def directory():
    services.ensure_taxonomies()
    assert services.import_package(EXAMPLES / "service_full.json").ok


@pytest.fixture
def key(directory):
    return services.create_token(name="County 211")[1]


def _get(client, path, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.get(f"/api/v1/hsds/{path}", **headers)


def test_no_key_is_401_and_a_revoked_key_too(client, directory):
    assert _get(client, "services").status_code == 401
    token, raw = services.create_token(name="old")
    token.revoked_at = token.created_at
    token.save()
    assert _get(client, "services", raw).status_code == 401


def test_services_page_has_the_standards_fields(client, key):
    body = _get(client, "services", key).json()
    assert {k: body[k] for k in ("total_items", "total_pages", "page_number", "size")} == {
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
    }
    assert body["first_page"] and body["last_page"] and not body["empty"]
    assert body["contents"][0]["id"] == SERVICE_ID
    assert hsds.check("service", body["contents"][0]) == []
    assert _get(client, "services?search=counselling", key).json()["total_items"] == 1
    assert _get(client, "services?search=dentist", key).json()["empty"] is True


def test_one_service_fully_nested_and_valid(client, key):
    body = _get(client, f"services/{SERVICE_ID}", key).json()
    assert body["organization"]["name"]
    assert body["service_at_locations"][0]["location"]["id"]
    assert hsds.check("service", body) == []
    assert _get(client, "services/nope", key).status_code == 404


@pytest.mark.parametrize(
    ("path", "table"),
    [
        ("organizations", "organization"),
        ("service_at_locations", "service_at_location"),
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
    ],
)
def test_every_list_is_a_page_of_valid_objects(client, key, path, table):
    body = _get(client, path, key).json()
    assert body["total_items"] >= 1
    for item in body["contents"]:
        assert hsds.check(table, item) == [], item
    one = _get(client, f"{path}/{body['contents'][0]['id']}", key)
    assert one.status_code == 200
    assert one.json()["id"] == body["contents"][0]["id"]


def test_a_users_api_token_reads_it_too(client, directory):
    from harborline.people.services import create_token
    from tests.factories import UserFactory

    user = UserFactory(role="caseworker")
    raw = create_token(actor=user, user=user, name="t")[1]
    assert _get(client, "services", raw).status_code == 200

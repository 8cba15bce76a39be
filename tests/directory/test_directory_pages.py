"""Directory pages: search by words, category, county and open now; a service's page; keeping
its facts (capacity confirmed now, by whom) only for those the rule allows, vetting only for the
directory's stewards; bad input names the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harborline.directory import extensions as ext
from harborline.directory import selectors, services
from harborline.directory.models import Provider, Service
from harborline.people.roles import OrgType
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db
MENTAL_HEALTH = ext.term_id("nevada.holistic_service_network", "mental_health")


@pytest.fixture
def world(settings):
    settings.DEMO_MODE = False
    services.ensure_taxonomies()
    rows = [
        ("organization", {"id": "o1", "name": "Harbor Counseling", "description": "Counseling"}),
        (
            "service",
            {
                "id": "s1",
                "organization_id": "o1",
                "name": "Youth counseling",
                "status": "active",
                "description": "Therapy for teens",
            },
        ),
        (
            "service",
            {
                "id": "s2",
                "organization_id": "o1",
                "name": "Night line",
                "status": "active",
                "description": "Phone support",
            },
        ),
        (
            "attribute",
            {
                "id": "a1",
                "link_id": "s1",
                "link_entity": "service",
                "taxonomy_term_id": MENTAL_HEALTH,
            },
        ),
        (
            "schedule",
            {
                "id": "sc1",
                "service_id": "s1",
                "freq": "WEEKLY",
                "byday": "MO,TU,WE",
                "opens_at": "09:00",
                "closes_at": "17:00",
            },
        ),
    ]
    services.save_rows(rows)
    org = OrganizationFactory(slug="harbor-counseling", type=OrgType.MENTAL_HEALTH)
    Provider.objects.filter(hsds_id="o1").update(organization=org)
    people = {
        "own": UserFactory(role="caseworker", org=org),
        "other": UserFactory(role="caseworker"),
        "coordinator": UserFactory(role="coordinator"),
    }
    for user in people.values():
        give_totp_device(user)
    return people


def _names(**filters):
    return [s.name for s in selectors.search(selectors.Filters(**filters), at=MONDAY_NOON)]


MONDAY_NOON = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)  # 12:00 in Los Angeles


def test_search_by_words_category_and_open_now(world):
    assert _names(text="therapy") == ["Youth counseling"]
    assert _names(category="mental_health") == ["Youth counseling"]
    assert _names(open_now=True) == ["Youth counseling"]
    Service.objects.filter(hsds_id="s2").update(always_open=True)
    assert _names(open_now=True) == ["Night line", "Youth counseling"]
    sunday = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    found = selectors.search(selectors.Filters(open_now=True), at=sunday)
    assert [s.name for s in found] == ["Night line"]


def test_the_search_page_and_a_service_page(client, world):
    sign_in(client, world["other"])
    r = client.get("/directory/?q=therapy")
    assert r.status_code == 200 and "Youth counseling" in r.content.decode()
    assert "Night line" not in r.content.decode()
    s1 = Service.objects.get(hsds_id="s1")
    page = client.get(f"/directory/services/{s1.pk}/").content.decode()
    assert "Harbor Counseling" in page and "Not verified in the last year" in page
    assert "Confirm capacity" not in page  # another organization does not keep it


@pytest.mark.parametrize(("who", "status"), [("own", 302), ("coordinator", 302), ("other", 404)])
def test_who_may_confirm_capacity(client, world, who, status):
    s1 = Service.objects.get(hsds_id="s1")
    sign_in(client, world[who])
    r = client.post(f"/directory/services/{s1.pk}/facts", {"capacity": "waitlist"})
    assert r.status_code == status
    s1.refresh_from_db()
    if status == 302:
        assert s1.capacity == "waitlist"
        assert s1.capacity_confirmed_by == world[who].email
        assert s1.capacity_confirmed_at is not None
    else:
        assert s1.capacity == "unknown"


def test_vetting_only_by_stewards_and_bad_input_names_the_field(client, world):
    s1 = Service.objects.get(hsds_id="s1")
    with pytest.raises(Exception, match="vetting"):
        services.update_service(
            actor=world["own"],
            service_id=s1.pk,
            capacity="open",
            always_open=False,
            genders=[],
            lgbtq_affirming=False,
            vetting="vetted",
        )
    sign_in(client, world["own"])
    r = client.post(f"/directory/services/{s1.pk}/facts", {"capacity": "sometimes"})
    assert r.status_code == 400
    assert "capacity" in r.content.decode()
    sign_in(client, world["coordinator"])
    r = client.post(f"/directory/services/{s1.pk}/facts", {"capacity": "open", "vetting": "vetted"})
    assert r.status_code == 302
    s1.refresh_from_db()
    assert s1.vetting == "vetted"


@pytest.mark.usefixtures("nevada_home")  # the home pack's hotlines: Nevada's 9-D
def test_hotlines_from_the_pack_with_verify_flags(client, world):
    sign_in(client, world["other"])
    page = client.get("/help/hotlines").content.decode()
    assert "National Human Trafficking Hotline" in page
    assert "Verify before use" in page


def test_import_from_the_web_previews_then_imports(client, world, tmp_path, settings):
    import io
    import zipfile
    from pathlib import Path

    from harborline.directory.models import Record

    settings.VAR_DIR = tmp_path
    examples = Path(__file__).parent / "data" / "hsds-examples" / "csv"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for f in examples.iterdir():
            archive.write(f, f"pkg/{f.name}")
    sign_in(client, world["other"])
    assert client.get("/directory/import").status_code == 404  # stewards only
    sign_in(client, world["coordinator"])
    before = Record.objects.count()
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "package.zip"
    page = client.post("/directory/import", {"file": upload})
    assert page.status_code == 200
    text = page.content.decode()
    assert "What would be imported" in text and "Community Counselling" not in text
    assert Record.objects.count() == before
    token = page.context["token"]
    done = client.post("/directory/import/confirm", {"token": token})
    assert "Imported" in done.content.decode()
    assert Service.objects.filter(name="Community Counselling").exists()
    bad = io.BytesIO(b"hello")
    bad.name = "notes.txt"
    refused = client.post("/directory/import", {"file": bad})
    assert refused.status_code == 400 and "zipped package" in refused.content.decode()

"""The training pages: catalogue, events with attendance and the survivor-speaker checklist,
a person's record, compliance views with exports, and roster imports (preview, row errors,
all-or-nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from harborline.training.models import TrainingEvent, TrainingRecord
from tests.factories import give_totp_device, sign_in

from .factories import org, person, taskforce, train, washington_geography

LAST_WEEK = (dt.date.today() - dt.timedelta(days=7)).isoformat()


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def signed_in(client, user):
    give_totp_device(user)
    return sign_in(client, user)


def test_catalogue_lists_the_packs_courses(client, db):
    signed_in(client, person(org("child_welfare")))
    page = client.get("/training/catalogue/nevada/").content.decode()
    assert "101B" in page and "CSEC Introductory Course – In Person" in page
    assert "csec" in client.get("/training/catalogue/washington/").content.decode().lower()
    assert client.get("/training/catalogue/atlantis/").status_code == 404


def test_training_overview_renders(client, db):
    signed_in(client, person(org("child_welfare"), role="supervisor"))
    response = client.get("/training/")
    assert response.status_code == 200
    assert "Create a training event" in response.content.decode()


def _create_event(client, **overrides):
    data = {
        "pack": "nevada",
        "course": "101B",
        "starts_on": LAST_WEEK,
        "format": "in_person",
        "hours": "6",
        "level": "basic",
        "trainers": "Synthetic Trainer",
        "location": "Room 1",
    }
    data.update(overrides)
    return client.post("/training/events/new", data)


def test_an_event_is_created_attendance_recorded_and_the_speaker_checklist_saved(client, db):
    agency = org("community_advocacy")
    organizer = person(agency, role="supervisor")
    worker = person(agency, email="worker@example.org")
    signed_in(client, organizer)
    response = _create_event(
        client,
        survivor_speaker="on",
        speaker_role="guest_speaker",
        speaker_name="Speaker Synthetic",
    )
    event = TrainingEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/training/events/{event.pk}/"
    page = client.get(f"/training/events/{event.pk}/").content.decode()
    assert "Speaker Synthetic" in page and "Preparing the survivor speaker" in page

    response = client.post(
        f"/training/events/{event.pk}/attendance",
        {"person": "worker@example.org", "completed": "on"},
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.get(person=worker).event == event

    response = client.post(
        f"/training/events/{event.pk}/checklist", {"version": "1", "step": ["vetted", "travel"]}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.speaker_checklist["vetted"] and event.speaker_checklist["travel"]
    assert not event.speaker_checklist["advocate"]


def test_the_speakers_name_is_hidden_from_everyone_but_the_organizer(client, db):
    agency = org("community_advocacy")
    organizer = person(agency, role="supervisor")
    colleague = person(agency, role="org_admin")
    signed_in(client, organizer)
    _create_event(
        client, survivor_speaker="on", speaker_role="co_trainer", speaker_name="Speaker Synthetic"
    )
    event = TrainingEvent.objects.get()
    client.logout()
    signed_in(client, colleague)
    page = client.get(f"/training/events/{event.pk}/").content.decode()
    assert "Speaker Synthetic" not in page and "name withheld" in page


def test_event_form_errors_sit_beside_their_fields(client, db):
    signed_in(client, person(org("child_welfare"), role="supervisor"))
    response = _create_event(client, course="999")
    assert response.status_code == 422
    assert "has no course" in response.content.decode()
    assert not TrainingEvent.objects.exists()


def test_attendance_of_an_unknown_person_shows_the_error(client, db):
    organizer = person(org("child_welfare"), role="supervisor")
    signed_in(client, organizer)
    _create_event(client)
    event = TrainingEvent.objects.get()
    response = client.post(
        f"/training/events/{event.pk}/attendance", {"person": "nobody@example.org"}
    )
    assert response.status_code == 422
    assert "whose training you may record" in response.content.decode()


def test_caseworkers_cannot_create_events_or_see_other_peoples_records(client, db):
    agency = org("child_welfare")
    worker = person(agency)
    other = person(agency)
    signed_in(client, worker)
    assert client.get("/training/events/new").status_code == 404
    assert client.get(f"/training/people/{other.pk}/").status_code == 404
    assert client.get(f"/training/people/{worker.pk}/").status_code == 200


def test_a_supervisor_records_a_course_on_a_persons_page(client, db):
    agency = org("child_welfare")
    supervisor = person(agency, role="supervisor")
    worker = person(agency)
    signed_in(client, supervisor)
    response = client.post(
        f"/training/people/{worker.pk}/",
        {
            "course": "300",
            "pack": "nevada",
            "level": "basic",
            "completed_on": LAST_WEEK,
            "hours": "1.5",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/training/people/{worker.pk}/").content.decode()
    assert "1.5 hours" in page, page[page.find('id="hours"') :][:300]


def test_agency_compliance_page_and_exports(client, db):
    _, county = washington_geography()
    police = org("law_enforcement", county=county, name="Harbor Police (synthetic)")
    admin = person(police, role="org_admin")
    train(person(police), course="CSEC-101", pack="washington", level="in_depth")
    signed_in(client, admin)
    page = client.get(
        f"/training/compliance/agency/{police.slug}/?pack=washington"
    ).content.decode()
    assert "1 more officer with in-depth training" in page

    csv_response = client.get(
        f"/training/compliance/agency/{police.slug}/?pack=washington&format=csv"
    )
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["requirement"] == "law_enforcement_in_depth")
    assert (row["required"], row["actual"], row["met"]) == ("2", "1", "no")

    xlsx = client.get(f"/training/compliance/agency/{police.slug}/?pack=washington&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["requirement", "scope", "subject"]


def test_compliance_pages_are_404_for_people_who_may_not_see_them(client, db):
    police = org("law_enforcement")
    tf = taskforce("washington", police)
    worker = person(police)
    signed_in(client, worker)
    assert client.get(f"/training/compliance/agency/{police.slug}/").status_code == 404
    assert client.get(f"/training/compliance/taskforce/{tf.pk}/").status_code == 404
    region, county = washington_geography()
    assert client.get(f"/training/compliance/county/{county.pk}/").status_code == 404
    assert client.get(f"/training/compliance/region/{region.pk}/").status_code == 404


def test_county_and_region_compliance_for_a_coordinator(client, db):
    region, county = washington_geography()
    defenders = org("public_defender", county=county)
    coordinator = person(org("task_force"), role="coordinator")
    signed_in(client, coordinator)
    page = client.get(f"/training/compliance/county/{county.pk}/").content.decode()
    assert "1 more public defender with in-depth training" in page
    page = client.get(f"/training/compliance/region/{region.pk}/").content.decode()
    assert "4 more social workers with in-depth training" in page
    del defenders


def test_taskforce_compliance_page(client, db):
    police = org("law_enforcement", name="Harbor Police (synthetic)")
    coordinator = person(org("task_force"), role="coordinator")
    tf = taskforce("washington", police, coordinator=coordinator, name="Harbor Task Force")
    signed_in(client, coordinator)
    page = client.get(f"/training/compliance/taskforce/{tf.pk}/").content.decode()
    assert "Training compliance: Harbor Task Force" in page
    assert "Harbor Police (synthetic)" in page


def _upload(text, name="roster.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_previews_then_stores_every_row(client, db):
    agency = org("law_enforcement")
    admin = person(agency, role="org_admin")
    a, b = person(agency), person(agency)
    signed_in(client, admin)
    roster = (
        "email,course,level,completed_on,hours\n"
        f"{a.email},CSEC-101,in_depth,{LAST_WEEK},6\n"
        f"{b.email},CSEC-102,basic,{LAST_WEEK},2\n"
    )
    response = client.post("/training/import", {"intent": "preview", "file": _upload(roster)})
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()
    payload = response.context["payload"]
    response = client.post("/training/import", {"intent": "confirm", "payload": payload})
    assert response.status_code == 302
    assert TrainingRecord.objects.filter(source="import").count() == 2


def test_import_with_row_errors_shows_them_and_stores_nothing(client, db):
    agency = org("law_enforcement")
    admin = person(agency, role="org_admin")
    a = person(agency)
    signed_in(client, admin)
    roster = (
        "email,course,completed_on,hours\n"
        f"{a.email},CSEC-101,{LAST_WEEK},6\n"
        f"nobody@example.org,CSEC-101,{LAST_WEEK},x\n"
    )
    response = client.post("/training/import", {"intent": "preview", "file": _upload(roster)})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Row 3, email" in page and "Row 3, hours" in page
    assert "payload" not in response.context or not response.context.get("payload")
    assert not TrainingRecord.objects.exists()


def test_a_tampered_import_payload_is_refused(client, db):
    admin = person(org("law_enforcement"), role="org_admin")
    signed_in(client, admin)
    response = client.post(
        "/training/import", {"intent": "confirm", "payload": "forged"}, follow=True
    )
    assert "preview expired or was changed" in response.content.decode()
    assert not TrainingRecord.objects.exists()


def test_an_unsupported_file_is_refused_beside_the_field(client, db):
    signed_in(client, person(org("law_enforcement"), role="org_admin"))
    response = client.post(
        "/training/import", {"intent": "preview", "file": _upload("x", "roster.pdf")}
    )
    assert response.status_code == 422
    assert "Upload a .csv or .xlsx file." in response.content.decode()


def test_records_export_is_escaped_against_formulas(client, db):
    agency = org("law_enforcement")
    admin = person(agency, role="org_admin")
    worker = person(agency, full_name="=HYPERLINK(1)")
    train(worker, course="CSEC-101", pack="washington")
    signed_in(client, admin)
    content = client.get("/training/records/export?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content

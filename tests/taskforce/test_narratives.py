"""The written parts of the annual reports: who may write them, versions, what the report page
and the PDF show, and the form on the report page."""

from __future__ import annotations

import pytest

from harborline.audit.models import AuditEvent
from harborline.errors import Conflict, Forbidden, InvalidInput, NotFound
from harborline.reports import taskforce as reports
from harborline.taskforce import services
from harborline.taskforce.models import NARRATIVE_LIMIT, NARRATIVE_SECTIONS, ReportNarrative
from tests.factories import give_totp_device, sign_in

from .pdftext import pdf_text

PROGRESS = "Reno and Sparks adopted the protocol; 3 agencies trained 120 staff (synthetic)."
NEEDS = "No youth shelter bed north of Reno."
ADVICE = "Fund a second mentor-advocate."


def write(actor, tf, version=0, kind="nevada", year=2026, **sections):
    return services.save_report_narrative(
        actor=actor, taskforce=tf, kind=kind, year=year, version=version, sections=sections
    )


def fields(problem):
    return {e.field for e in problem.value.errors}


def test_coordinator_writes_and_chair_edits_with_versions(tf, coordinator, chair):
    first = write(coordinator, tf, progress=PROGRESS, service_needs=NEEDS)
    assert (first.version, first.progress, first.recommendations) == (1, PROGRESS, "")
    second = write(chair, tf, version=1, recommendations=ADVICE)
    assert second.pk == first.pk and second.version == 2
    assert (second.progress, second.recommendations) == (PROGRESS, ADVICE)  # others kept
    assert second.updated_by == chair
    assert ReportNarrative.objects.count() == 1


def test_a_stale_version_is_a_conflict_and_changes_nothing(tf, coordinator, chair):
    write(coordinator, tf, progress=PROGRESS)
    write(chair, tf, version=1, progress="The chair's words.")
    with pytest.raises(Conflict) as problem:
        write(coordinator, tf, version=1, progress="Mine.")
    assert "Someone else changed this" in problem.value.detail
    with pytest.raises(Conflict):  # "nobody has written it" when someone has
        write(coordinator, tf, version=0, progress="Mine.")
    assert ReportNarrative.objects.get().progress == "The chair's words."


@pytest.mark.parametrize(
    ("who", "error"), [("sysadmin", Forbidden), ("staff", Forbidden), ("outsider", NotFound)]
)
def test_only_the_coordinator_and_chair_write_it(request, tf, who, error):
    with pytest.raises(error):
        write(request.getfixturevalue(who), tf, progress="x")
    assert not ReportNarrative.objects.exists()


def test_bad_input_names_the_field(tf, coordinator):
    with pytest.raises(InvalidInput) as problem:
        write(coordinator, tf, kind="oregon", progress="x")
    assert fields(problem) == {"kind"}
    with pytest.raises(InvalidInput) as problem:
        write(coordinator, tf, activities="a Washington section")
    assert fields(problem) == {"activities"}
    with pytest.raises(InvalidInput) as problem:
        write(coordinator, tf, year=1999, progress="x")
    assert fields(problem) == {"year"}
    with pytest.raises(InvalidInput) as problem:
        write(coordinator, tf, progress="x" * (NARRATIVE_LIMIT + 1), recommendations="fine")
    assert fields(problem) == {"progress"}
    assert not ReportNarrative.objects.exists()


def test_the_audit_record_names_sections_never_the_text(tf, coordinator):
    narrative = write(coordinator, tf, progress=PROGRESS)
    event = AuditEvent.objects.get(
        object_type="taskforce.reportnarrative", object_id=str(narrative.pk)
    )
    assert event.detail["changed"] == ["progress"]
    assert PROGRESS not in str(event.detail)


def test_the_report_carries_the_narrative_of_its_kind_and_year(tf, coordinator):
    write(coordinator, tf, progress=PROGRESS, service_needs=NEEDS, recommendations=ADVICE)
    write(coordinator, tf, kind="washington", activities="Two trainings (synthetic).")
    report = reports.annual_report(actor=coordinator, taskforce=tf, kind="nevada", year=2026)
    assert [s.field for s, _ in report.narrative] == [s.field for s in NARRATIVE_SECTIONS["nevada"]]
    assert [text for _, text in report.narrative] == [PROGRESS, NEEDS, ADVICE]
    assert report.narrative_version == 1 and report.narrative_updated_by == "Casey Coordinator"
    earlier = reports.annual_report(actor=coordinator, taskforce=tf, kind="nevada", year=2025)
    assert [text for _, text in earlier.narrative] == ["", "", ""]
    assert earlier.narrative_version == 0
    washington = reports.annual_report(
        actor=coordinator, taskforce=tf, kind="washington", year=2026
    )
    assert washington.narrative[0][1] == "Two trainings (synthetic)."
    assert len(washington.narrative) == 4


def test_the_pdf_contains_the_narrative(tf, coordinator):
    write(
        coordinator,
        tf,
        progress=PROGRESS + "\n\nSecond paragraph (with parentheses) and a café.",
        recommendations=ADVICE,
    )
    report = reports.annual_report(actor=coordinator, taskforce=tf, kind="nevada", year=2026)
    text = pdf_text(reports.report_pdf(report))
    assert "Progress on the adapted protocol" in text
    assert PROGRESS in text
    assert "Second paragraph (with parentheses) and a café." in text
    assert "Service needs, new services and gaps Not written yet." in text
    assert ADVICE in text
    assert text.index(PROGRESS) < text.index("Membership and representation")


# --- The report page --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


def as_(client, user):
    give_totp_device(user)
    return sign_in(client, user)


def post(c, tf, version=0, kind="nevada", year="2026", **sections):
    return c.post(
        f"/taskforces/{tf.pk}/report/narrative",
        {"version": version, "kind": kind, "year": year, **sections},
    )


def test_coordinator_writes_the_narrative_on_the_report_page(client, tf, coordinator):
    c = as_(client, coordinator)
    page = c.get(f"/taskforces/{tf.pk}/report?kind=nevada&year=2026").content.decode()
    assert 'id="narrative-form"' in page and 'name="service_needs"' in page
    response = post(c, tf, progress=PROGRESS, service_needs=NEEDS, recommendations="")
    assert response.status_code == 302
    assert response["Location"] == f"/taskforces/{tf.pk}/report?kind=nevada&year=2026#r-narrative"
    page = c.get(response["Location"]).content.decode()
    assert "Narrative saved." in page
    assert PROGRESS in page  # in the form, ready to edit
    assert 'name="version" value="1"' in page
    assert "Last saved by Casey Coordinator" in page


def test_members_read_the_narrative_and_cannot_post(client, tf, coordinator, staff):
    write(coordinator, tf, progress=PROGRESS)
    c = as_(client, staff)
    page = c.get(f"/taskforces/{tf.pk}/report?kind=nevada&year=2026").content.decode()
    assert PROGRESS in page and "Not written yet." in page
    assert 'id="narrative-form"' not in page
    assert post(c, tf, progress="mine").status_code == 404
    assert ReportNarrative.objects.get().progress == PROGRESS


def test_errors_sit_beside_the_field(client, tf, coordinator):
    c = as_(client, coordinator)
    response = post(c, tf, progress="x" * (NARRATIVE_LIMIT + 1))
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_progress_error"' in page and "use at most 10,000 characters" in page
    assert page.count("<title>Error: ") == 1
    assert not ReportNarrative.objects.exists()


def test_a_stale_edit_says_someone_else_changed_it_and_keeps_the_text(
    client, tf, coordinator, chair
):
    write(chair, tf, progress="The chair's words.")
    c = as_(client, coordinator)
    response = post(c, tf, version=0, progress="My words.")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this" in page
    assert "The chair&#x27;s words." in page  # what is saved now
    assert "My words." in page  # what the person typed, still in the form
    assert 'name="version" value="1"' in page  # saving again is a deliberate choice
    assert ReportNarrative.objects.get().progress == "The chair's words."
    assert post(c, tf, version=1, progress="My words.").status_code == 302
    assert ReportNarrative.objects.get().progress == "My words."


def test_the_pdf_download_has_the_narrative(client, tf, coordinator):
    write(coordinator, tf, kind="washington", year=2025, requests="A regional trainer (synthetic).")
    c = as_(client, coordinator)
    response = c.get(f"/taskforces/{tf.pk}/report.pdf?kind=washington&year=2025")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Challenges and requests to the committee A regional trainer (synthetic)." in text


def test_a_tampered_kind_or_year_is_404_and_saves_nothing(client, tf, coordinator):
    c = as_(client, coordinator)
    assert post(c, tf, kind="oregon", progress="x").status_code == 404
    assert post(c, tf, year="next", progress="x").status_code == 404
    assert post(c, tf, year="1999", progress="x").status_code == 404
    assert not ReportNarrative.objects.exists()

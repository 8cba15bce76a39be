"""The Coalition's October 1 annual report carries the statistical center's statewide figures
exactly as the center released them (issue 16). Once the center has linked its agencies'
submissions (issue 17), they include the unduplicated count of youth and the note of how it was
reached, both as released; the report says "not unduplicated" only while no linking exists."""

from __future__ import annotations

import pytest
from django.test import Client

from harborline.reports import linking, statistical_center
from harborline.reports import taskforce as reports
from harborline.reports.models import CandidatePair
from harborline.taskforce.models import TaskForce
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in
from tests.taskforce.pdftext import pdf_text

from .center import AT_NEVADAS_CENTER, YEAR, Center, two_agencies

pytestmark = AT_NEVADAS_CENTER


@pytest.fixture
def world():
    center = Center.make()
    cw, le = two_agencies(center)  # seven records, six youth: Ana Reyes at both agencies
    cw.submit()
    le.submit()
    coordinator = f.user(f.org("task_force"), "coordinator")
    give_totp_device(coordinator)
    coalition = TaskForce.objects.create(
        name="Nevada Coalition", pack="nevada", coordinator=coordinator
    )
    return center, coordinator, coalition


def _annual(coordinator, coalition):
    # The state fiscal year July YEAR - June YEAR+1: the center's figures for YEAR.
    report = reports.annual_report(
        actor=coordinator, taskforce=coalition, kind="nevada", year=YEAR + 1
    )
    assert report.center_year == YEAR
    return report


def _page(coordinator, coalition) -> str:
    """The report page's section of the statistical center's figures (the task force's own
    figures from the cases, above it, are not unduplicated either way)."""
    client = sign_in(Client(), coordinator)
    response = client.get(f"/taskforces/{coalition.pk}/report?kind=nevada&year={YEAR + 1}")
    assert response.status_code == 200
    html = response.content.decode()
    return html.split('id="report-center"', 1)[1].split("</section>", 1)[0]


def test_without_a_linking_run_the_report_says_not_unduplicated(world):
    center, coordinator, coalition = world
    statistical_center.sac_report(center.analyst, year=YEAR)  # released without a linking
    report = _annual(coordinator, coalition)
    assert "center_youth_unduplicated" not in [t.table for t in report.center]
    assert statistical_center.unduplicated_note(report.center) is None
    assert "Not unduplicated" in reports.center_words(report)
    assert all(t.rules["unduplicated"] is False for t in report.center)
    html = _page(coordinator, coalition)
    assert "Not unduplicated" in html and "Unduplicated by same-youth linkage" not in html


def test_the_unduplicated_count_and_its_note_come_as_the_center_released_them(world):
    center, coordinator, coalition = world
    linking.link_new(center.analyst, lower=0.01, upper=0.5)
    released = statistical_center.sac_report(center.analyst, year=YEAR)
    as_released = {t.table: t for t in released.tables}["youth_unduplicated"]
    note = as_released.rules["note"]
    assert note.startswith("Unduplicated by same-youth linkage") and "0.5" in note

    report = _annual(coordinator, coalition)
    tables = {t.table: t for t in report.center}
    undup = tables["center_youth_unduplicated"]
    assert undup.grand_total == as_released.grand_total == 6  # seven records, six youth
    assert undup.cells == as_released.cells == [[None, None]]  # one youth at both: suppressed
    assert undup.rules["unduplicated"] is True and undup.rules["note"] == note
    assert "center_linkage_pairs" in tables
    assert statistical_center.unduplicated_note(report.center) == note
    words = reports.center_words(report)
    assert note in words and "Not unduplicated:" not in words

    html = _page(coordinator, coalition)
    assert 'id="data-center_youth_unduplicated"' in html
    assert "Unduplicated by same-youth linkage" in html and "Not unduplicated:" not in html
    text = " ".join(pdf_text(reports.report_pdf(report)).split())
    assert "Unduplicated by same-youth linkage" in text and "Not unduplicated:" not in text

    # A reviewer's later decision changes nothing in the annual report until the center
    # releases its report again: the report reads releases, it never recomputes.
    pair = CandidatePair.objects.get()
    linking.decide(center.analyst, pair.pk, "split", "The agency says these are two youth")
    again = {t.table: t for t in _annual(coordinator, coalition).center}
    assert again["center_youth_unduplicated"].grand_total == 6
    # The center's next release (seven youth now; a total one above the last release's is
    # withheld by the differencing check) is what the annual report then shows.
    later = {t.table: t for t in statistical_center.sac_report(center.analyst, year=YEAR).tables}
    again = {t.table: t for t in _annual(coordinator, coalition).center}
    shown = again["center_youth_unduplicated"]
    assert shown.rules["released_at"] != undup.rules["released_at"]
    assert shown.grand_total == later["youth_unduplicated"].grand_total
    assert shown.cells == later["youth_unduplicated"].cells

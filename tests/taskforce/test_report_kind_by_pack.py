"""The annual report a task force writes follows its pack (issue 15, item 2; decision 0031):
Nevada's task force reports to the Coalition, Washington's to the Statewide Coordinating
Committee, and a task force of a pack that names no such body (Wisconsin's guidelines, the county
protocol) writes its own calendar-year report, titled with its pack's name, never Nevada's."""

from __future__ import annotations

from datetime import date

import pytest

from harborline.reports import taskforce as reports
from harborline.taskforce import services
from harborline.taskforce.models import NARRATIVE_SECTIONS, ReportKind
from tests.factories import give_totp_device, sign_in

WISCONSIN_TITLE = (
    "Annual report of the task force (Wisconsin Coordinated Community Response to Sex "
    "Trafficking of Youth)"
)


def _taskforce(coordinator, pack):
    return services.create_taskforce(
        actor=coordinator, name=f"A {pack} task force", pack=pack, region=""
    )


@pytest.mark.parametrize(
    ("pack", "kind"),
    [
        ("nevada", "nevada"),
        ("washington", "washington"),
        ("wisconsin", "annual"),
        ("county-protocol", "annual"),
    ],
)
def test_the_default_report_follows_the_pack(coordinator, pack, kind):
    assert reports.default_kind(_taskforce(coordinator, pack)) == kind


def test_nevada_and_washington_keep_their_titles_and_periods(coordinator):
    nevada = reports.annual_report(actor=coordinator, taskforce=_taskforce(coordinator, "nevada"))
    assert nevada.title == "Annual report to the Nevada CSEC Coalition"
    washington = reports.annual_report(
        actor=coordinator, taskforce=_taskforce(coordinator, "washington")
    )
    assert washington.title == ("Annual report to the Washington Statewide Coordinating Committee")
    assert reports.period("nevada", 2026) == (
        date(2025, 7, 1),
        date(2026, 6, 30),
        date(2026, 10, 1),
    )
    assert reports.period("washington", 2026) == (date(2026, 1, 1), date(2026, 12, 31), None)


def test_a_wisconsin_task_force_writes_its_own_report(coordinator):
    report = reports.annual_report(
        actor=coordinator, taskforce=_taskforce(coordinator, "wisconsin"), year=2025
    )
    assert report.kind == ReportKind.ANNUAL
    assert report.title == WISCONSIN_TITLE
    assert "Nevada" not in report.title and "Coalition" not in report.title
    assert (report.start, report.end, report.due) == (date(2025, 1, 1), date(2025, 12, 31), None)
    assert [s.field for s, _ in report.narrative] == [
        s.field for s in NARRATIVE_SECTIONS[ReportKind.ANNUAL]
    ]
    assert "Nevada" not in reports.report_pdf(report).decode("latin-1")


def test_the_report_page_of_a_wisconsin_task_force_does_not_say_nevada(client, coordinator):
    tf = _taskforce(coordinator, "wisconsin")
    give_totp_device(coordinator)
    c = sign_in(client, coordinator)
    page = c.get(f"/taskforces/{tf.pk}/report").content.decode()
    assert WISCONSIN_TITLE in page
    assert "Nevada" not in page and "Coalition" not in page
    response = c.post(
        f"/taskforces/{tf.pk}/report/narrative",
        {"version": 0, "kind": "annual", "year": "2025", "progress": "Met monthly (synthetic)."},
    )
    assert response.status_code == 302
    assert "Met monthly (synthetic)." in c.get(response["Location"]).content.decode()

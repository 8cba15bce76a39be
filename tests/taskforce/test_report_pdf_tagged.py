"""The annual report's PDF (issue 13 item 9): tagged with what fpdf2 offers (language, title
shown by readers, a structure tree with the headings, a bookmark outline), representation as a
real table rather than ticked text boxes, and its state against the due date."""

from __future__ import annotations

import contextlib
import re
import zlib
from datetime import date, timedelta

import pytest

from harborline.reports import taskforce as reports
from tests.taskforce.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def _objects(pdf: bytes) -> bytes:
    """The PDF's objects with every compressed stream inflated, to look for dictionary keys."""
    out = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(stream.group(1)))
    return b"\n".join(out)


@pytest.fixture
def nevada_report(coordinator, tf):

    return reports.annual_report(actor=coordinator, taskforce=tf, kind="nevada")


def test_the_pdf_is_tagged_with_language_title_structure_and_outline(nevada_report):
    pdf = reports.report_pdf(nevada_report)
    raw = _objects(pdf)
    assert b"/MarkInfo" in raw and b"/Marked true" in raw
    assert b"/StructTreeRoot" in raw
    assert b"/Lang (en-US)" in raw
    assert b"/DisplayDocTitle true" in raw
    assert b"/Outlines" in raw
    for heading in (b"Membership and representation", b"Meetings and attendance", b"Gaps"):
        assert heading in raw


def test_representation_is_a_table_not_ticked_text_boxes(nevada_report):
    text = pdf_text(reports.report_pdf(nevada_report))
    assert "[x]" not in text and "[ ]" not in text
    assert "Category Represented Members" in text
    rows = nevada_report.representation.rows
    assert rows
    first = rows[0]
    assert f"{first.label} {'yes' if first.represented else 'no'} {first.members}" in text


def test_the_pdf_and_the_report_say_whether_it_is_past_due(nevada_report):
    due = nevada_report.due
    assert due is not None
    late = pdf_text(reports.report_pdf(nevada_report, today=due + timedelta(days=3)))
    assert f"Past due: it was due {due:%d %B %Y}, 3 day(s) ago." in late
    early = nevada_report.due_status(today=due - timedelta(days=10))
    assert early == f"Due {due:%d %B %Y} (in 10 day(s))."
    assert nevada_report.due_status(today=due) == f"Due today, {due:%d %B %Y}."


def test_a_report_without_a_due_date_says_nothing_of_it(coordinator, tf):
    report = reports.annual_report(actor=coordinator, taskforce=tf, kind="washington")
    assert report.due is None and report.due_status(today=date(2030, 1, 1)) == ""
    assert "Past due" not in pdf_text(reports.report_pdf(report))

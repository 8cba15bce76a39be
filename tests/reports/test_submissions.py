"""Submissions to the statistical center (issue 16, items 2-3, and the contract):
`POST /api/v1/submissions` → 201 awaiting approval; `POST /submissions/{id}/approve` → 200
submitted with its SHA-256; approving your own is refused; the log is immutable; submissions
stop while a breach is uncured past 30 days; the statistical center's analysts alone read what
was submitted, every read audited; its report is controlled and says it is not unduplicated."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from harborline.agreements import services as agreements
from harborline.agreements.models import DataSubmission
from harborline.audit.models import AuditEvent
from harborline.errors import Conflict
from harborline.reports import submissions
from harborline.reports.models import Submission
from harborline.response import services as response
from tests.access import factories as f
from tests.agreements.factories import make_dsa, system_admin
from tests.cases.conftest import Api

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def world():
    agency = f.org("child_welfare")
    worker = f.user(agency, "caseworker")
    for n in range(13):
        case = f.case(worker, notes=False)
        answers = {"cv_self_report": True} if n < 12 else {"hr_runaway": True}
        response.record_screening(
            actor=worker,
            case_id=case.pk,
            instrument="nrit",
            answers=answers,
            identified_by="child_welfare",
            identified_at=datetime(YEAR, 3, 1, 18, tzinfo=UTC),
        )
    dsa = make_dsa(agency)
    agreements.set_reporting_terms(
        actor=system_admin(), agreement=dsa, version=None, client_level=True
    )
    sac = next(p.organization for p in dsa.parties.all() if p.organization != agency)
    return {
        "dsa": dsa,
        "agency": agency,
        "worker": worker,
        "analyst": f.user(agency, "analyst"),
        "supervisor": f.user(agency, "supervisor"),
        "admin": f.user(agency, "org_admin"),
        "sac_analyst": f.user(sac, "analyst"),
        "sac_admin": f.user(sac, "org_admin"),
    }


def _prepare(world, who="analyst"):
    r = Api(world[who]).post("/submissions", {"agreement": world["dsa"].pk, "year": YEAR})
    assert r.status_code == 201, r.content
    return r.json()


def test_prepare_then_approve_sends_it_with_its_hash(world):
    made = _prepare(world)
    assert made["status"] == "awaiting_approval"
    assert made["row_count"] == 13
    assert made["parameters"]["screening_rule"] == "latest"
    assert made["parameters"]["threshold"] == 11
    r = Api(world["supervisor"]).post(f"/submissions/{made['id']}/approve")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "submitted"
    sub = Submission.objects.get(pk=made["id"])
    expected = hashlib.sha256(
        submissions.content(sub.client_file, sub.aggregate, sub.investigations)
    ).hexdigest()
    assert body["sha256"] == expected
    # The January 31 duty for the year is met.
    assert DataSubmission.objects.filter(agreement=world["dsa"], due_year=YEAR + 1).exists()


def test_approving_your_own_is_refused(world):
    made = _prepare(world, "supervisor")
    r = Api(world["supervisor"]).post(f"/submissions/{made['id']}/approve")
    assert r.status_code == 403, r.content
    assert Submission.objects.get(pk=made["id"]).status == "awaiting_approval"


def test_a_caseworker_neither_prepares_nor_approves(world):
    r = Api(world["worker"]).post("/submissions", {"agreement": world["dsa"].pk, "year": YEAR})
    assert r.status_code == 403
    made = _prepare(world)
    assert Api(world["worker"]).post(f"/submissions/{made['id']}/approve").status_code == 404
    assert Api(world["analyst"]).post(f"/submissions/{made['id']}/approve").status_code == 403


def test_one_submission_a_year_and_bad_input_names_the_field(world):
    _prepare(world)
    again = Api(world["admin"]).post("/submissions", {"agreement": world["dsa"].pk, "year": YEAR})
    assert again.status_code == 409
    bad = Api(world["admin"]).post("/submissions", {"agreement": world["dsa"].pk, "year": 1999})
    assert bad.status_code == 422 and "year" in f.problem_fields(bad)
    future = Api(world["admin"]).post(
        "/submissions", {"agreement": world["dsa"].pk, "year": YEAR + 5}
    )
    assert future.status_code == 422
    stranger = f.user(f.org("probation"), "supervisor")
    r = Api(stranger).post("/submissions", {"agreement": world["dsa"].pk, "year": YEAR})
    assert r.status_code == 404


def test_the_file_carries_the_agreements_variables_and_codes(world):
    made = _prepare(world)
    Api(world["supervisor"]).post(f"/submissions/{made['id']}/approve")
    r = Api(world["sac_analyst"]).get(f"/submissions/{made['id']}/file")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 13
    assert rows[0]["client_name"] == "Ana Reyes"  # critical: client-level carries it (3-A)
    assert {row["cv_self_report"] for row in rows} == {"1", "2"}
    assert "hist_sexual_victimization" in rows[0]  # recommended set
    assert AuditEvent.objects.filter(
        action="export", object_id=str(made["id"]), actor_id=world["sac_analyst"].pk
    ).exists()


def test_the_critical_set_carries_only_critical_variables(world):
    agreements.set_reporting_terms(
        actor=system_admin(), agreement=world["dsa"], version=None, variable_set="critical"
    )
    made = _prepare(world)
    assert "hist_sexual_victimization" not in made["parameters"]["variables"]
    assert "client_name" in made["parameters"]["variables"]


def test_child_welfare_adds_its_investigations(world):
    made = _prepare(world)
    body = Api(world["supervisor"]).get(f"/submissions/{made['id']}").json()
    assert body["investigations"]["opened"] == 13
    first = body["investigations"]["investigations"][0]
    assert set(first) >= {
        "date_of_incident",
        "jurisdiction",
        "report_to_law_enforcement",
        "screening_tool_completed",
        "service_referrals_made",
        "crossover",
    }


def test_the_statistical_center_reads_only_what_was_submitted(world):
    made = _prepare(world)
    sac = Api(world["sac_analyst"])
    assert sac.get(f"/submissions/{made['id']}").status_code == 404  # not yet sent
    Api(world["supervisor"]).post(f"/submissions/{made['id']}/approve")
    assert sac.get(f"/submissions/{made['id']}").status_code == 200
    assert Api(world["sac_admin"]).get(f"/submissions/{made['id']}").status_code == 404
    assert AuditEvent.objects.filter(
        object_id=str(made["id"]), actor_id=world["sac_analyst"].pk
    ).exists()


def test_the_log_is_immutable(world):
    made = _prepare(world)
    Api(world["supervisor"]).post(f"/submissions/{made['id']}/approve")
    sub = Submission.objects.get(pk=made["id"])
    sub.row_count = 1
    with pytest.raises(Conflict):
        sub.save()
    with pytest.raises(Conflict):
        sub.delete()
    again = Api(world["admin"]).post(f"/submissions/{made['id']}/approve")
    assert again.status_code == 409


def test_an_uncured_breach_past_30_days_stops_submissions(world):
    agreements.record_breach(
        actor=system_admin(),
        agreement=world["dsa"],
        reported_at=timezone.now() - timedelta(days=31),
        description="Synthetic: a report left on a shared drive",
    )
    r = Api(world["analyst"]).post("/submissions", {"agreement": world["dsa"].pk, "year": YEAR})
    assert r.status_code == 409, r.content
    assert "DSA-23" in r.json()["detail"]


def test_the_centers_report_is_controlled_and_not_unduplicated(world):
    made = _prepare(world)
    Api(world["supervisor"]).post(f"/submissions/{made['id']}/approve")
    r = Api(world["sac_analyst"]).get(f"/reports/statistical-center?year={YEAR}")
    assert r.status_code == 200, r.content
    body = r.json()
    table = next(t for t in body["tables"] if t["table"] == "youth_by_screening_result")
    assert table["rules"]["unduplicated"] is False
    assert table["rules"]["threshold"] == 11
    row = table["cells"][0]
    assert row[1] is None  # 1 high risk: suppressed
    assert row[0] is None  # 12 confirmed: suppressed too, or 13 - 12 would give the 1 away
    for cells, total in zip(table["cells"], table["row_totals"], strict=True):
        assert not (cells.count(None) == 1 and total is not None)
    published = [v for r_ in table["cells"] for v in r_ if v]
    assert all(v >= 11 for v in published)
    assert Api(world["analyst"]).get("/reports/statistical-center").status_code == 404


def test_reminders_go_out_30_and_7_days_before_january_31_once(world):
    at = datetime(YEAR + 1, 1, 2, 17, tzinfo=UTC)  # 29 days before
    assert submissions.send_submission_reminders(at=at) == 1
    assert submissions.send_submission_reminders(at=at) == 0
    assert "due" in mail.outbox[-1].subject
    assert world["supervisor"].email in mail.outbox[-1].to
    # A week before (the agreement ends 2027-01-19, so the year before's January 31).
    week_before = datetime(YEAR, 1, 25, 17, tzinfo=UTC)
    assert submissions.send_submission_reminders(at=week_before) == 1
    assert "2025 data due January 31, 2026" in mail.outbox[-1].subject

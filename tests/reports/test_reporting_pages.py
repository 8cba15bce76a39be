"""The code-book and submission pages (issue 16, items 1-3): a case's code book with hand
coding (a bad code names its field, 422, nothing saved), the organization's CSV, preparing,
approving (not your own) and refusing a submission, the client-level file, and the statistical
center's report — each only for whom the rules allow (404 otherwise)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from harborline.agreements import services as agreements
from harborline.reports.models import CaseCoding, Submission
from harborline.response import services as response
from tests.access import factories as f
from tests.agreements.factories import make_dsa, system_admin
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db
YEAR = 2026


def client_for(user):
    give_totp_device(user)
    return sign_in(Client(), user)


@pytest.fixture
def world():
    agency = f.org("child_welfare")
    worker = f.user(agency, "caseworker")
    cases = []
    for n in range(3):
        case = f.case(worker, notes=False)
        response.record_screening(
            actor=worker,
            case_id=case.pk,
            instrument="nrit",
            answers={"cv_self_report": True} if n else {"hr_hotels": True},
            identified_by="child_welfare",
            identified_at=datetime(YEAR, 3, 1, 18, tzinfo=UTC),
        )
        cases.append(case)
    dsa = make_dsa(agency)
    agreements.set_reporting_terms(
        actor=system_admin(), agreement=dsa, version=None, client_level=True
    )
    sac = next(p.organization for p in dsa.parties.all() if p.organization != agency)
    return {
        "case": cases[0],
        "dsa": dsa,
        "worker": worker,
        "analyst": f.user(agency, "analyst"),
        "supervisor": f.user(agency, "supervisor"),
        "sac_analyst": f.user(sac, "analyst"),
    }


def test_the_case_code_book_page_and_hand_coding(world):
    client = client_for(world["worker"])
    url = reverse("web:case_code_book", args=[world["case"].pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-status="') == 53
    assert "Nevada Rapid Indicator Tool (NRIT)" in html
    bad = client.post(url, {"race": "9", "zip_code": "89501"})
    assert bad.status_code == 400  # the browser sent a code the select does not offer
    assert not CaseCoding.objects.exists()
    wrong_date = client.post(url, {"medical_assessment_date": "13/45/2026", "zip_code": "89501"})
    assert wrong_date.status_code == 422
    assert "MM/DD/YYYY" in wrong_date.content.decode()
    assert not CaseCoding.objects.exists()
    good = client.post(url, {"race": "2", "zip_code": "89501"})
    assert good.status_code == 302
    assert CaseCoding.objects.get(case=world["case"]).answers == {"race": 2, "zip_code": "89501"}
    assert "African American" in client.get(url).content.decode()


def test_a_stranger_gets_not_found_for_the_code_book(world):
    stranger = client_for(f.user(f.org("medical"), "caseworker"))
    url = reverse("web:case_code_book", args=[world["case"].pk])
    assert stranger.get(url).status_code == 404


def test_the_organizations_code_book_csv(world):
    client = client_for(world["worker"])
    r = client.get(reverse("web:code_book_csv") + f"?year={YEAR}")
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert {row["cv_self_report"] for row in rows} == {"1", "2"}
    assert client.get(reverse("web:code_book_csv") + "?year=x").status_code == 422


def test_prepare_approve_and_the_centers_report(world):
    analyst = client_for(world["analyst"])
    index = analyst.get(reverse("web:submissions"))
    assert index.status_code == 200
    assert "Prepare a submission" in index.content.decode()
    made = analyst.post(reverse("web:submissions"), {"agreement": world["dsa"].pk, "year": YEAR})
    assert made.status_code == 302, made.content
    sub = Submission.objects.get()
    # The preparer sees no approve button; a supervisor does.
    assert "Approve and send" not in analyst.get(made["Location"]).content.decode()
    supervisor = client_for(world["supervisor"])
    assert "Approve and send" in supervisor.get(made["Location"]).content.decode()
    refused = supervisor.post(
        reverse("web:submission_decide", args=[sub.pk]), {"decision": "refuse", "reason": ""}
    )
    assert refused.status_code == 422
    approved = supervisor.post(
        reverse("web:submission_decide", args=[sub.pk]), {"decision": "approve"}
    )
    assert approved.status_code == 302
    sub.refresh_from_db()
    assert sub.status == "submitted"
    center = client_for(world["sac_analyst"])
    report = center.get(reverse("web:center_report") + f"?year={YEAR}")
    assert report.status_code == 200
    html = report.content.decode()
    assert "Not unduplicated" in html
    assert "suppressed" in html  # 3 youth: everything below 11
    assert center.get(reverse("web:submission_file", args=[sub.pk])).status_code == 200
    assert analyst.get(reverse("web:center_report")).status_code == 404


def test_approving_your_own_on_the_page_is_refused(world):
    supervisor = client_for(world["supervisor"])
    supervisor.post(reverse("web:submissions"), {"agreement": world["dsa"].pk, "year": YEAR})
    sub = Submission.objects.get()
    r = supervisor.post(reverse("web:submission_decide", args=[sub.pk]), {"decision": "approve"})
    assert r.status_code == 403
    sub.refresh_from_db()
    assert sub.status == "awaiting_approval"


def test_an_administrator_sets_the_reporting_terms(world):
    world["dsa"].refresh_from_db()
    admin = f.user(world["dsa"].parties.first().organization, "org_admin")
    client = client_for(admin)
    url = reverse("web:dsa_terms", args=[world["dsa"].pk])
    assert client.get(url).status_code == 200
    form = {
        "client_level": "on",
        "variable_set": "critical",
        "screening_rule": "confirmed",
        "disclosure_threshold": "15",
        "version": world["dsa"].version,
    }
    r = client.post(url, form)
    assert r.status_code == 302, r.content
    world["dsa"].refresh_from_db()
    assert (world["dsa"].variable_set, world["dsa"].screening_rule) == ("critical", "confirmed")
    assert world["dsa"].disclosure_threshold == 15 and not world["dsa"].aggregate
    bad = client.post(url, {**form, "client_level": "", "version": world["dsa"].version})
    assert bad.status_code == 422  # neither client-level nor aggregate
    assert "client-level, aggregate or both" in bad.content.decode()
    detail = client.get(reverse("web:agreement_detail", args=[world["dsa"].pk]))
    assert "Ever confirmed" in detail.content.decode()
    caseworker = client_for(world["worker"])
    assert caseworker.get(url).status_code == 404

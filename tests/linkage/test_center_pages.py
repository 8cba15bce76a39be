"""The statistical center's linkage pages from a browser's point of view (issue 17): the
agreement's identifiers term on its reporting-terms page; "Link new submissions", the review
queue and a pair's page (patterns, never a name), link with a reason; the agency's question
page with its own record; the statewide report's unduplicated count; the key command."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from harborline.linkage import keys
from harborline.reports import linking, submissions
from harborline.reports.models import CandidatePair
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in

from .center import AT_NEVADAS_CENTER, YEAR, Center, two_agencies

pytestmark = AT_NEVADAS_CENTER


def client_for(user):
    give_totp_device(user)
    client = Client()
    sign_in(client, user)
    return client


def test_the_reporting_terms_page_sets_encodings():
    center = Center.make()
    agency = center.agency("child_welfare", "DSA-CW", identifiers="names")
    admin = agency.admin
    client = client_for(admin)
    url = reverse("web:dsa_terms", args=[agency.dsa.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Identifiers in the client-level file" in page.content
    agency.dsa.refresh_from_db()
    r = client.post(
        url,
        {
            "client_level": "on",
            "aggregate": "on",
            "variable_set": agency.dsa.variable_set,
            "screening_rule": agency.dsa.screening_rule,
            "disclosure_threshold": "3",
            "identifiers": "encodings",
            "version": agency.dsa.version,
        },
    )
    assert r.status_code == 302, r.content
    assert submissions.identifiers_of(agency.dsa) == "encodings"
    detail = client.get(reverse("web:agreement_detail", args=[agency.dsa.pk]))
    assert b"Linkage encodings instead of names" in detail.content


def test_link_review_and_count_from_the_pages():
    center = Center.make()
    cw, le = two_agencies(center)
    cw.submit()
    le.submit()
    analyst = client_for(center.analyst)
    page = analyst.get(reverse("web:linkage"))
    assert (
        page.status_code == 200 and b"2 submissions with encodings not linked yet" in page.content
    )
    # An upper threshold no pair reaches, so that the likely pair waits for a person.
    r = analyst.post(reverse("web:linkage"), {"lower": "0.01", "upper": "1"})
    assert r.status_code == 302, r.content
    queue = analyst.get(reverse("web:linkage")).content.decode()
    assert "review-queue" in queue and "Reyes" not in queue
    pair = CandidatePair.objects.get(status="pending")
    url = reverse("web:linkage_pair", args=[pair.pk])
    shown = analyst.get(url).content.decode()
    assert "Date of birth" in shown and "agrees" in shown
    for secret in ("Reyes", "Ana", "Anna", "2010-05-01", "89501"):
        assert not re.search(rf"\b{secret}\b", shown), secret
    missing_reason = analyst.post(url, {"form": "decide", "decide-decision": "link"})
    assert missing_reason.status_code == 400
    r = analyst.post(
        url,
        {"form": "decide", "decide-decision": "link", "decide-reason": "Same date and place"},
    )
    assert r.status_code == 302, r.content
    pair.refresh_from_db()
    assert pair.status == "linked" and pair.reason == "Same date and place"
    report = analyst.get(reverse("web:center_report") + f"?year={YEAR}").content.decode()
    assert "table-youth_unduplicated" in report
    assert "Not unduplicated" not in report.split('id="unduplicated-note"')[1][:200]
    made = linking.unduplicated(center.org, YEAR, list(center.org.data_received.all()))
    assert made is not None and made.youth == 6 and made.reviewed_linked == 1


def test_the_agency_answers_from_its_own_record():
    center = Center.make()
    cw, le = two_agencies(center, spelled=("Anna", "Reyes-Lopez"))
    cw.submit()
    le.submit()
    linking.link_new(center.analyst, lower=0.0001, upper=1.0)
    pair = CandidatePair.objects.get()
    analyst = client_for(center.analyst)
    side = "left" if pair.left.organization_id == cw.org.pk else "right"
    r = analyst.post(
        reverse("web:linkage_pair", args=[pair.pk]),
        {"form": "ask", "ask-record": side, "ask-question": "Is the date of birth confirmed?"},
    )
    assert r.status_code == 302, r.content
    supervisor = client_for(cw.supervisor)
    listing = supervisor.get(reverse("web:linkage_requests"))
    assert listing.status_code == 200 and b"Is the date of birth confirmed?" in listing.content
    asked = pair.requests.get()
    url = reverse("web:linkage_request", args=[asked.pk])
    page = supervisor.get(url).content.decode()
    assert "Ana" in page and "Reyes" in page and "Reyes-Lopez" not in page
    assert supervisor.post(url, {"answer": "yes"}).status_code == 302
    asked.refresh_from_db()
    assert asked.answer == "yes"
    # Anyone else: the same 404 as for a question that does not exist.
    assert client_for(cw.worker).get(url).status_code == 404
    assert client_for(le.supervisor).get(url).status_code == 404
    assert (
        client_for(f.user(center.org, "org_admin")).get(reverse("web:linkage")).status_code == 404
    )


def test_the_key_command_never_prints_the_secret():
    first = keys.current()
    out = io.StringIO()
    call_command("linkage_key", "--rotate", stdout=out)
    call_command("linkage_key", stdout=out)
    text = out.getvalue()
    latest = keys.current()
    assert latest.version == first.version + 1
    assert latest.key_id in text and first.key_id in text and "retired" in text
    assert first.secret.decode() not in text and latest.secret.decode() not in text

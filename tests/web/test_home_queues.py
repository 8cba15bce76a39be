"""Work queues on every home page (issue 13, item 7): overdue and due-today obligations, emergency
accesses waiting for review, action items, shares and consents ending within 14 days, and a
recovery-code warning that asks for new codes — each queue one query, whatever its length."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from harborline.access.models import Consent
from harborline.cases.models import CaseTeamMember
from harborline.response.models import Obligation
from harborline.taskforce.models import ActionItem, TaskForce
from tests.access import factories as f
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


def _obligation(case, org, *, due_in: timedelta, title: str) -> Obligation:
    now = timezone.now()
    return Obligation.objects.create(
        case=case,
        pack="nevada",
        kind="report_to_law_enforcement",
        title=title,
        trigger="identified",
        trigger_at=now - timedelta(hours=30),
        due_at=now + due_in,
        owner_org=org,
        owner_role="child_welfare",
    )


def _work(n: int = 1):
    owner = f.org("child_welfare")
    worker = f.user(owner, "caseworker")
    police = f.org("law_enforcement")
    for _ in range(n):
        made = f.case(worker, notes=False)
        CaseTeamMember.objects.create(
            case=made, organization=owner, user=worker, role_on_case="lead", added_by=worker
        )
        _obligation(made, owner, due_in=-timedelta(hours=2), title="Report to law enforcement")
        _obligation(made, owner, due_in=timedelta(hours=5), title="Hold a rapid-response MDT")
        _obligation(made, owner, due_in=timedelta(days=3), title="Later work")
        f.share(
            made, police, ["screening"], by=worker, expires_at=timezone.now() + timedelta(days=9)
        )
        consent = Consent.objects.create(
            case=made,
            kind="youth_assent",
            given_by="Ana Reyes",
            compartments=["screening"],
            purpose="service coordination",
            expires_at=timezone.now() + timedelta(days=12),
            evidence="signed_form",
            recorded_by=worker,
        )
        consent.recipients.add(police)
    tf = TaskForce.objects.create(name="Northern Nevada Task Force", pack="nevada")
    ActionItem.objects.create(
        taskforce=tf,
        text="Send the MOU draft to the sheriff",
        owner=worker,
        due=timezone.localdate() + timedelta(days=4),
    )
    return owner, worker, made


def test_a_caseworkers_home_lists_the_work_that_is_due(db):
    owner, worker, made = _work()
    html = _client(worker).get("/").content.decode()
    now = html.split('id="work-now"', 1)[1].split("</section>", 1)[0]
    assert now.count('data-queue="overdue"') == 1 and "Report to law enforcement" in now
    assert now.count('data-queue="due-today"') == 1 and "Hold a rapid-response MDT" in now
    assert "Later work" not in now
    assert "Send the MOU draft to the sheriff" in now
    assert now.count('data-queue="share"') == 1 and "Law Enforcement" in now
    assert now.count('data-queue="consent"') == 1
    assert "Ana" not in now and "Reyes" not in now  # no youth data on the home page


def test_a_supervisor_sees_emergency_accesses_waiting_for_review(db):
    owner = f.org("child_welfare")
    worker = f.user(owner, "caseworker")
    supervisor = f.user(owner, "supervisor")
    made = f.case(worker, notes=False)
    f.glass(made, f.user(f.org("medical"), "caseworker"))
    html = _client(supervisor).get("/").content.decode()
    assert 'id="queue-reviews"' in html and "wait" in html
    assert 'href="/cases/break-glass/reviews"' in html.split('id="work-now"', 1)[1]


@pytest.mark.parametrize(("left", "warned"), [(0, True), (2, True), (10, False)])
def test_few_recovery_codes_ask_for_new_ones(db, left, warned):
    owner = f.org("child_welfare")
    worker = f.user(owner, "caseworker")
    client = _client(worker)
    device = StaticDevice.objects.create(user=worker, name="backup")
    for n in range(left):
        StaticToken.objects.create(device=device, token=f"code{n:04d}")
    html = client.get("/").content.decode()
    assert ('id="recovery-warning"' in html) is warned
    assert ("Make new codes" in html) is warned
    assert " 0 unused recovery codes" not in html


def test_the_home_page_costs_the_same_queries_for_one_case_or_many(db):
    def queries(n: int) -> int:
        _, worker, _ = _work(n)
        client = _client(worker)
        client.get("/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(6)

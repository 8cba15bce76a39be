"""The deadline sweep: reminders at half, nine-tenths and breach, each once; escalation to
supervisors; no youth data in e-mails; expired shares ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from harborline.access.models import EndReason, Share
from harborline.audit.chain import verify
from harborline.audit.models import AuditEvent
from harborline.config.cli import run_sweep
from harborline.response import deadlines, reminders
from harborline.response.deadlines import check_deadlines
from harborline.response.models import Obligation, Status
from harborline.response.tasks import send_obligation_reminder
from tests.cases.conftest import NRIT_CONFIRMED, NRIT_HIGH_RISK, later

from .conftest import DOB, FIRST, LAST, make_obligation

T0 = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 09:00 PST


def _sweep(at: datetime):
    return check_deadlines(now=at)


def _mails():
    out = list(mail.outbox)
    mail.outbox.clear()
    return out


def test_each_stage_is_sent_once_at_its_moment(setup):
    ob = make_obligation(setup, trigger_at=T0, hours=10)
    steps = [
        (timedelta(hours=4, minutes=59), None),
        (timedelta(hours=5), "half"),
        (timedelta(hours=5), None),  # the same moment again: nothing new
        (timedelta(hours=8, minutes=59), None),
        (timedelta(hours=9), "nine_tenths"),
        (timedelta(hours=9, minutes=30), None),
        (timedelta(hours=9, minutes=59), None),
        (timedelta(hours=10), "breach"),
        (timedelta(hours=10), None),
        (timedelta(days=3), None),
    ]
    for offset, stage in steps:
        report = _sweep(T0 + offset)
        sent = _mails()
        if stage is None:
            assert sum(report.sent.values()) == 0, offset
            assert sent == [], offset
        else:
            assert report.sent[stage] == 1 and sum(report.sent.values()) == 1, offset
            assert sent, offset
    ob.refresh_from_db()
    assert ob.reminders_sent == ["half", "nine_tenths", "breach"]
    assert ob.status == Status.OVERDUE


def test_reminders_go_to_the_role_on_the_case_team_and_breach_escalates(setup):
    make_obligation(setup, trigger_at=T0, hours=10)
    _sweep(T0 + timedelta(hours=5))
    (half,) = _mails()
    assert half.to == [setup.lead.email]  # not the caseworker who is not on the team
    assert half.subject == f"Harborline: obligation due on case {setup.case_id}"
    assert half.body.startswith(
        f"An obligation on case {setup.case_id} (Report to the local child-welfare agency) is "
        "due at 19:00 PST on Fri Nov 20, 2026 (in 5 h)."
    )
    assert f"/cases/{setup.case_id}/" in half.body

    report = _sweep(T0 + timedelta(hours=12, minutes=10))
    assert (report.sent["breach"], report.newly_overdue, report.escalations) == (1, 1, 1)
    owner_mail, escalation = _mails()
    assert owner_mail.to == [setup.lead.email]
    assert "was due at 19:00 PST on Fri Nov 20, 2026 (2 h 10 min ago)" in owner_mail.body
    assert escalation.to == [setup.supervisor.email]
    assert escalation.subject.startswith("Harborline: escalation")
    assert "as a supervisor" in escalation.body


def test_without_anyone_of_the_role_on_the_team_everyone_in_the_role_is_reminded(
    setup, make_org, make_user
):
    # The 72-hour MDT carried by a task force (a pack owner type): coordinators work only
    # for task forces (people/grants.py).
    task_force = make_org("task_force")
    coordinators = sorted(make_user(task_force, "coordinator").email for _ in range(2))
    ob = make_obligation(setup, trigger_at=T0, hours=72, role="coordinator", kind="mdt_72h")
    Obligation.objects.filter(pk=ob.pk).update(owner_org=task_force)
    _sweep(T0 + timedelta(hours=36))
    (message,) = _mails()
    assert message.to == coordinators


def test_nobody_in_the_role_falls_back_to_the_team_then_supervisors_then_admins(setup, make_user):
    from harborline.cases.models import CaseTeamMember

    ob = make_obligation(setup, trigger_at=T0, hours=72, role="coordinator", kind="mdt_72h")
    assert reminders.recipients(ob) == [setup.lead.email]  # on the team, another role
    CaseTeamMember.objects.filter(case_id=setup.case_id).update(active=False)
    assert reminders.recipients(ob) == [setup.supervisor.email]
    setup.supervisor.is_active = False
    setup.supervisor.save()
    admin = make_user(setup.org, "org_admin")
    assert reminders.recipients(ob) == [admin.email]
    _sweep(T0 + timedelta(hours=36))
    (message,) = _mails()
    assert message.to == [admin.email]
    event = AuditEvent.objects.filter(object_type="response.obligation").latest("seq")
    assert event.detail["recipients"] == 1


def test_an_obligation_due_at_the_event_gets_only_the_breach_reminder(setup):
    # An at-event rule (the debrief on a return: "each time a CSEC returns", L3533-3534).
    identified = timezone.now() - timedelta(minutes=30)
    debrief = make_obligation(
        setup,
        trigger_at=identified,
        hours=0,
        kind="return_debrief",
        title="Debrief the youth after a return from runaway",
    )
    assert debrief.due_at == debrief.trigger_at
    rapid = make_obligation(setup, trigger_at=identified, hours=2, kind="rapid_response_mdt")
    _sweep(identified + timedelta(seconds=1))
    debrief.refresh_from_db()
    assert debrief.reminders_sent == ["breach"]
    assert debrief.status == Status.OVERDUE
    # the 2-hour rapid-response clock has not reached half time yet
    rapid.refresh_from_db()
    assert rapid.reminders_sent == []


def test_the_first_contact_safety_assessment_is_not_overdue_when_it_starts(setup):
    """Issue 12: the 9-A at first contact was due at the instant of identification, so overdue
    from the moment it existed; it is due 2 hours after the first contact (the pack's clock)."""
    identified = timezone.now() - timedelta(minutes=30)
    r = setup.client.post(
        f"/cases/{setup.case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": identified.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    safety = Obligation.objects.get(case_id=setup.case_id, kind="safety_assessment")
    assert safety.due_at == safety.trigger_at + timedelta(hours=2)
    _sweep(identified + timedelta(seconds=1))
    safety.refresh_from_db()
    assert safety.reminders_sent == []
    assert safety.status == Status.OPEN


def test_a_late_sweep_sends_only_the_latest_stage(setup):
    ob = make_obligation(setup, trigger_at=T0, hours=10)
    report = _sweep(T0 + timedelta(hours=9, minutes=30))
    assert report.sent == {"half": 0, "nine_tenths": 1, "breach": 0}
    assert len(_mails()) == 1
    ob.refresh_from_db()
    assert ob.reminders_sent == ["half", "nine_tenths"]
    event = AuditEvent.objects.filter(object_type="response.obligation").latest("seq")
    assert event.detail["reminder"] == "nine_tenths" and event.detail["skipped"] == ["half"]


def test_done_and_waived_obligations_are_not_reminded(setup):
    done = make_obligation(setup, trigger_at=T0, hours=10)
    r = setup.client.post(
        f"/obligations/{done.pk}/complete", {"evidence": {"report_number": "CW-1"}}
    )
    assert r.status_code == 200, r.content
    report = _sweep(T0 + timedelta(days=2))
    assert sum(report.sent.values()) == 0 and _mails() == []


def test_a_reminder_queued_before_the_obligation_was_done_is_not_sent(setup):
    ob = make_obligation(setup, trigger_at=T0, hours=10)
    Obligation.objects.filter(pk=ob.pk).update(status=Status.DONE)
    result = send_obligation_reminder.enqueue(ob.pk, "half", T0.isoformat())
    assert result.return_value == {"recipients": 0, "supervisors": 0}
    assert mail.outbox == []


def test_each_reminder_is_audited_without_compartments(setup):
    ob = make_obligation(setup, trigger_at=T0, hours=10)
    for hours in (5, 9, 10):
        _sweep(T0 + timedelta(hours=hours))
    events = list(
        AuditEvent.objects.filter(object_type="response.obligation", object_id=str(ob.pk)).order_by(
            "seq"
        )
    )
    assert [e.detail["reminder"] for e in events] == ["half", "nine_tenths", "breach"]
    case = ob.case
    for e in events:
        assert e.action == "update"
        assert e.actor_email == deadlines.SWEEP_ACTOR
        assert e.owner_org_id == case.owner_id and e.youth_id == case.youth_id
        assert e.compartments == []
    assert events[-1].detail["marked_overdue"] is True
    assert events[-1].detail["escalated_to_supervisors"] == 1
    assert verify().ok


def test_times_are_shown_in_the_owner_organizations_zone(setup):
    setup.org.time_zone = "America/New_York"
    setup.org.save()
    make_obligation(setup, trigger_at=T0, hours=10)
    _sweep(T0 + timedelta(hours=5))
    (message,) = _mails()
    assert "due at 22:00 EST on Fri Nov 20, 2026" in message.body


def test_no_youth_data_in_any_email(setup, make_org, make_user, api):
    """Screen the youth (confirmed and, on a second case, high risk), run every stage of every
    clock; no name, date of birth or outcome reaches a subject or body."""
    identified = timezone.now() - timedelta(minutes=5)
    r = setup.client.post(
        f"/cases/{setup.case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": identified.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    cw_org = make_org("child_welfare")
    cw_client = api(make_user(cw_org, "caseworker"))
    make_user(cw_org, "supervisor")
    from tests.cases.conftest import open_case

    other_case = open_case(cw_client, first=FIRST, last=LAST, dob=DOB)
    r = cw_client.post(
        f"/cases/{other_case}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_HIGH_RISK,
            "identified_by": "school",
            "identified_at": identified.isoformat(),
        },
    )
    assert r.status_code == 201, r.content
    mail.outbox.clear()
    for hours in (1, 2, 12, 22, 24, 36, 65, 72, 24 * 45, 24 * 81, 24 * 91):
        _sweep(identified + timedelta(hours=hours))
    sent = _mails()
    kinds = set(Obligation.objects.values_list("kind", flat=True))
    assert {"rescreen", "child_welfare_report", "safety_assessment"} <= kinds
    assert len(sent) >= 10
    assert not Obligation.objects.filter(status=Status.OPEN).exists()
    forbidden = [
        FIRST,
        LAST,
        DOB,
        "05/01/2010",
        "confirmed",
        "high_risk",
        "high risk",
        "victim",
        "sexual",
    ]
    for message in sent:
        text = f"{message.subject}\n{message.body}".lower()
        for word in forbidden:
            assert word.lower() not in text, (word, message.subject, message.body)
    rescreen = [m for m in sent if "Re-administer the NRIT" in m.body]
    assert rescreen, "the re-screen is reminded about, without the clause naming the outcome"


def test_email_label_drops_the_clause_about_the_youth():
    label = reminders.email_label
    assert label("Re-administer the NRIT while the youth remains high risk") == (
        "Re-administer the NRIT"
    )
    assert label("Offer an emergency medical evaluation after a sexual assault") == (
        "Offer an emergency medical evaluation"
    )
    assert label("Report to the local child-welfare agency") == (
        "Report to the local child-welfare agency"
    )
    assert label("Assess the youth's immediate safety at first contact") == (
        "Assess the youth's immediate safety at first contact"
    )


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(minutes=5), "5 min"),
        (timedelta(hours=2, minutes=10), "2 h 10 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(days=1, hours=4, minutes=7), "1 d 4 h"),
        (-timedelta(hours=1, minutes=1), "1 h 1 min"),
    ],
)
def test_spans_read_naturally(delta, text):
    assert reminders._span(delta) == text


def _share(setup, make_org, make_user, api):
    other_org = make_org("mental_health")
    other = api(make_user(other_org))
    r = setup.client.post(
        f"/cases/{setup.case_id}/shares",
        {
            "organization": other_org.slug,
            "compartments": ["screening"],
            "purpose": "therapy",
            "basis": {"type": "court_order", "reference": "24-JV-118"},
            "expires_at": later(1),
        },
    )
    assert r.status_code == 201, r.content
    return Share.objects.get(pk=r.json()["id"]), other


def test_the_sweep_ends_expired_shares_and_the_recipient_loses_access(
    setup, make_org, make_user, api
):
    share, other = _share(setup, make_org, make_user, api)
    assert other.get(f"/cases/{setup.case_id}").status_code == 200
    # The periodic sweep (CLI and worker) runs response's deadlines and then sharing's expiry.
    assert run_sweep().shares_expired == 0  # not yet expired
    report = run_sweep(now=timezone.now() + timedelta(days=2))
    assert report.shares_expired == 1
    share.refresh_from_db()
    assert share.end_reason == EndReason.EXPIRED and share.ended_at == share.expires_at
    assert other.get(f"/cases/{setup.case_id}").status_code == 404
    assert run_sweep(now=timezone.now() + timedelta(days=3)).shares_expired == 0
    event = AuditEvent.objects.filter(object_type="access.share", object_id=str(share.pk)).latest(
        "seq"
    )
    assert event.detail["end_reason"] == "expired"
    assert event.owner_org_id == setup.org.pk
    assert verify().ok


def test_the_summary_names_every_count(setup):
    make_obligation(setup, trigger_at=T0, hours=10)
    report = _sweep(T0 + timedelta(hours=11))
    assert report.summary() == (
        "Reminders sent: 0 at half time, 0 at nine-tenths, 1 at breach; 1 newly overdue; "
        "1 escalated to supervisors; 0 shares expired; 0 unanswered referrals to follow up."
    )

"""The Nevada cycle end to end in Debian's Chromium (issue 12, "Done when"): a caseworker screens
the youth (NRIT, confirmed), holds the Rapid Response MDT and the 72-hour MDT, makes the safety
plan (9-B), records the holistic needs assessment, starts the service plan (CISP) and has it
signed by a team member and the youth; the youth runs away: the 9-F report, the law-enforcement
and NCMEC reports within 24 hours, the return and the debrief (9-G); the MDT reviews the plan
(D5 questions answered, D4 result) and revises it (a new version).

Each step is then on the youth's timeline page (checked at 1280 px and at 375 px, with no
sideways scrolling on the phone), and in the audit: the owner's supervisor finds every record the
cycle wrote in the organization's log and the caseworker's reads in "who saw this record".
axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation on any page the cycle visits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harborline.cases import services as case_services
from harborline.missing.models import MissingEpisode
from harborline.people.models import User
from harborline.response.models import Obligation, ServicePlan
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import DESKTOP, run_axe
from .test_cases import _sign_in

pytestmark = pytest.mark.e2e

PHONE_375 = {"width": 375, "height": 800}


def _axe(page) -> None:
    assert run_axe(page) == [], page.url


def _local(minutes_ago: float, zone: str) -> str:
    moment = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def _click_label(page, for_id: str) -> None:
    """USWDS hides the box or the radio itself: click its label."""
    page.locator(f"label[for='{for_id}']").click()


def _meeting(page, case_id: int, kind: str, zone: str, decisions: str) -> None:
    page.goto(f"/cases/{case_id}/meetings/new")
    _axe(page)
    page.get_by_label("Kind of meeting").select_option(kind)
    page.get_by_label("Held at").fill(_local(1, zone))
    page.get_by_label("Decisions").fill(decisions)
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/#section-safety$"))
    assert decisions in page.locator("#section-safety").inner_text()


def _outcome(page, case_id: int, title: str, step: str, changes: str = "") -> None:
    page.goto(f"/cases/{case_id}/plans/outcome")
    _axe(page)
    page.get_by_label("Outcome", exact=True).fill(title)
    page.get_by_label("Priority", exact=True).fill("1" if not changes else "2")
    page.get_by_label("First step").fill(step)
    page.get_by_label("Target date").fill("2027-02-15")
    page.get_by_label("Resource", exact=True).fill("Synthetic Transitional Living Program")
    page.get_by_label("Responsible person").fill("Jordan Vale (mentor-advocate)")
    if changes:
        page.get_by_label("What changed and why").fill(changes)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/plans/$"))


def _sign(page, plan_id: int, case_id: int, name: str, role: str, youth: bool) -> None:
    page.goto(f"/cases/{case_id}/plans/{plan_id}/sign")
    _axe(page)
    page.get_by_label("Name", exact=True).fill(name)
    if role:
        page.get_by_label("Role on the team").fill(role)
    if youth:
        _click_label(page, "id_youth")
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/plans/$"))


def _report(page, episode_id: int, to: str, number: str, minutes_ago: int, zone: str) -> None:
    page.goto(f"/missing/{episode_id}/report")
    _axe(page)
    page.get_by_label("Report made to").select_option(to)
    page.get_by_label("Report number").fill(number)
    page.get_by_label("When the report was made").fill(_local(minutes_ago, zone))
    page.get_by_role("button", name="Record a report number").click()
    page.wait_for_url(re.compile(rf"/missing/{episode_id}/(#\w+)?$"))


def test_the_nevada_cycle_end_to_end(axe_page, browser):
    page = axe_page
    owner = OrganizationFactory(
        slug="washoe-hs", name="Washoe County Human Services", type="child_welfare"
    )
    for email, name, role in (
        ("casey@example.org", "Casey Lane", "caseworker"),
        ("sam@example.org", "Sam Ortiz", "supervisor"),
    ):
        give_totp_device(UserFactory(role=role, org=owner, email=email, full_name=name))
    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey,
        youth={"first_name": "Mara", "last_name": "Quill", "dob": "2010-05-01"},
        pack="nevada",
    )
    case_id, zone = case.pk, owner.time_zone
    _sign_in(page, "casey@example.org")

    # 1. Screen: NRIT, confirmed; the rapid response and the 72-hour MDT start.
    page.goto(f"/cases/{case_id}/screen")
    _axe(page)
    page.get_by_label("Identified by", exact=True).select_option("law_enforcement")
    page.locator("#identified-at-change summary").click()  # the time is folded behind "Change"
    page.locator("#id_identified_at").fill(_local(90, zone))
    page.get_by_label("Setting", exact=True).select_option("field")
    _click_label(page, "f-cv_law_enforcement")
    page.locator("#screen-continue").click()  # check the answers, then confirm
    page.locator("#screen-confirm").wait_for()
    _axe(page)
    page.locator("#screen-confirm").click()
    page.wait_for_url(re.compile(r"/screenings/\d+$"))
    assert page.locator("[data-outcome]").inner_text() == "Confirmed"
    started = page.locator("#started").inner_text()
    assert "Convene a Rapid Response MDT on scene" in started
    assert "Convene the full MDT (72-Hour MDT)" in started
    _axe(page)

    # 2-3. The Rapid Response MDT, then the 72-hour MDT: each fulfils its obligation.
    _meeting(page, case_id, "rapid_response", zone, "Placed at the youth shelter tonight.")
    _meeting(page, case_id, "mdt_72h", zone, "Full MDT assembled; safety planning next.")
    done = set(
        Obligation.objects.filter(case_id=case_id, status="done").values_list("kind", flat=True)
    )
    assert {"rapid_response_mdt", "mdt_72h"} <= done, done

    # 4. The safety plan (9-B) with the instrument's own form.
    page.goto(f"/cases/{case_id}/plans/")
    _axe(page)
    page.get_by_role("link", name=re.compile("Make the safety plan")).click()
    page.wait_for_url(re.compile(r"/plans/safety-plan/new$"))
    _axe(page)
    _click_label(page, "f-pre_call_911")
    _click_label(page, "f-post_trusted_person")
    page.locator("#f-post_trusted_person_name").fill("Aunt Lia")
    page.locator("#f-post_trusted_person_phone").fill("775-555-0142")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/plans/$"))
    assert "Version 1" in page.locator("main").inner_text()
    page.get_by_role("button", name="Open the youth-safe copy").click()
    page.wait_for_url(re.compile(r"/youth-copy\?lang=en$"))
    assert "Aunt Lia" in page.locator("main").inner_text()
    _axe(page)

    # 5. The holistic needs assessment.
    page.goto(f"/cases/{case_id}/needs/")
    _axe(page)
    page.get_by_role("link", name="Record the needs assessment").click()
    page.wait_for_url(re.compile(r"/needs/new$"))
    _axe(page)
    _click_label(page, "f-immediate_needs-0-area-basic_needs")
    _click_label(page, "f-immediate_needs-0-urgency-basic")
    page.locator("#f-immediate_needs-0-need").fill("A place to sleep tonight")
    _click_label(page, "f-underlying_needs-0-domain-supportive_relationships")
    page.locator("#f-underlying_needs-0-concern").fill("Runs to an older boyfriend")
    page.locator("#f-underlying_needs-0-need").fill("Belonging, and an adult who stays")
    page.locator("#f-youth_priorities-0-words").fill("Get back to school with my friends")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/needs/$"))
    assert "Get back to school with my friends" in page.locator("main").inner_text()
    _axe(page)

    # 6. The CISP: one outcome with its first step, signed by a team member and the youth.
    _outcome(page, case_id, "Stable housing", "Visit the transitional living program")
    plan = ServicePlan.objects.get(case_id=case_id)
    _sign(page, plan.pk, case_id, "Casey Lane", "Caseworker", youth=False)
    _sign(page, plan.pk, case_id, "Mara", "", youth=True)
    signatures = page.locator("main").inner_text()
    assert "Casey Lane (Caseworker), version 1" in signatures
    assert "Mara (youth), version 1" in signatures
    _axe(page)

    # 7. A runaway: the 9-F report; both reports made within 24 hours of learning of it.
    page.goto(f"/cases/{case_id}/missing/new")
    _axe(page)
    page.get_by_label("Last seen (date and time)").fill(_local(50, zone))
    page.get_by_label("When your agency learned the youth was missing").fill(_local(45, zone))
    page.get_by_label("Where the youth was last seen (the address they ran from)").fill(
        "Synthetic youth shelter"
    )
    page.get_by_role("button", name="Record the report").click()
    page.wait_for_url(re.compile(r"/missing/\d+/$"))
    episode = MissingEpisode.objects.get(case_id=case_id)
    _axe(page)
    _report(page, episode.pk, "law_enforcement", "RPD-26-0412", 40, zone)
    _report(page, episode.pk, "ncmec", "NCMEC-0099812", 35, zone)
    reports = page.locator("#reports").inner_text()
    assert "RPD-26-0412" in reports and "NCMEC-0099812" in reports
    made = Obligation.objects.filter(
        case_id=case_id, kind__in=["missing_report_law_enforcement", "missing_report_ncmec"]
    )
    assert {o.kind: o.status for o in made} == {
        "missing_report_law_enforcement": "done",
        "missing_report_ncmec": "done",
    }
    for o in made:  # due 24 hours after the agency learned, and made before then
        assert o.due_at == episode.reported_missing_at + timedelta(hours=24), o.kind
        assert o.completed_at is not None and o.completed_at <= o.due_at, o.kind

    # 8. The return, then the debrief led by the adult the youth chose.
    page.get_by_role("link", name="Record the return").click()
    page.wait_for_url(re.compile(r"/return$"))
    _axe(page)
    page.get_by_label("When the youth returned or was found").fill(_local(25, zone))
    page.get_by_label("Who found the youth").fill("Reno Police")
    page.get_by_role("button", name="Record the return").click()
    page.wait_for_url(re.compile(rf"/missing/{episode.pk}/(#\w+)?$"))
    assert "Debrief the youth after a return from runaway" in page.locator("#reports").inner_text()
    page.get_by_role("link", name="Record the debrief").click()
    page.wait_for_url(re.compile(r"/debrief$"))
    _axe(page)
    page.get_by_label("When the debrief was held").fill(_local(20, zone))
    page.get_by_label("Led by (the trusted adult the youth chose)").fill("Jordan")
    _click_label(page, "id_chosen_by_youth")
    page.get_by_label("1. Do you feel you are in danger now?").select_option("no")
    page.get_by_role("button", name="Record the debrief").click()
    page.wait_for_url(re.compile(rf"/missing/{episode.pk}/(#\w+)?$"))
    assert "Jordan" in page.locator("#debrief").inner_text()
    _axe(page)

    # 9. The review after the return: every D5 question answered, the D4 result kept.
    page.goto(f"/cases/{case_id}/plans/{plan.pk}/review")
    _axe(page)
    page.get_by_label("Trigger").select_option("return_from_runaway")
    _click_label(page, "id_result_2")  # not progressing: revise the plan
    for n, key in enumerate(
        (
            "concern_current",
            "safety",
            "needs_defined",
            "outcomes_defined",
            "resources_fit",
            "strengths_goals",
        )
    ):
        _click_label(page, f"id_{key}_{1 if n == 4 else 0}")
    page.locator("#id_resources_fit_note").fill("The program is too far from school.")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}/plans/$"))
    assert "The program is too far from school." in page.locator("main").inner_text()

    # 10. The revised CISP: a second outcome, with what changed; version 2.
    _outcome(
        page,
        case_id,
        "Back in school",
        "Enroll at the school near the shelter",
        changes="Review after the return: resources did not fit; school is the youth's priority",
    )
    assert "Version 2." in page.locator("main").inner_text()
    _axe(page)

    # Every step on the timeline, desktop and phone.
    page.set_viewport_size(DESKTOP)
    page.goto(f"/cases/{case_id}/timeline/")
    events = page.locator("#timeline-events").inner_text()
    for summary in (
        "Screening nrit",
        "Obligation done: Convene a Rapid Response MDT on scene",
        "Obligation done: Convene the full MDT (72-Hour MDT)",
        "MDT meeting (Rapid Response MDT)",
        "MDT meeting (72-Hour MDT)",
        "Safety plan version 1",
        "Needs assessment version 1",
        "Service plan version 1",
        "Obligation done: Report the missing youth to law enforcement",
        "Obligation done: Report the missing youth to NCMEC",
        "Missing: last seen",
        "Returned",
        "Obligation done: Debrief the youth after a return from runaway",
        "Service plan review (not progressing)",
        "Service plan version 2",
    ):
        assert summary in events, summary
    times = page.locator("#timeline-events time").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('datetime'))"
    )
    parsed = [datetime.fromisoformat(t) for t in times]
    assert parsed == sorted(parsed)
    _axe(page)
    page.set_viewport_size(PHONE_375)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _axe(page)

    # The audit: the supervisor finds every record the cycle wrote, and who saw the record.
    context = browser.new_context(
        viewport=DESKTOP, base_url=page.url.split("/cases")[0], bypass_csp=True
    )
    sam = context.new_page()
    try:
        _sign_in(sam, "sam@example.org")
        sam.goto("/org/audit?action=create&person=casey%40example.org")
        written = sam.locator("main").inner_text().lower()
        for record in (
            "screening",
            "mdt meeting",
            "safety plan",
            "needs assessment",
            "service plan",
            "plan signature",
            "missing episode",
            "debrief",
            "plan review",
        ):
            assert record in written, record
        _axe(sam)
        sam.goto(f"/cases/{case_id}/")
        sam.get_by_role("link", name="Who saw this record").click()
        sam.wait_for_url(re.compile(r"/audit/youth/\d+$"))
        saw = sam.locator("main").inner_text()
        assert "casey@example.org" in saw and "Safety" in saw
        _axe(sam)
    finally:
        context.close()

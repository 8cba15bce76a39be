"""Issue 5, end to end through the pages: "Meetings, attendance, trainings and agreements entered
through the pages produce both annual reports as pages and PDFs."

For each report kind (Nevada: to the Coalition, fiscal year July-June; Washington: to the SCC,
calendar year) a coordinator creates a task force on that pack, names a chair, adds member
organizations, schedules a meeting inside the latest reporting period, records who was there and
an action item, runs a training event and records a member's staff completing it; the member
organizations' administrators add an MOU (4-A checklist, both signatures) and, in Nevada, a
data-sharing agreement with the statistical center. Every write is a POST to a real page, as a
signed-in user who passed MFA. The report page and the PDF must then show all of it; a member who
does not lead the task force reads the report, an outsider gets 404.

Everything is dated inside the latest reporting period (the training the day after the meeting,
the signatures before or early in it), so the test holds whether the report counts training and
agreements as of today (as it does now) or as of the period's end."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from harborline.people.models import Membership, Organization, User
from harborline.reports import taskforce as reports
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in
from tests.taskforce.pdftext import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


# --- What each state's task force looks like -------------------------------------------------


@dataclass(frozen=True)
class State:
    kind: str  # the report kind, and the task force's pack
    title: str  # the report's title
    taskforce: str
    region: str
    prefix: str  # for slugs and agreement references
    police: tuple[str, str]  # (organization name, member category in the pack)
    child_welfare: tuple[str, str]
    provider: tuple[str, str]
    course: str  # a basic course of the pack's catalogue
    # The compliance line the completed course turns to "met" for the police organization.
    requirement: str
    with_dsa: bool  # Nevada's data-sharing agreements with the statistical center (3-C)


NEVADA = State(
    kind="nevada",
    title="Annual report to the Nevada CSEC Coalition",
    taskforce="Washoe Regional CSEC Task Force",
    region="Washoe",
    prefix="washoe",
    police=("Washoe County Sheriff", "law_enforcement"),
    child_welfare=("Washoe County Human Services", "child_welfare"),
    provider=("Northern Nevada Youth Shelter", "service_providers"),
    course="101B",
    requirement="New staff who serve or interact with youth (the agency decides which staff)",
    with_dsa=True,
)
WASHINGTON = State(
    kind="washington",
    title="Annual report to the Washington Statewide Coordinating Committee",
    taskforce="King County CSEC Task Force",
    region="King",
    prefix="king",
    police=("King County Sheriff", "local_law_enforcement"),
    child_welfare=("King County Childrens Administration", "cps"),
    provider=("Seattle Youth Services", "youth_service_providers"),
    course="CSEC-101",
    requirement="Every task force member: basic training on the issues surrounding CSEC/Y",
    with_dsa=False,
)
STATES = {s.kind: s for s in (NEVADA, WASHINGTON)}


# --- Small helpers ---------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    """A browser of `user`, signed in with the second factor passed."""
    give_totp_device(user)
    return sign_in(Client(), user)


def text_of(response) -> str:
    """What a reader of the page reads: tags dropped, entities decoded, spaces collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def redirected_id(response, pattern: str) -> int:
    """The id in the address a successful form redirects to (e.g. the new meeting's page)."""
    assert response.status_code == 302, text_of(response)[:2000]
    found = re.fullmatch(pattern, response["Location"])
    assert found, response["Location"]
    return int(found.group(1))


def posted(response) -> None:
    assert response.status_code == 302, text_of(response)[:2000]


def hidden(response, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', response.content.decode())
    assert found, f"no hidden {name} on the page"
    return found.group(1)


def day(value: dt.date) -> str:
    return value.isoformat()


# --- Entering a year through the pages -------------------------------------------------------


@dataclass
class Year:
    state: State
    taskforce_id: int
    start: dt.date
    end: dt.date
    meeting_title: str
    meeting_day: dt.date
    coordinator: Client
    member: Client  # staff of a member organization: neither coordinator nor chair
    outsider: Client


def enter_a_year(state: State) -> Year:
    today = timezone.localdate()
    year = reports.latest_year(state.kind)
    start, end, _ = reports.period(state.kind, year)

    # People and organizations (factories: accounts are made by administrators, not pages).
    home = OrganizationFactory(
        slug=f"{state.prefix}-tf", name=f"{state.taskforce} Office", type="task_force"
    )
    home.time_zone = "America/Los_Angeles"
    home.save()
    coordinator = UserFactory(role="coordinator", org=home, full_name="Casey Coordinator")
    chair = UserFactory(role="supervisor", full_name="Judge Rivera")
    orgs: dict[str, Organization] = {}
    for key, (name, _), org_type in (
        ("police", state.police, "law_enforcement"),
        ("child_welfare", state.child_welfare, "child_welfare"),
        ("provider", state.provider, "service_provider"),
    ):
        orgs[key] = OrganizationFactory(slug=f"{state.prefix}-{key}", name=name, type=org_type)
    deputy = UserFactory(role="caseworker", org=orgs["police"], full_name="Dana Deputy")
    cw_admin = UserFactory(role="org_admin", org=orgs["child_welfare"], full_name="Cam Admin")
    sp_admin = UserFactory(role="org_admin", org=orgs["provider"], full_name="Sol Admin")
    outsider = UserFactory(role="caseworker", full_name="Olive Outsider")
    # Everyone has worked where they work since before the period (a factory makes memberships
    # start today), so a report that counts people as of the period's end still counts them.
    Membership.objects.filter(user__in=[deputy, cw_admin, sp_admin]).update(
        since=start - dt.timedelta(days=365)
    )

    c = signed_in(coordinator)

    # The task force, its chair and its members.
    tf_id = redirected_id(
        c.post(
            "/taskforces/",
            {
                "name": state.taskforce,
                "kind": "regional",
                "pack": state.kind,
                "region": state.region,
            },
        ),
        r"/taskforces/(\d+)/",
    )
    base = f"/taskforces/{tf_id}"
    structure = c.get(f"{base}/structure")
    posted(
        c.post(
            f"{base}/structure/leadership",
            {
                "lead-version": hidden(structure, "lead-version"),
                "lead-coordinator": coordinator.email,
                "lead-chair": chair.email,
            },
        )
    )
    for key, (_, category) in (
        ("police", state.police),
        ("child_welfare", state.child_welfare),
        ("provider", state.provider),
    ):
        posted(
            c.post(
                f"{base}/members",
                {
                    "who": "organization",
                    "organization": orgs[key].slug,
                    "category": category,
                    "since": day(start),
                },
            )
        )

    # A meeting inside the reporting period, its attendance and an action item (done).
    meeting_day = start + dt.timedelta(days=90)
    meeting_title = f"{state.region} quarterly meeting"
    meeting_id = redirected_id(
        c.post(
            f"{base}/meetings",
            {
                "title": meeting_title,
                "starts_at": f"{day(meeting_day)}T09:30",
                "location": "County building, room 2",
            },
        ),
        rf"{base}/meetings/(\d+)/",
    )
    meeting = f"{base}/meetings/{meeting_id}"
    sheet = c.get(f"{meeting}/").content.decode()
    # Each member's row: a hidden member id, then one group of choices named after the member.
    member_ids = {
        html.unescape(name): int(pk)
        for pk, name in re.findall(
            r'name="member" value="(\d+)">\s*<fieldset[^>]*>\s*'
            r'<legend class="usa-sr-only">Status of ([^(<]+?) \(',
            sheet,
        )
    }
    posted(
        c.post(
            f"{meeting}/attendance",
            {
                f"status-{member_ids[state.police[0]]}": "present",
                f"status-{member_ids[state.child_welfare[0]]}": "present",
                f"status-{member_ids[state.provider[0]]}": "absent",
            },
        )
    )
    posted(
        c.post(
            f"{meeting}/action",
            {
                "text": "Circulate the draft MOU",
                "owner": "",
                "due": day(meeting_day + dt.timedelta(days=14)),
            },
        )
    )
    done_form = re.search(
        rf'action="/taskforces/{tf_id}/actions/(\d+)/done">.*?name="version" value="(\d+)"',
        c.get(f"{meeting}/").content.decode(),
        flags=re.S,
    )
    assert done_form, "no 'mark done' form for the action item"
    item_id, item_version = done_form.groups()
    posted(
        c.post(
            f"/taskforces/{tf_id}/actions/{item_id}/done",
            {"done": "1", "version": item_version, "back": "meeting"},
        )
    )

    # A training event on the pack's course, the day after the meeting; the deputy completes it.
    event_id = redirected_id(
        c.post(
            "/training/events/new",
            {
                "pack": state.kind,
                "course": state.course,
                "starts_on": day(meeting_day + dt.timedelta(days=1)),
                "format": "in_person",
                "hours": "6",
                "level": "basic",
                "trainers": "Synthetic Trainer",
                "location": "Training room",
            },
        ),
        r"/training/events/(\d+)/",
    )
    posted(
        c.post(
            f"/training/events/{event_id}/attendance",
            {"person": deputy.email, "completed": "on"},
        )
    )

    # An MOU between two member organizations: 4-A checklist and both signatures.
    cw, sp = signed_in(cw_admin), signed_in(sp_admin)
    mou_id = redirected_id(
        cw.post(
            "/agreements/add",
            {
                "kind": "mou",
                "reference": f"MOU-{state.prefix.upper()}-01",
                "title": f"{state.region} MDT information-sharing MOU",
                "parties": [orgs["child_welfare"].pk, orgs["provider"].pk],
                "effective_on": day(start),
                "expires_on": day(today + dt.timedelta(days=730)),
                "compartments": ["identity", "safety"],
                "purposes": ["service_coordination"],
            },
        ),
        r"/agreements/(\d+)/",
    )
    checklist = cw.get(f"/agreements/{mou_id}/checklist")
    codes = re.findall(r'name="present-(MOU-\d+)"', checklist.content.decode())
    assert len(codes) == 13
    answers = {"version": hidden(checklist, "version")}
    for n, code in enumerate(codes, start=1):
        answers |= {f"present-{code}": "1", f"location-{code}": f"Section {n}"}
    posted(cw.post(f"/agreements/{mou_id}/checklist", answers))
    for client, org, signer in (
        (cw, orgs["child_welfare"], "Avery Director"),
        (sp, orgs["provider"], "Jordan Executive"),
    ):
        posted(
            client.post(
                f"/agreements/{mou_id}/sign/{org.pk}",
                {
                    "signatory_name": signer,
                    "signatory_title": "Director",
                    "signed_on": day(start - dt.timedelta(days=10)),
                },
            )
        )
    detail = text_of(cw.get(f"/agreements/{mou_id}/"))
    assert "In force" in detail and "13 of 13 elements covered" in detail

    # Nevada: a data-sharing agreement between child welfare and the statistical center.
    if state.with_dsa:
        center = OrganizationFactory(
            slug="nv-sac", name="Nevada Statistical Analysis Center", type="statistical_center"
        )
        analyst = UserFactory(role="org_admin", org=center, full_name="Ari Analyst")
        dsa_id = redirected_id(
            cw.post(
                "/agreements/add",
                {
                    "kind": "dsa",
                    "reference": f"DSA-{state.prefix.upper()}-CW",
                    "title": "Data sharing with the statistical center",
                    "parties": [orgs["child_welfare"].pk, center.pk],
                    "aggregate": "on",
                    "custodian": "Ari Analyst",
                },
            ),
            r"/agreements/(\d+)/",
        )
        signed = start + dt.timedelta(days=30)
        for client, org, signer in (
            (cw, orgs["child_welfare"], "Avery Director"),
            (signed_in(analyst), center, "Ari Analyst"),
        ):
            posted(
                client.post(
                    f"/agreements/{dsa_id}/sign/{org.pk}",
                    {"signatory_name": signer, "signed_on": day(signed)},
                )
            )
        for due_year in range(signed.year + 1, today.year + 1):  # each January 31 passed
            if dt.date(due_year, 1, 31) < today:
                posted(
                    cw.post(
                        f"/agreements/{dsa_id}/submission",
                        {"due_year": due_year, "submitted_on": f"{due_year}-01-20"},
                    )
                )
        assert "In force" in text_of(cw.get(f"/agreements/{dsa_id}/"))

    return Year(
        state=state,
        taskforce_id=tf_id,
        start=start,
        end=end,
        meeting_title=meeting_title,
        meeting_day=meeting_day,
        coordinator=c,
        member=signed_in(deputy),
        outsider=signed_in(outsider),
    )


@pytest.fixture(params=sorted(STATES))
def year(request) -> Year:
    return enter_a_year(STATES[request.param])


# --- What the reports must say ---------------------------------------------------------------


def expected_lines(y: Year) -> dict[str, str]:
    """The lines a reader must find, in the PDF's wording (the page says the same in a table
    and lists)."""
    police = y.state.police[0]
    lines = {
        "meeting": (
            f"{y.meeting_day:%d %b %Y} {y.meeting_title}: 2 present, 1 absent, 0 excused (67%)"
        ),
        "actions": "Action items due in the period: 1 done, 0 open (0 overdue).",
        "training": f"- {police} - {y.state.requirement}: 1 of 1 (met)",
        "mou": "- MOUs in force: 1",
        "members": "- Member organizations counted: 3",
    }
    if y.state.with_dsa:
        lines["dsa"] = "- Data-sharing agreements in force: 1"
        lines["duties"] = "- Data-sharing duties overdue: 0"  # the submissions were recorded
        lines["without_dsa"] = (
            "- Member organizations without a data-sharing agreement: "
            + ", ".join(sorted([police, y.state.provider[0]]))
        )
    return lines


def test_the_report_page_shows_the_meetings_training_and_agreements_entered(year):
    y, state = year, year.state
    response = y.coordinator.get(f"/taskforces/{y.taskforce_id}/report")  # the default kind
    assert response.status_code == 200
    page = text_of(response)
    assert state.title in page and f"{y.start:%d %B %Y} to {y.end:%d %B %Y}" in page
    members = sorted([state.police[0], state.child_welfare[0], state.provider[0]])
    assert "3 member organization(s)" in page and " ".join(members) in page
    assert "1 meeting(s) in the period; on average 67% of the members recorded were present" in page
    assert f"{y.meeting_title} {y.meeting_day.day} {y.meeting_day:%b %Y} 2 1 0" in page
    assert "Action items due in the period: 1 done, 0 open (0 overdue)." in page
    assert f"{state.police[0]} — {state.requirement}: 1 of 1 (met)" in page
    assert "MOUs in force: 1" in page and "MOUs awaiting signature: 0" in page
    if state.with_dsa:
        assert "Data-sharing agreements in force: 1" in page
        assert "Data-sharing duties overdue: 0" in page
    assert "No task-force meeting was recorded in this period." not in page
    assert "The task force has no chair." not in page


def test_the_report_pdf_says_the_same(year):
    y, state = year, year.state
    response = y.coordinator.get(f"/taskforces/{y.taskforce_id}/report.pdf?kind={state.kind}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-{state.kind}-{reports.latest_year(state.kind)}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert state.title in text and state.taskforce in text
    assert f"Reporting period: {y.start:%d %B %Y} to {y.end:%d %B %Y}" in text
    for what, line in expected_lines(y).items():
        assert line in text, f"{what}: {line!r} not in the PDF"


def test_a_member_reads_the_report_and_an_outsider_gets_404(year):
    y = year
    report = f"/taskforces/{y.taskforce_id}/report"
    as_member = y.member.get(report)
    assert as_member.status_code == 200
    page = text_of(as_member)
    assert y.meeting_title in page and "MOUs in force: 1" in page
    assert "Save the narrative" not in page  # reading is not writing
    assert y.member.get(f"{report}.pdf").content.startswith(b"%PDF")
    assert y.outsider.get(report).status_code == 404
    assert y.outsider.get(f"{report}.pdf").status_code == 404
    assert y.outsider.get(f"{report}?kind=nevada&year=2026").status_code == 404

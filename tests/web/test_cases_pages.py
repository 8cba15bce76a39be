"""The case pages: what each kind of reader sees (owner, a shared organization, a stranger),
forms that refuse bad input beside the field, and query counts that do not grow with the case."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harborline.access.models import BreakGlass, Share
from harborline.audit.models import AuditEvent
from harborline.cases import services as case_services
from harborline.cases.models import Case, Note
from harborline.people.models import Organization, User
from harborline.response import services as response_services
from harborline.response.models import Obligation, Status
from harborline.sharing import services as access_services
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

# The cases here are Nevada's and are screened with the NRIT: Nevada pinned as the home pack,
# whatever HARBORLINE_PACK says (make test-packs).
pytestmark = pytest.mark.usefixtures("nevada_home")

NRIT_CONFIRMED = {"cv_law_enforcement": True}
NRIT_HIGH_RISK = {"hr_hotels": True}


def _user(role: str, org: Organization, email: str = "") -> User:
    kwargs: dict[str, Any] = {"email": email} if email else {}
    user = UserFactory(role=role, org=org, **kwargs)
    give_totp_device(user)
    return user


def _client(user: User) -> Client:
    return sign_in(Client(), user)


class World:
    def __init__(self) -> None:
        self.owner = OrganizationFactory(
            slug="washoe-cw", name="Washoe Child Welfare", type="child_welfare"
        )
        self.police = OrganizationFactory(
            slug="reno-pd", name="Reno Police", type="law_enforcement"
        )
        self.juvenile = OrganizationFactory(
            slug="washoe-juvenile",
            name="Washoe County Juvenile Services",
            type="probation",
        )
        self.stranger_org = OrganizationFactory(
            slug="elko-cw", name="Elko Child Welfare", type="child_welfare"
        )
        self.worker = _user("caseworker", self.owner, "worker@washoe.example.org")
        self.supervisor = _user("supervisor", self.owner, "super@washoe.example.org")
        # Advocate-privileged notes are an advocate's (decision 0043): the owner's mentor-advocate.
        self.mentor = _user("mentor_advocate", self.owner, "mentor@washoe.example.org")
        self.officer = _user("caseworker", self.police, "officer@reno.example.org")
        self.stranger = _user("caseworker", self.stranger_org, "someone@elko.example.org")
        self.case = case_services.open_case(
            actor=self.worker,
            youth={
                "first_name": "Mara",
                "last_name": "Quill",
                "dob": "2010-05-01",
                "gender": "girl",
            },
        )

    def note(self, compartment: str, text: str, n: int = 1) -> None:
        for i in range(n):
            case_services.add_note(
                actor=self.mentor if compartment == "advocate_privileged" else self.worker,
                case_id=self.case.pk,
                compartment=compartment,
                text=f"{text} {i}",
            )

    def screen(self, answers: dict[str, Any] | None = None, by: str = "law_enforcement") -> Any:
        return response_services.record_screening(
            actor=self.worker,
            case_id=self.case.pk,
            instrument="nrit",
            answers=answers or NRIT_CONFIRMED,
            identified_by=by,
            identified_at=timezone.now() - timedelta(hours=1),
        )

    def share(self, org: Organization, compartments: list[str], ref: str = "24-JV-118") -> Share:
        return access_services.create_share(
            actor=self.worker,
            case_id=self.case.pk,
            organization=org.slug,
            compartments=compartments,
            purpose="MDT coordination",
            basis_type="court_order",
            basis_reference=ref,
            expires_at=timezone.now() + timedelta(days=60),
        )


@pytest.fixture
def world(db) -> World:
    return World()


def _main(html: str) -> str:
    """The page's main content without what differs per request (tokens, request ids)."""
    body = html.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    return re.sub(r"reference [\w-]+", "reference X", body)


# --- who sees what ----------------------------------------------------------------------------


def test_owner_sees_every_section_with_the_privileged_banner(world):
    world.note("advocate_privileged", "privileged words")
    world.note("medical", "medical words")
    r = _client(world.mentor).get(f"/cases/{world.case.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Mara Quill" in html
    for section in ("identity", "placement_address", "screening", "safety", "medical", "legal"):
        assert f'id="section-{section}"' in html
    assert 'id="privileged-banner"' in html and "privileged words 0" in html
    assert "medical words 0" in html
    assert "Confidential address" in html
    assert "Not shared with you" not in html


def test_shared_organization_sees_only_the_shared_sections(world):
    world.note("medical", "medical words")
    world.note("safety", "safety words")
    world.note("advocate_privileged", "privileged words")
    world.screen()
    world.share(world.police, ["screening", "safety"])
    r = _client(world.officer).get(f"/cases/{world.case.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="section-screening"' in html and 'id="section-safety"' in html
    assert "safety words 0" in html
    for hidden in ("identity", "medical", "advocate_privileged", "placement_address"):
        assert f'id="section-{hidden}"' not in html
    assert "Mara" not in html and "Quill" not in html
    assert "medical words" not in html and "privileged words" not in html
    assert "Not shared with you" in html
    # the case list shows the case without the name
    listing = _client(world.officer).get("/cases/").content.decode()
    assert f"Case {world.case.pk}" in listing and "Quill" not in listing
    assert "Identity not shared with you" in listing
    assert "Confirmed" in listing  # the screening outcome is shared


def test_privileged_notes_never_reach_law_enforcement_even_with_every_other_compartment(world):
    world.note("advocate_privileged", "privileged words")
    every = [
        "identity",
        "contact",
        "placement_address",
        "screening",
        "safety",
        "medical",
        "mental_health",
        "substance_use",
        "education",
        "legal",
    ]
    world.share(world.police, every)
    officer = _user("supervisor", world.police)
    html = _client(officer).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Mara Quill" in html
    assert "privileged words" not in html
    assert 'id="section-advocate_privileged"' not in html


def test_a_stranger_gets_the_same_404_as_a_missing_case(world):
    client = _client(world.stranger)
    seen = client.get(f"/cases/{world.case.pk}/")
    missing = client.get("/cases/999999/")
    assert seen.status_code == missing.status_code == 404
    assert _main(seen.content.decode()) == _main(missing.content.decode())
    assert "Quill" not in seen.content.decode()
    for path in ("screen", "sharing", "meetings/new"):
        assert client.get(f"/cases/{world.case.pk}/{path}").status_code == 404
    listing = client.get("/cases/").content.decode()
    assert f"Case {world.case.pk}<" not in listing


def test_analysts_see_no_cases(world):
    analyst = UserFactory(role="analyst", org=world.owner)
    client = sign_in(Client(), analyst)
    assert client.get(f"/cases/{world.case.pk}/").status_code == 404
    assert client.get("/cases/new").status_code == 404


def test_case_list_filters_and_searches(world):
    other = case_services.open_case(
        actor=world.worker, youth={"first_name": "Ola", "last_name": "Brant", "dob": ""}
    )
    client = _client(world.worker)
    html = client.get("/cases/").content.decode()
    assert "Mara Quill" in html and "Ola Brant" in html
    found = client.get("/cases/", {"q": "quill", "dob": "2010-05-01"}).content.decode()
    assert "Mara Quill" in found and "Ola Brant" not in found
    by_number = client.get("/cases/", {"q": str(other.pk)}).content.decode()
    assert "Ola Brant" in by_number and "Mara Quill" not in by_number
    assert "Mara Quill" not in client.get("/cases/", {"status": "closed"}).content.decode()
    assert "New case" in html


# --- opening a case ---------------------------------------------------------------------------


def test_new_case_warns_about_a_possible_duplicate_then_creates_anyway(world):
    client = _client(world.worker)
    data = {"first_name": "Mara", "last_name": "Quill", "dob": "2010-05-01"}
    r = client.post("/cases/new", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "You may already have a record for this youth" in html
    assert f"/cases/{world.case.pk}/" in html
    assert "other organization" not in html.lower()
    before = Case.objects.count()
    r = client.post("/cases/new", {**data, "confirmed": "1"})
    assert r.status_code == 302
    assert Case.objects.count() == before + 1


def test_duplicate_warning_names_only_the_other_organization(world):
    # Another organization's record of the same youth: its organization is named (decision
    # 0063), nothing of the record is shown, and the case can still be opened.
    client = _client(world.stranger)
    data = {"first_name": "Mara", "last_name": "Quill", "dob": "2010-05-01"}
    r = client.post("/cases/new", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="possible-duplicates-elsewhere"' in html and "Washoe Child Welfare" in html
    assert 'id="possible-duplicates"' not in html
    assert f"/cases/{world.case.pk}/" not in html and "girl" not in html
    before = Case.objects.count()
    assert client.post("/cases/new", {**data, "confirmed": "1"}).status_code == 302
    assert Case.objects.count() == before + 1


def test_new_case_without_a_last_name_says_so_beside_the_field(world):
    r = _client(world.worker).post("/cases/new", {"first_name": "Mara"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="id_last_name_error"' in html and "is required" in html


# --- editing ----------------------------------------------------------------------------------


def test_a_stale_identity_edit_shows_the_conflict_and_keeps_the_input(world):
    client = _client(world.worker)
    stale = world.case.version
    case_services.update_youth(
        actor=world.supervisor, case_id=world.case.pk, version=stale, changes={"pronouns": "she"}
    )
    r = client.post(
        f"/cases/{world.case.pk}/identity",
        {"first_name": "Marah", "last_name": "Quill", "dob": "2010-05-01", "version": stale},
    )
    assert r.status_code == 409
    html = r.content.decode()
    assert "Someone else changed this record" in html and "reload" in html
    assert 'value="Marah"' in html


def test_identity_edit_saves_with_the_current_version(world):
    client = _client(world.worker)
    r = client.post(
        f"/cases/{world.case.pk}/identity",
        {
            "first_name": "Mara",
            "last_name": "Quill",
            "dob": "2010-05-01",
            "pronouns": "she/her",
            "aliases": "M\nQ",
            "version": world.case.version,
        },
    )
    assert r.status_code == 302
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "she/her" in html and "M, Q" in html


def test_an_empty_note_is_refused_beside_the_field(world):
    client = _client(world.worker)
    r = client.post(
        f"/cases/{world.case.pk}/notes", {"compartment": "medical", "n-medical-text": ""}
    )
    assert r.status_code == 422
    assert "write the note" in r.content.decode()
    assert not Note.objects.exists()
    r = client.post(
        f"/cases/{world.case.pk}/notes", {"compartment": "medical", "n-medical-text": "Seen today"}
    )
    assert r.status_code == 302
    assert Note.objects.get().compartment == "medical"


def test_a_shared_reader_cannot_add_a_note_to_a_compartment_not_shared(world):
    world.share(world.police, ["screening", "safety"])
    client = _client(world.officer)
    r = client.post(
        f"/cases/{world.case.pk}/notes", {"compartment": "medical", "n-medical-text": "x"}
    )
    assert r.status_code == 403
    assert not Note.objects.exists()
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'name="compartment" value="medical"' not in html
    assert 'name="compartment" value="safety"' in html


def test_external_reference_goes_to_its_section(world):
    client = _client(world.worker)
    r = client.post(
        f"/cases/{world.case.pk}/references", {"kind": "court_case", "value": "24-JV-118"}
    )
    assert r.status_code == 302 and r["Location"].endswith("#section-legal")
    r = client.post(f"/cases/{world.case.pk}/references", {"kind": "court_case", "value": ""})
    assert r.status_code == 422 and "give the number" in r.content.decode()


def test_team_managers_add_and_remove_members(world):
    from datetime import timedelta

    from django.utils import timezone

    from harborline.sharing import services as access_services

    client = _client(world.worker)
    body = {
        "organization": "reno-pd",
        "role_on_case": "detective",
        "user_email": world.officer.email,
    }
    # A team is drawn from the owner, the organizations the case is shared with and the county's.
    refused = client.post(f"/cases/{world.case.pk}/team", body)
    assert refused.status_code == 422 and "share the case with it first" in refused.content.decode()
    access_services.create_share(
        actor=world.worker,
        case_id=world.case.pk,
        organization="reno-pd",
        compartments=["safety"],
        purpose="investigation",
        basis_type="court_order",
        basis_reference="24-JV-1",
        expires_at=timezone.now() + timedelta(days=30),
    )
    r = client.post(f"/cases/{world.case.pk}/team", body)
    assert r.status_code == 302
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Reno Police" in html and "Detective" in html
    r = client.post(
        f"/cases/{world.case.pk}/team",
        {"organization": "reno-pd", "role_on_case": "detective", "user_email": world.worker.email},
    )
    assert r.status_code == 422 and "is not a member of Reno Police" in r.content.decode()
    member = world.case.team.get(organization=world.police)
    assert client.post(f"/cases/{world.case.pk}/team/{member.pk}/remove").status_code == 302
    member.refresh_from_db()
    assert member.active is False


# --- screening and obligations -----------------------------------------------------------------


def test_screening_page_is_an_observational_checklist_with_the_notice(world):
    html = _client(world.worker).get(f"/cases/{world.case.pk}/screen").content.decode()
    assert "Do not directly ask the child or family these questions" in html
    assert 'name="identified_by"' in html and 'type="datetime-local"' in html
    assert 'name="cv_law_enforcement"' in html
    assert "As the protocol decides" in html


def test_screening_with_nrit_confirmed_by_law_enforcement_starts_three_clocks(world):
    client = _client(world.worker)
    r = client.post(
        f"/cases/{world.case.pk}/screen",
        {
            "instrument": "nrit",
            "cv_law_enforcement": "on",
            "identified_by": "law_enforcement",
            "identified_at": (timezone.localtime() - timedelta(minutes=30)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "setting": "field",
            "urgent": "rule",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    page = client.get(r["Location"])
    html = page.content.decode()
    assert "Confirmed" in html
    for title in (
        "Convene a Rapid Response MDT on scene",
        "Convene the full MDT (72-Hour MDT)",
        "Report to the local child-welfare agency",
        "immediate safety at first contact",
    ):
        assert title in html
    assert "left" in html
    case_page = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Who can respond now" in case_page


def test_screening_without_the_identification_time_is_refused_beside_the_field(world):
    r = _client(world.worker).post(
        f"/cases/{world.case.pk}/screen",
        {"instrument": "nrit", "cv_law_enforcement": "on", "identified_by": "school"},
    )
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="id_identified_at_error"' in html and "say when the youth was identified" in html
    assert "cv_law_enforcement" in html and "checked" in html  # the ticks are kept


def test_overriding_urgency_needs_a_reason(world):
    r = _client(world.worker).post(
        f"/cases/{world.case.pk}/screen",
        {
            "instrument": "nrit",
            "cv_law_enforcement": "on",
            "identified_by": "law_enforcement",
            "identified_at": "2026-11-30T10:00",
            "urgent": "no",
        },
    )
    assert r.status_code == 422
    assert "give a reason to decide otherwise" in r.content.decode()


def test_overdue_obligation_is_red_with_time_passed(world):
    response_services.record_screening(
        actor=world.worker,
        case_id=world.case.pk,
        instrument="nrit",
        answers=NRIT_CONFIRMED,
        identified_by="law_enforcement",
        identified_at=timezone.now() - timedelta(hours=5),
    )
    html = _client(world.worker).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Overdue" in html and "overdue by 3 h" in html
    assert "text-secondary-dark" in html


def test_completing_an_obligation_needs_evidence(world):
    _, created = world.screen()
    target = next(o for o in created if o.kind == "mdt_72h")
    client = _client(world.worker)
    url = f"/cases/{world.case.pk}/obligations/{target.pk}/complete"
    prefix = f"o{target.pk}-"
    r = client.post(url, {prefix + "obligation": target.pk, prefix + "version": target.version})
    assert r.status_code == 422
    assert "record what was done" in r.content.decode()
    r = client.post(
        url,
        {
            prefix + "obligation": target.pk,
            prefix + "version": target.version,
            prefix + "report_number": "CW-2026-1",
        },
    )
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.status == Status.DONE


def test_only_supervisors_are_offered_waive(world):
    _, created = world.screen()
    # Child welfare opened the case: its report to child welfare is recorded as received, not
    # work to waive (issue 12); the open obligations are the ones offered.
    created = [o for o in created if o.status == Status.OPEN]
    target = created[0]
    worker_html = _client(world.worker).get(f"/cases/{world.case.pk}/").content.decode()
    assert "Waive (supervisors)" not in worker_html
    client = _client(world.supervisor)
    assert "Waive (supervisors)" in client.get(f"/cases/{world.case.pk}/").content.decode()
    url = f"/cases/{world.case.pk}/obligations/{target.pk}/waive"
    prefix = f"w{target.pk}-"
    base = {prefix + "obligation": target.pk, prefix + "version": target.version}
    r = client.post(url, {**base, prefix + "reason": "short"})
    assert r.status_code == 422 and "10+ characters" in r.content.decode()
    r = client.post(url, {**base, prefix + "reason": "Already reported by the school this morning"})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.status == Status.WAIVED
    # and a caseworker posting the waive form directly is refused
    other = created[1]
    r = _client(world.worker).post(
        f"/cases/{world.case.pk}/obligations/{other.pk}/waive",
        {
            f"w{other.pk}-obligation": other.pk,
            f"w{other.pk}-version": other.version,
            f"w{other.pk}-reason": "no reason at all here",
        },
    )
    assert r.status_code == 403


def test_obligations_dashboard_lists_overdue_first(world):
    world.screen()
    client = _client(world.worker)
    html = client.get("/obligations/").content.decode()
    assert html.index("Overdue (") < html.index("Due next (")
    assert "Mara Quill" in html
    assert "Convene the full MDT" in html
    assert "Mara Quill" in client.get("/obligations/?scope=org").content.decode()


def test_obligations_dashboard_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    world.screen()
    client = _client(world.worker)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/obligations/?scope=org").status_code == 200
    for i in range(10):
        case = case_services.open_case(
            actor=world.worker, youth={"first_name": f"Y{i}", "last_name": f"Z{i}"}
        )
        response_services.record_screening(
            actor=world.worker,
            case_id=case.pk,
            instrument="nrit",
            answers=NRIT_CONFIRMED,
            identified_by="law_enforcement",
            identified_at=timezone.now() - timedelta(hours=i),
        )
    assert Obligation.objects.count() > 30
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get("/obligations/?scope=org")
    assert r.status_code == 200


def test_case_page_queries_do_not_grow_with_notes_screenings_and_meetings(
    world, django_assert_max_num_queries
):
    world.note("medical", "one")
    world.screen()
    client = _client(world.mentor)  # an advocate: every section, privileged notes too
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/cases/{world.case.pk}/").status_code == 200
    for compartment in ("medical", "safety", "advocate_privileged", "identity"):
        world.note(compartment, "many", 30)
    for _ in range(5):
        world.screen(NRIT_HIGH_RISK, by="school")
        response_services.record_meeting(
            actor=world.worker,
            case_id=world.case.pk,
            kind="review",
            held_at=timezone.now() - timedelta(hours=1),
            attendees=[world.worker.email, world.supervisor.email],
            actions=[{"text": "Call", "owner": world.worker.email, "due_on": "2026-12-20"}],
        )
        case_services.add_reference(
            actor=world.worker, case_id=world.case.pk, kind="court_case", value="24-JV-1"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(f"/cases/{world.case.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    # the latest 10 notes of each compartment, and a way to all 30
    assert html.count("many ") == 40
    assert html.count("Show all 30") == 3 and "Show all 31" in html  # medical has one more
    with django_assert_max_num_queries(len(few.captured_queries)):
        every = client.get(f"/cases/{world.case.pk}/?notes=medical").content.decode()
    assert every.count("many ") == 30 + 3 * 10


# --- MDT meetings -----------------------------------------------------------------------------


def test_meeting_form_records_and_closes_the_rapid_response(world):
    _, created = world.screen()
    client = _client(world.worker)
    page = client.get(f"/cases/{world.case.pk}/meetings/new").content.decode()
    assert world.supervisor.email in page
    held = (timezone.localtime() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        f"/cases/{world.case.pk}/meetings/new",
        {
            "kind": "rapid_response",
            "held_at": held,
            "action-0-text": "Find a placement",
            "action-0-owner": world.worker.email,
            "action-0-due_on": "next week",
        },
    )
    assert bad.status_code == 422
    assert "use a date like" in bad.content.decode()
    assert 'value="Find a placement"' in bad.content.decode()
    r = client.post(
        f"/cases/{world.case.pk}/meetings/new",
        {
            "kind": "rapid_response",
            "held_at": held,
            "attendees": [world.worker.email, world.supervisor.email],
            "youth_participated": "on",
            "decisions": "Placement at the shelter tonight",
            "action-0-text": "Find a placement",
            "action-0-owner": world.worker.email,
            "action-0-due_on": "2026-12-09",
        },
    )
    assert r.status_code == 302
    rapid = next(o for o in created if o.kind == "rapid_response_mdt")
    rapid.refresh_from_db()
    assert rapid.status == Status.DONE
    html = client.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Placement at the shelter tonight" in html and "The youth took part" in html


# --- sharing and consent ----------------------------------------------------------------------


def test_sharing_summary_is_plain_language(world):
    access_services.create_share(
        actor=world.worker,
        case_id=world.case.pk,
        organization=world.juvenile.slug,
        compartments=["safety", "screening"],
        purpose="supervision",
        basis_type="court_order",
        basis_reference="24-JV-118",
        expires_at=datetime(2027, 3, 3, 23, 0, tzinfo=UTC) - timedelta(hours=8),
    )
    html = _client(world.worker).get(f"/cases/{world.case.pk}/sharing").content.decode()
    assert (
        "Washoe County Juvenile Services can see: screening, safety — until 3 March 2027, "
        "because: court order 24-JV-118"
    ) in html
    assert "14 to 17: the youth&#x27;s own assent AND a parent" in html or "14 to 17" in html


def _share(client, case_id, data, *, stop_at: str | None = None):
    """Walk the sharing wizard (issue 13, item 8) with `data` (the form's share-* fields): who,
    what, why, the consent step when the basis is consent, then confirm. Returns the first answer
    that is not a step forward (a 422 with the step's problems), else the confirmation's."""
    base = f"/cases/{case_id}/sharing/new/"
    assert client.get(base).status_code == 200
    steps = {
        "who": ("organization", "role"),
        "what": ("compartments", "may_edit"),
        "why": ("purpose", "basis_type", "basis_reference", "expires_on"),
    }
    for step, names in steps.items():
        if step == stop_at:
            return client.get(base + step)
        body = {f"share-{n}": data[f"share-{n}"] for n in names if f"share-{n}" in data}
        r = client.post(base + step, body)
        if r.status_code != 302:
            return r
    if data.get("share-basis_type") == "consent":
        r = client.post(base + "consent", {"action": "continue"})
        if r.status_code != 302:
            return r
    if stop_at == "confirm":
        return client.get(base + "confirm")
    return client.post(base + "confirm")


def test_share_created_through_the_wizard_and_ended_after_a_confirmation(world):
    client = _client(world.worker)
    data = {
        "share-organization": "reno-pd",
        "share-compartments": ["screening", "safety"],
        "share-purpose": "investigation",
        "share-basis_type": "mandated_report",
        "share-basis_reference": "R-1",
        "share-expires_on": "2027-03-03",
    }
    check = _share(client, world.case.pk, data, stop_at="confirm").content.decode()
    assert (
        "Reno Police will be able to see: screening, safety — until 3 March 2027, because: "
        "mandated report R-1"
    ) in check
    assert not Share.objects.exists()  # nothing shared before the last step
    r = _share(client, world.case.pk, data)
    assert r.status_code == 302
    share = Share.objects.get()
    assert share.compartments == ["screening", "safety"]
    html = client.get(f"/cases/{world.case.pk}/sharing").content.decode()
    assert (
        "Reno Police can see: screening, safety — until 3 March 2027, because: mandated report R-1"
        in html
    )
    confirm = client.get(f"/cases/{world.case.pk}/sharing/shares/{share.pk}/end")
    assert "Reno Police loses access to screening, safety at once." in confirm.content.decode()
    share.refresh_from_db()
    assert share.ended_at is None  # asking is not ending
    r = client.post(f"/cases/{world.case.pk}/sharing/shares/{share.pk}/end")
    assert r.status_code == 302
    share.refresh_from_db()
    assert share.ended_at is not None


def test_letting_a_shared_organization_change_the_record_is_a_plain_checkbox_off_by_default(
    world,
):
    """Issue 10, hole 4 on the pages: the owner grants the right to change explicitly; the
    sharing page says who may change what, and the other organization's case page offers the
    change forms only with that grant."""
    client = _client(world.worker)
    client.get(f"/cases/{world.case.pk}/sharing/new/")
    client.post(f"/cases/{world.case.pk}/sharing/new/who", {"share-organization": "reno-pd"})
    page = client.get(f"/cases/{world.case.pk}/sharing/new/what").content.decode()
    box = re.search(r'<input class="usa-checkbox__input" id="id_share-may_edit"[^>]*>', page)
    assert box and "checked" not in box.group(0)
    assert "They may also change what they can see" in page
    assert "Leave this off and they can only read what you share and add notes to it" in page
    common = {
        "share-organization": "reno-pd",
        "share-purpose": "investigation",
        "share-basis_type": "court_order",
        "share-basis_reference": "24-JV-7",
        "share-expires_on": "2027-03-03",
    }
    r = _share(
        client, world.case.pk, {**common, "share-compartments": ["identity", "placement_address"]}
    )
    assert r.status_code == 302
    officer = _client(world.officer)
    html = officer.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Mara Quill" in html
    assert 'id="edit-identity"' not in html and "Change the placement address" not in html
    assert "only Washoe Child Welfare changes the record" in html
    before = Case.objects.get(pk=world.case.pk).version
    refused = officer.post(
        f"/cases/{world.case.pk}/identity",
        {"first_name": "Other", "last_name": "Quill", "version": before},
    )
    assert refused.status_code == 403
    assert Case.objects.get(pk=world.case.pk).version == before
    Share.objects.update(ended_at=timezone.now())

    r = _share(
        client,
        world.case.pk,
        {**common, "share-compartments": ["identity", "placement_address"], "share-may_edit": "on"},
    )
    assert r.status_code == 302
    assert Share.objects.get(ended_at__isnull=True).may_edit is True
    sharing = client.get(f"/cases/{world.case.pk}/sharing").content.decode()
    assert "Reno Police can see and change: identity, placement address — until" in sharing
    html = officer.get(f"/cases/{world.case.pk}/").content.decode()
    assert 'id="edit-identity"' in html and "Change the placement address" in html
    assert "Washoe Child Welfare also lets you change: identity, placement address" in html
    r = officer.post(
        f"/cases/{world.case.pk}/placement",
        {"address": "12 Synthetic Court", "version": before},
    )
    assert r.status_code == 302
    assert Case.objects.get(pk=world.case.pk).placement_address == "12 Synthetic Court"


def test_each_wizard_step_says_every_problem_of_its_fields_at_once(world):
    client = _client(world.worker)
    base = f"/cases/{world.case.pk}/sharing/new/"
    client.get(base)
    r = client.post(base + "who", {"share-organization": ""})
    assert r.status_code == 422 and 'id="id_share-organization_error"' in r.content.decode()
    assert client.post(base + "who", {"share-organization": "reno-pd"}).status_code == 302
    r = client.post(base + "what", {"share-compartments": ["advocate_privileged"]})
    assert r.status_code == 422
    assert "never shared with law enforcement" in r.content.decode()
    assert client.post(base + "what", {"share-compartments": ["screening"]}).status_code == 302
    r = client.post(base + "why", {"share-purpose": "", "share-basis_type": "court_order"})
    assert r.status_code == 422
    html = r.content.decode()
    assert 'id="id_share-purpose_error"' in html
    assert "say what the information is shared for" in html
    assert "name the report, order or MOU" in html
    assert "give the date and time the access ends" in html
    # A later step opened early goes back to the first one that does not hold yet.
    assert client.get(base + "confirm")["Location"].endswith("/sharing/new/why")
    assert not Share.objects.exists()


def test_the_wizard_records_the_consent_a_share_needs_right_there(world):
    """Sharing on consent: the consent step says what the pack's rule needs for the youth's age,
    records each consent in place (filled in from the share), refuses to go on while one is
    missing, and the confirmation names the consents the share will rest on."""
    client = _client(world.worker)
    base = f"/cases/{world.case.pk}/sharing/new/"
    client.get(base)
    client.post(base + "who", {"share-organization": "reno-pd"})
    client.post(base + "what", {"share-compartments": ["screening"]})
    r = client.post(
        base + "why",
        {
            "share-purpose": "investigation",
            "share-basis_type": "consent",
            "share-expires_on": "2027-03-03",
        },
    )
    assert r["Location"].endswith("/consent")
    page = client.get(base + "consent").content.decode()
    assert 'id="consents-missing"' in page and "own assent or consent" in page
    assert 'value="reno-pd" checked' in page  # the consent form is filled in from the share
    assert 'value="screening" checked' in page
    refused = client.post(base + "consent", {"action": "continue"})
    assert refused.status_code == 422
    assert "Record the consent still needed" in refused.content.decode()
    for kind, who in (("youth_assent", "Mara Quill"), ("parent_guardian", "Ana Quill")):
        r = client.post(
            base + "consent",
            {
                "action": "record",
                "consent-kind": kind,
                "consent-given_by": who,
                "consent-recipients": ["reno-pd"],
                "consent-compartments": ["screening"],
                "consent-purpose": "investigation",
                "consent-evidence": "signed_form",
                "consent-evidence_reference": "form-7",
            },
        )
        assert r.status_code == 302, r.content.decode()[:2000]
    page = client.get(base + "consent").content.decode()
    assert 'id="consent-met"' in page
    reads = AuditEvent.objects.filter(object_type="access.sharing", action="view")
    assert reads.filter(detail__recipient="reno-pd").exists()  # the consents shown: a read
    assert client.post(base + "consent", {"action": "continue"})["Location"].endswith("/confirm")
    check = client.get(base + "confirm").content.decode()
    assert "Reno Police will be able to see: screening — until 3 March 2027" in check
    assert "because: consent of the youth recorded" in check
    assert "and consent of a parent or guardian recorded" in check
    assert not Share.objects.exists()
    done = client.post(base + "confirm", follow=True).content.decode()
    assert "Shared. Reno Police can see: screening — until 3 March 2027" in done
    share = Share.objects.get()
    assert share.basis_type == "consent" and share.consents.count() == 2


def test_sharing_offers_organizations_grouped_by_what_they_do(world):
    client = _client(world.worker)
    client.get(f"/cases/{world.case.pk}/sharing/new/")
    page = client.get(f"/cases/{world.case.pk}/sharing/new/who").content.decode()
    assert '<optgroup label="Law enforcement">' in page
    assert "Washoe Child Welfare</option>" not in page  # not the owner itself


def test_consent_recorded_then_revoked_ends_its_shares(world):
    client = _client(world.worker)
    for kind in ("youth_assent", "parent_guardian"):
        r = client.post(
            f"/cases/{world.case.pk}/sharing/consents",
            {
                "consent-kind": kind,
                "consent-given_by": "Mara Quill" if kind == "youth_assent" else "Ana Quill",
                "consent-recipients": ["reno-pd"],
                "consent-compartments": ["screening"],
                "consent-purpose": "investigation",
                "consent-evidence": "signed_form",
                "consent-evidence_reference": "form-7",
            },
        )
        assert r.status_code == 302, r.content.decode()[:3000]
    r = _share(
        client,
        world.case.pk,
        {
            "share-organization": "reno-pd",
            "share-compartments": ["screening"],
            "share-purpose": "investigation",
            "share-basis_type": "consent",
            "share-expires_on": "2027-03-03",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    html = client.get(f"/cases/{world.case.pk}/sharing").content.decode()
    assert "because: consent of the youth recorded" in html
    consent = world.case.consents.get(kind="youth_assent")
    confirm = client.get(f"/cases/{world.case.pk}/sharing/consents/{consent.pk}/revoke")
    assert "This ends 1 share at once" in confirm.content.decode()
    r = client.post(f"/cases/{world.case.pk}/sharing/consents/{consent.pk}/revoke")
    assert r.status_code == 302
    assert not Share.objects.active().exists()


def test_consent_without_evidence_reference_is_refused(world):
    r = _client(world.worker).post(
        f"/cases/{world.case.pk}/sharing/consents",
        {
            "consent-kind": "youth_assent",
            "consent-given_by": "Mara",
            "consent-recipients": ["reno-pd"],
            "consent-compartments": ["screening"],
            "consent-purpose": "x",
            "consent-evidence": "signed_form",
        },
    )
    assert r.status_code == 422
    assert "name the signed form" in r.content.decode()


def test_sharing_page_is_for_managers_only(world):
    world.share(world.police, ["screening"])
    coordinator = _user("coordinator", world.owner)
    assert _client(coordinator).get(f"/cases/{world.case.pk}/sharing").status_code == 403
    assert _client(world.officer).get(f"/cases/{world.case.pk}/sharing").status_code == 403
    assert _client(world.stranger).get(f"/cases/{world.case.pk}/sharing").status_code == 404
    assert _client(world.worker).get(f"/cases/{world.case.pk}/sharing").status_code == 200


# --- break-glass and who saw ------------------------------------------------------------------


def test_break_glass_opens_the_case_with_a_banner_and_queues_a_review(world):
    client = _client(world.stranger)
    r = client.post(
        "/cases/break-glass",
        {"case_number": 999999, "reason": "youth in danger now", "confirmed": "on"},
    )
    assert r.status_code == 404
    assert "No such case" in r.content.decode()
    r = client.post("/cases/break-glass", {"case_number": world.case.pk, "reason": "short"})
    assert r.status_code == 422 and "at least 10 characters" in r.content.decode()
    asked = {"case_number": world.case.pk, "reason": "Youth found at a motel, placement needed"}
    r = client.post("/cases/break-glass", asked)
    assert r.status_code == 200 and "for 4 hours" in r.content.decode()
    assert not BreakGlass.objects.exists()
    r = client.post("/cases/break-glass", {**asked, "confirmed": "on"})
    assert r.status_code == 302 and r["Location"] == f"/cases/{world.case.pk}/"
    html = client.get(r["Location"]).content.decode()
    assert "Emergency access until" in html and "this is recorded and reviewed" in html
    assert "Mara Quill" in html
    assert 'id="section-advocate_privileged"' not in html

    assert _client(world.worker).get("/cases/break-glass/reviews").status_code == 404
    reviewer = _client(world.supervisor)
    queue = reviewer.get("/cases/break-glass/reviews").content.decode()
    assert "Youth found at a motel" in queue and world.stranger.email in queue
    glass = BreakGlass.objects.get()
    bad = reviewer.post(
        f"/cases/break-glass/reviews/{glass.pk}", {f"g{glass.pk}-outcome": "not_justified"}
    )
    assert bad.status_code == 422 and "say what was wrong" in bad.content.decode()
    ok = reviewer.post(
        f"/cases/break-glass/reviews/{glass.pk}", {f"g{glass.pk}-outcome": "justified"}
    )
    assert ok.status_code == 302
    glass.refresh_from_db()
    assert glass.outcome == "justified"


@pytest.mark.parametrize(
    "reason", ["short", "Youth found at a motel, placement needed"], ids=["short", "valid"]
)
def test_the_break_glass_page_answers_alike_for_a_missing_and_an_unopenable_case(world, reason):
    """Issue 10, hole 2 on the page: a short reason is refused before the case is looked up, and
    a case that may not be opened (here the owner's own) answers like one that does not exist;
    each refusal is recorded for the person who asked."""
    client = _client(world.worker)
    missing_number = world.case.pk + 1000

    def page(number: int) -> tuple[int, str]:
        r = client.post(
            "/cases/break-glass", {"case_number": number, "reason": reason, "confirmed": "on"}
        )
        html = _main(r.content.decode()).replace(f'value="{number}"', 'value="N"')
        return r.status_code, re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)

    real, missing = page(world.case.pk), page(missing_number)
    assert real == missing
    assert real[0] == (422 if reason == "short" else 404)
    assert not BreakGlass.objects.exists()
    refused = AuditEvent.objects.filter(action="break_glass_refused", actor_id=world.worker.pk)
    assert sorted(refused.values_list("object_id", flat=True)) == sorted(
        [str(world.case.pk), str(missing_number)]
    )


def test_removing_a_team_member_of_another_case_changes_nothing(world):
    """Issue 10, hole 6: the member must be on the team of the case in the address before
    anything is changed; a member of another case answers like one that does not exist."""
    client = _client(world.worker)
    other = case_services.open_case(
        actor=world.worker, youth={"first_name": "Lio", "last_name": "Park", "dob": "2011-02-03"}
    )
    member = case_services.add_team_member(
        actor=world.worker,
        case_id=other.pk,
        organization=world.owner.slug,
        role_on_case="case_manager",
        name="Sam Example",
    )
    recorded = AuditEvent.objects.count()
    wrong = client.post(f"/cases/{world.case.pk}/team/{member.pk}/remove")
    nowhere = client.post(f"/cases/{world.case.pk}/team/{member.pk + 1000}/remove")
    assert wrong.status_code == nowhere.status_code == 404
    assert _main(wrong.content.decode()) == _main(nowhere.content.decode())
    member.refresh_from_db()
    assert member.active is True
    assert AuditEvent.objects.count() == recorded
    right = client.post(f"/cases/{other.pk}/team/{member.pk}/remove")
    assert right.status_code == 302
    member.refresh_from_db()
    assert member.active is False


def test_who_saw_this_record_link_is_for_reviewers(world):
    assert (
        "Who saw this record"
        not in _client(world.worker).get(f"/cases/{world.case.pk}/").content.decode()
    )
    html = _client(world.supervisor).get(f"/cases/{world.case.pk}/").content.decode()
    assert f"/audit/youth/{world.case.youth_id}" in html


def test_ending_a_share_through_another_cases_address_ends_nothing(world):
    """The share must be one of the case in the address before it is ended: a share of another
    case the same person manages answers like one that does not exist, and stays."""
    share = world.share(world.police, ["screening"])
    other = case_services.open_case(
        actor=world.worker, youth={"first_name": "Lio", "last_name": "Park", "dob": "2011-02-03"}
    )
    r = _client(world.worker).post(f"/cases/{other.pk}/sharing/shares/{share.pk}/end")
    assert r.status_code == 404
    share.refresh_from_db()
    assert share.ended_at is None


def test_sharing_refusals_reach_the_error_pages(world):
    """Issue 11 (thin views): the sharing pages ask sharing.selectors (managed_case,
    active_share, case_consent) and let NotFound and Forbidden reach the error pages: the same
    answers as when each view raised Http404 or PermissionDenied itself."""
    world.share(world.police, ["screening"])
    url = f"/cases/{world.case.pk}/sharing"
    assert _client(world.officer).post(url + "/consents", {}).status_code == 403
    assert _client(world.officer).get(url + "/consents/1/revoke").status_code == 403
    assert _client(world.stranger).post(url + "/consents", {}).status_code == 404
    assert _client(world.stranger).get(url + "/consents/1/revoke").status_code == 404
    client = _client(world.worker)
    assert client.get(url + "/shares/999999/end").status_code == 404
    assert client.post(url + "/shares/999999/end").status_code == 404
    assert client.get(url + "/consents/999999/revoke").status_code == 404
    assert client.post(url + "/consents/999999/revoke").status_code == 404
    refused = client.post(url + "/consents", {"consent-given_by": "Mara"})
    assert refused.status_code == 422 and 'value="Mara"' in refused.content.decode()

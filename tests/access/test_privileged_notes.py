"""Advocate-privileged notes belong to the advocate's organization (issue 13, decision 0043).

The permission table (table.py) checks every role × organization type × relation through the
API; this file checks what the table does not: the case page, a holding organization's
consent-based share, the case list agreeing with the single read for a team advocate, and that
no read of notes anywhere in the code bypasses the holder filter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from harborline.access.models import BasisType
from harborline.cases import selectors
from harborline.cases.models import CaseTeamMember, Note
from harborline.errors import NotFound
from tests.factories import give_totp_device, sign_in

from . import factories as f

pytestmark = pytest.mark.django_db

PRIVILEGED = "advocate_privileged"
SECRET = "Synthetic privileged note zqSECRETqz"
SRC = Path(__file__).resolve().parents[2] / "src" / "harborline"


def _browser(user):
    give_totp_device(user)
    return sign_in(Client(), user)


def _on_team(case, user):
    membership = user.membership
    return CaseTeamMember.objects.create(
        case=case,
        organization=membership.organization,
        user=user,
        role_on_case="mentor_advocate",
        added_by=case.opened_by,
    )


@pytest.fixture
def world():
    owner = f.user(f.org("child_welfare"), "caseworker")
    made = f.case(owner, notes=False)
    advocacy = f.org("community_advocacy")
    mentor = f.user(advocacy, "mentor_advocate")
    _on_team(made, mentor)
    return owner, made, advocacy, mentor


def test_the_case_page_offers_the_owners_caseworker_no_privileged_section(world):
    owner, made, _, _ = world
    page = _browser(owner).get(reverse("web:case_detail", args=[made.pk])).content.decode()
    assert "Add a note to Advocate-privileged notes" not in page
    assert 'id="section-advocate_privileged"' not in page


def test_a_team_advocate_writes_on_the_page_and_the_owner_learns_only_that_notes_exist(world):
    owner, made, advocacy, mentor = world
    browser = _browser(mentor)
    page = browser.get(reverse("web:case_detail", args=[made.pk])).content.decode()
    assert "Add a note to Advocate-privileged notes" in page
    assert "Let the team know notes exist" in page
    # Only the privileged section: being on the team opens nothing else.
    assert re.findall(r'id="section-([a-z_]+)"', page) == [PRIVILEGED]
    r = browser.post(
        reverse("web:case_note", args=[made.pk]),
        {
            "compartment": PRIVILEGED,
            f"n-{PRIVILEGED}-text": SECRET,
            f"n-{PRIVILEGED}-existence_shown": "on",
        },
    )
    assert r.status_code == 302, r.content[:500]
    note = Note.objects.get(case=made, compartment=PRIVILEGED)
    assert note.author_org_id == advocacy.pk and note.existence_shown
    assert SECRET in browser.get(reverse("web:case_detail", args=[made.pk])).content.decode()

    page = _browser(owner).get(reverse("web:case_detail", args=[made.pk])).content.decode()
    assert SECRET not in page
    assert f"{advocacy.name} keeps advocate-privileged notes on this case" in page
    body = f.Api(owner).get(f"/cases/{made.pk}").json()
    assert PRIVILEGED not in body["sections"]
    assert body["privileged_elsewhere"] == [{"organization": advocacy.slug, "name": advocacy.name}]
    assert SECRET not in str(body)


def test_without_the_flag_the_owner_is_not_told(world):
    owner, made, _, mentor = world
    r = f.Api(mentor).post(f"/cases/{made.pk}/notes", {"compartment": PRIVILEGED, "text": SECRET})
    assert r.status_code == 201
    assert f.Api(owner).get(f"/cases/{made.pk}").json()["privileged_elsewhere"] == []


def test_the_flag_is_not_kept_on_a_note_of_the_owners_record(world):
    owner, made, _, _ = world
    r = f.Api(owner).post(
        f"/cases/{made.pk}/notes",
        {"compartment": "safety", "text": "Met.", "existence_shown": True},
    )
    assert r.status_code == 201
    assert not Note.objects.get(pk=r.json()["id"]).existence_shown


def test_a_barred_organization_on_the_team_is_neither_offered_nor_told(world):
    _, made, _, mentor = world
    f.Api(mentor).post(
        f"/cases/{made.pk}/notes",
        {"compartment": PRIVILEGED, "text": SECRET, "existence_shown": True},
    )
    officer = f.user(f.org("law_enforcement"), "mentor_advocate")
    _on_team(made, officer)
    f.share(made, officer.membership.organization, [PRIVILEGED, "identity"], by=made.opened_by)
    body = f.Api(officer).get(f"/cases/{made.pk}").json()
    assert set(body["sections"]) == {"identity"}
    assert body["privileged_elsewhere"] == []
    assert SECRET not in str(body)


def test_only_the_holders_own_consent_based_share_passes_its_notes_on():
    """A holding organization (here it owns the case) shares its privileged notes with another
    advocate organization only on the youth's consent; another basis opens nothing, and a
    holder's share never carries another holder's notes."""
    holder = f.user(f.org("community_advocacy"), "caseworker")
    made = f.case(holder)  # the privileged note is the holder's
    third = f.user(f.org("system_advocacy"), "mentor_advocate")
    _on_team(made, third)
    Note.objects.create(
        case=made,
        compartment=PRIVILEGED,
        text=SECRET,
        author=third,
        author_org=third.membership.organization,
        existence_shown=True,
    )
    reader_org = f.org("system_advocacy")
    reader = f.Api(f.user(reader_org, "supervisor"))
    court = f.share(made, reader_org, [PRIVILEGED, "identity"], by=holder)
    body = reader.get(f"/cases/{made.pk}").json()
    assert PRIVILEGED not in body["sections"]
    court.basis_type = BasisType.CONSENT
    court.save()
    body = reader.get(f"/cases/{made.pk}").json()
    notes = [n["text"] for n in body["sections"][PRIVILEGED]["notes"]]
    assert notes == [f.note_text(PRIVILEGED)]  # the holder's note, not the third's
    assert SECRET not in str(body)
    # A reader of the same share who is no advocate is not offered them.
    coordinator = f.Api(f.user(reader_org, "coordinator"))
    assert PRIVILEGED not in coordinator.get(f"/cases/{made.pk}").json()["sections"]


@pytest.mark.parametrize(
    ("org_type", "role", "opens"),
    [
        ("community_advocacy", "caseworker", True),
        ("system_advocacy", "supervisor", True),
        ("medical", "mentor_advocate", True),
        ("medical", "caseworker", False),
        ("community_advocacy", "org_admin", False),
        ("probation", "mentor_advocate", False),
    ],
)
def test_the_case_list_agrees_with_the_read_for_the_case_team(org_type, role, opens):
    owner = f.user(f.org("child_welfare"), "caseworker")
    made = f.case(owner, notes=False)
    member = f.user(f.org(org_type), role)
    _on_team(made, member)
    listed = made.pk in set(selectors.visible_cases(member).values_list("pk", flat=True))
    try:
        selectors.case_for(member, made.pk)
        read = True
    except NotFound:
        read = False
    assert listed == read == opens


def test_an_inactive_team_membership_opens_nothing(world):
    _, made, _, mentor = world
    CaseTeamMember.objects.filter(case=made).update(active=False)
    assert f.Api(mentor).get(f"/cases/{made.pk}").status_code == 404


def test_every_read_of_notes_goes_through_the_holder_filter():
    """Notes are read in one place, `cases.selectors.case_sections`, which filters privileged
    notes by holder (`readable_notes`); a new reader elsewhere (an export, a search, a timeline,
    an audit detail) must use it too. The demo generator writes notes and reads none."""
    readers = []
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for match in re.finditer(
            r"Note\.objects\.(?!create|bulk_create)|\.notes\.(all|filter)", text
        ):
            readers.append(f"{path.relative_to(SRC)}:{match.group(0)}")
    allowed = {"cases/selectors.py:Note.objects."}
    assert set(readers) <= allowed, readers

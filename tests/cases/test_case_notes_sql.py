"""The case page reads notes in one SQL statement (`cases.selectors._notes`, issue 11: the ORM
spent ~4 ms of Python compiling it). It must return exactly what the same read through the ORM
returns — the read it replaced, kept here as the oracle — for every kind of reader (owner,
shared reader, team advocate, consent-based holder, a barred organization on the team,
break-glass), with and without the per-compartment limit and "show all" of one compartment:
the same notes, the same order, the same counts, the same other holders (each once), and no text
of a note the reader may not read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.models import BasisType
from harborline.access.policy import Grant
from harborline.cases import selectors
from harborline.cases.models import Case, CaseTeamMember, Note
from harborline.crypto.fields import decrypt
from tests.access import factories as f

pytestmark = pytest.mark.django_db

PRIVILEGED = c.Compartment.ADVOCATE_PRIVILEGED


def _orm(case: Case, grant: Grant, n: int | None, all_in: str) -> list[tuple[Any, ...]]:
    """The read as it was written through the ORM (before the third round)."""
    seen = [name for name in c.ALL if grant.sees(name)]
    readable = Q(compartment__in=seen) & (
        ~Q(compartment=PRIVILEGED) | Q(author_org_id__in=sorted(grant.privileged_holders))
    )
    wanted = readable
    if grant.told_of_privileged:
        wanted |= Q(compartment=PRIVILEGED, existence_shown=True)
    notes = Note.objects.filter(wanted, case=case).annotate(
        readable=ExpressionWrapper(readable, output_field=BooleanField()),
        stored=DbCase(
            When(readable, then=Cast("text", TextField())),
            default=Value(""),
            output_field=TextField(),
        ),
    )
    if n is not None:
        apart: list[Any] = [
            F("compartment"),
            DbCase(
                When(readable, then=Value(0)),
                default=F("author_org_id"),
                output_field=IntegerField(),
            ),
        ]
        notes = notes.annotate(
            row=Window(
                RowNumber(), partition_by=apart, order_by=[F("created_at").desc(), F("pk").desc()]
            ),
            total=Window(Count("pk"), partition_by=apart),
        )
        keep = Q(row__lte=n)
        notes = notes.filter(keep | Q(compartment=all_in) if all_in else keep)
    out = []
    for note in notes.select_related("author", "author_org").order_by("-created_at", "-pk"):
        out.append(
            (
                note.pk,
                note.compartment,
                note.created_at,
                decrypt(note.stored) if note.readable else "",
                bool(note.readable),
                note.author.email,
                note.author_org.name,
                note.author_org.slug,
                note.total if n is not None else None,  # type: ignore[attr-defined]  # window
            )
        )
    return out


def _sql(case: Case, grant: Grant, n: int | None, all_in: str) -> list[tuple[Any, ...]]:
    return [
        (
            r.id,
            r.compartment,
            r.created_at,
            decrypt(r.stored) if r.readable else r.stored,
            r.readable,
            r.author,
            r.organization,
            r.organization_slug,
            r.total if n is not None else None,
        )
        for r in selectors._notes(case, grant, notes_per_compartment=n, all_notes_in=all_in)
    ]


def _team(case: Case, user: Any) -> None:
    CaseTeamMember.objects.create(
        case=case,
        organization=user.membership.organization,
        user=user,
        role_on_case="mentor_advocate",
        added_by=case.opened_by,
    )


@pytest.fixture
def readers():
    owner = f.user(f.org("child_welfare"), "caseworker")
    made = f.case(owner, notes=False)
    supervisor = f.user(owner.membership.organization, "supervisor")
    advocacy = f.org("community_advocacy")
    mentor = f.user(advocacy, "mentor_advocate")
    _team(made, mentor)
    other_advocacy = f.org("system_advocacy")
    other_mentor = f.user(other_advocacy, "caseworker")
    _team(made, other_mentor)
    officer = f.user(f.org("law_enforcement"), "mentor_advocate")
    _team(made, officer)
    f.share(made, officer.membership.organization, ["identity", "safety", PRIVILEGED], by=owner)
    consent_holder = f.user(f.org("community_advocacy"), "mentor_advocate")
    share = f.share(made, consent_holder.membership.organization, ["safety", PRIVILEGED], by=mentor)
    share.basis_type = BasisType.CONSENT
    share.save()
    stranger = f.user(f.org("medical"), "caseworker")
    f.glass(made, stranger)
    start = timezone.now() - timedelta(days=30)
    writers = [
        (owner, "safety", False),
        (supervisor, "safety", False),
        (owner, "screening", False),
        (owner, "identity", False),
        (mentor, PRIVILEGED, True),
        (mentor, PRIVILEGED, False),
        (other_mentor, PRIVILEGED, True),
        (other_mentor, PRIVILEGED, True),
        (owner, "medical", False),
    ]
    for i in range(27):
        author, compartment, shown = writers[i % len(writers)]
        Note.objects.create(
            case=made,
            compartment=compartment,
            text=f"Synthetic note {i} <b>&</b>",
            author=author,
            author_org=author.membership.organization,
            # Every third pair at the same instant: the id breaks the tie.
            created_at=start + timedelta(hours=i - i % 3),
            existence_shown=shown,
        )
    return made, [owner, supervisor, mentor, other_mentor, officer, consent_holder, stranger]


@pytest.mark.parametrize(
    "n, all_in", [(None, ""), (2, ""), (2, "safety"), (1, PRIVILEGED), (10, "")]
)
def test_the_sql_read_returns_what_the_orm_read_returned_for_every_reader(readers, n, all_in):
    made, people = readers
    kinds = set()
    for person in people:
        case, grant = selectors.case_for(person, made.pk)
        kinds.add((grant.via, bool(grant.privileged_holders), grant.told_of_privileged))
        expected, got = _orm(case, grant, n, all_in), _sql(case, grant, n, all_in)
        # The notes read: the same rows, order, text and counts.
        assert [r for r in got if r[4]] == [r for r in expected if r[4]], person.membership.role
        # Another holder's notes: the same holders, each once (the ORM read up to n of each).
        holders = [r[7] for r in got if not r[4]]
        assert len(holders) == len(set(holders))
        assert set(holders) == {r[7] for r in expected if not r[4]}
    # The readers cover owners, shares, the team, break-glass, holders and those told.
    assert {via for via, _, _ in kinds} >= {"owner", "share", "team", "break_glass"}
    assert any(holders for _, holders, _ in kinds) and any(told for _, _, told in kinds)


def test_a_note_the_reader_may_not_read_is_never_read_at_all(readers):
    made, people = readers
    owner = people[0]
    case, grant = selectors.case_for(owner, made.pk)
    rows = selectors._notes(case, grant, notes_per_compartment=10, all_notes_in="")
    others = [r for r in rows if not r.readable]
    assert others and all(r.stored == "" and r.compartment == PRIVILEGED for r in others)
    # One row per other holder that let the team know, never more.
    assert len(others) == len({r.organization_slug for r in others}) == 2


def test_the_placement_address_and_references_read_by_sql_are_the_models(db):
    from datetime import date

    from harborline.cases.models import ExternalReference, Placement

    owner = f.user(f.org("child_welfare"), "caseworker")
    made = f.case(owner, notes=False)  # one current placement
    case, grant = selectors.case_for(owner, made.pk)
    assert selectors._placement_address(case) == case.placement_address == "1 Synthetic Way"
    day = made.opened_at.date()
    for address, started, ended in [
        ("2 Ended Road <b>", day + timedelta(days=5), day + timedelta(days=6)),
        ("3 Same Day Lane", day, None),  # the same start: the later row wins
        ("", date(2001, 1, 1), None),
    ]:
        Placement.objects.create(
            case=made,
            kind="relative",
            started_on=started,
            ended_on=ended,
            address=address,
            recorded_by=owner,
        )
        assert selectors._placement_address(case) == Case.objects.get(pk=made.pk).placement_address
    assert selectors._placement_address(case) == "3 Same Day Lane"
    Placement.objects.filter(case=made, ended_on__isnull=True).update(ended_on=day)
    assert (
        selectors._placement_address(case) == Case.objects.get(pk=made.pk).placement_address == ""
    )

    for kind, value in [("court_case", "24-JV-118 <x>"), ("unity", "U-1"), ("ncmec_report", "N")]:
        ExternalReference.objects.create(
            case=made, kind=kind, value=value, note="synthetic & note", added_by=owner
        )
    shared = f.user(f.org("medical"), "caseworker")
    f.share(made, shared.membership.organization, ["legal"], by=owner)
    for person in (owner, shared):
        case, grant = selectors.case_for(person, made.pk)
        sections = selectors.case_sections(case, grant).sections
        expected: dict[str, list[dict[str, Any]]] = {}
        for r in ExternalReference.objects.filter(case=made).order_by("pk"):
            if grant.sees(r.compartment):
                expected.setdefault(r.compartment, []).append(
                    {"id": r.pk, "kind": r.kind, "value": r.value, "note": r.note}
                )
        got = {name: s["references"] for name, s in sections.items() if "references" in s}
        assert got == expected
    assert set(got) == {"legal"}


def test_the_team_read_by_sql_is_the_orm_read(readers, django_assert_num_queries):
    made, people = readers
    owner = people[0]
    CaseTeamMember.objects.create(
        case=made,
        organization=owner.membership.organization,
        name="Aunt (no account) <b>",
        role_on_case="other",
        added_by=owner,
    )
    gone = CaseTeamMember.objects.create(
        case=made,
        organization=owner.membership.organization,
        user=people[1],
        role_on_case="lead",
        added_by=owner,
    )
    gone.active = False
    gone.save()
    expected = list(
        CaseTeamMember.objects.filter(case=made, active=True)
        .select_related("organization", "user")
        .order_by("pk")
    )
    assert len(expected) == 4 and any(m.user is None for m in expected)
    with django_assert_num_queries(1):
        got = selectors.case_team(made)
        shown = [
            (
                m.organization.slug,
                m.organization.name,
                m.organization.type,
                m.organization.is_active,
                m.user.email if m.user else None,
                m.user.full_name if m.user else None,
                m.get_role_on_case_display(),
            )
            for m in got
        ]
    assert shown == [
        (
            m.organization.slug,
            m.organization.name,
            m.organization.type,
            m.organization.is_active,
            m.user.email if m.user else None,
            m.user.full_name if m.user else None,
            m.get_role_on_case_display(),
        )
        for m in expected
    ]
    for a, b in zip(got, expected, strict=True):
        for field in CaseTeamMember._meta.concrete_fields:
            assert getattr(a, field.attname) == getattr(b, field.attname), field.name

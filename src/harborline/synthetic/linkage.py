"""The statistical center's same-youth linkage in the demo (issue 17; see the package docstring
for the shape of a domain module). Demo scale, and only for a pack with a data code book
(Nevada's): without it there is no ZIP code to code and no submission to build.

Three agencies - Clark County's juvenile probation and sheriff's office, and Elko County's child
welfare office - have a data-sharing agreement with the statistical center whose identifiers
term is "encodings". Each has its own youth and cases open in the last full calendar year before
the seeding (the year the center's analyst reads), with the ZIP code coded in the code book as
the center's blocking needs, and its submission for that year, prepared by an analyst of the
agency and approved by its administrator on January 28 (earlier if the demo is seeded before).
Some youth are known to two or three of them, spelled alike or not; the center links the three
submissions in the order received, so the analyst finds youth linked automatically and pairs
waiting in the review queue on "Same-youth linkage". Each linking is audited as the center's
worker's is (no actor, one record a run): the demo's log holds the three runs beside the
seed's own record.

Deterministic for a seed: the installation's linkage key is made from the seed (the demo's
only; `harborline manage linkage_key --rotate` makes a random one), the encodings' bit flips
are drawn from a seeded generator and the record ids from the module's random stream - so the
same seed gives the same files, scores and pairs (their counts are in the seed's counts). The
agencies' other demo cases open in that year (only when the demo is seeded in the first weeks
of a year) are in their submissions too, as a real submission would have them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from harborline.agreements.models import (
    Agreement,
    AgreementParty,
    DataSubmission,
    Kind,
    add_years,
)
from harborline.cases.encodings import encode_many
from harborline.cases.models import Case, CaseStatus, CaseTeamMember, TeamRole, Youth
from harborline.crypto.own_secrets import new_secret
from harborline.errors import NotFound
from harborline.linkage import keys
from harborline.linkage.models import LinkageKey
from harborline.people.models import Membership, Organization, User
from harborline.people.roles import OrgType, Role
from harborline.reports import linking, submissions
from harborline.reports.codebook import codebook_of
from harborline.reports.models import (
    AgreementIdentifiers,
    CandidatePair,
    CaseCoding,
    Cluster,
    Identifiers,
    LinkedRecord,
    PairStatus,
    RecordPseudonym,
    Submission,
)

from . import cases as synthetic_cases
from .base import Context, moment
from .people import FIRST_NAMES, LAST_NAMES
from .states import demo_state

# The agencies, in the order their submissions reach the center (people.DEMO_ORGS keys).
AGENCIES = ("clark-probation", "clark-le", "elko-cw")
ZIPS = {
    "clark-probation": ("89101", "89104", "89108", "89110", "89115", "89121"),
    "clark-le": ("89101", "89104", "89106", "89115", "89117", "89121"),
    "elko-cw": ("89801", "89815", "89823"),
}
OTHER_YOUTH = 12  # per agency, besides the shared ones: the model learns from them what chance is


@dataclass(frozen=True)
class Spelling:
    """One agency's record of a youth: names as written, date of birth as (age at the end of
    the year, month, day) or None when not recorded, and the ZIP code coded."""

    first: str
    last: str
    born: tuple[int, int, int] | None
    zip_code: str
    again: bool = False  # a second case, opened after the first was closed: two records


# The youth known to more than one agency, by agency key. Names are people.py's made-up ones.
SHARED: tuple[dict[str, Spelling], ...] = (
    # Written alike everywhere: linked without review - but probation holds two records of her
    # (a case closed in the spring, another opened in the autumn), so the sheriff's record
    # matches both as well: both pairs wait for a person.
    {
        "clark-probation": Spelling("Sage", "Bitterbrush", (15, 3, 14), "89101", again=True),
        "clark-le": Spelling("Sage", "Bitterbrush", (15, 3, 14), "89101"),
    },
    {
        "clark-probation": Spelling("Quinn", "Talus", (16, 11, 22), "89104"),
        "clark-le": Spelling("Quinn", "Talus", (16, 11, 22), "89104"),
        "elko-cw": Spelling("Quinn", "Talus", (16, 11, 22), "89104"),
    },
    # Spelled otherwise: a typo in both names; a double surname written in part, the day and
    # month of birth transposed; a moved youth with no birth date at one agency.
    {
        "clark-probation": Spelling("Riley", "Saltgrass", (15, 8, 2), "89115"),
        "clark-le": Spelling("Rylee", "Saltgras", (15, 8, 2), "89115"),
    },
    {
        "clark-probation": Spelling("Avery", "Cholla-Arroyo", (14, 5, 7), "89110"),
        "elko-cw": Spelling("Avery", "Cholla", (14, 7, 5), "89110"),
    },
    {
        "clark-le": Spelling("Jamie", "Ironwood", (14, 4, 25), "89106"),
        "elko-cw": Spelling("Jamie", "Ironwood", None, "89801"),
    },
    # Not the same youth: a surname and a ZIP code in common, different given names and dates.
    {
        "clark-probation": Spelling("Kai", "Mesquite", (17, 1, 2), "89121"),
        "clark-le": Spelling("Noel", "Mesquite", (14, 6, 9), "89121"),
    },
)


def _born(year: int, born: tuple[int, int, int] | None) -> str:
    if born is None:
        return ""
    age, month, day = born
    return date(year - age, month, day).isoformat()


def _others(rng: random.Random, key: str, used: set[tuple[str, str]]) -> list[Spelling]:
    """OTHER_YOUTH youth of one agency alone: names no other record of the scenario has."""
    out: list[Spelling] = []
    while len(out) < OTHER_YOUTH:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (first, last) in used or (last, first) in used:
            continue
        used.add((first, last))
        born = (rng.randint(12, 17), rng.randint(1, 12), rng.randint(1, 28))
        out.append(Spelling(first, last, born, rng.choice(ZIPS[key])))
    return out


def _key(rng: random.Random) -> None:
    """The demo installation's linkage key, made from the seed (linkage.keys makes a random one
    on first use; the demo needs the same encodings for the same seed)."""
    if LinkageKey.objects.exists():
        return
    LinkageKey.objects.create(version=1, **new_secret(keys.PURPOSE, rng.randbytes(32)))


def _analyst(ctx: Context, rng: random.Random, org: Organization) -> User:
    """An analyst of the agency, who prepares its submission (the administrator approves it)."""
    like = User.objects.filter(membership__organization=org).order_by("pk").first()
    assert like is not None
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    user = User.objects.create(
        email=f"{first}.{last}.analyst@{org.slug}.example.org".lower(),
        full_name=f"{first} {last}",
        password=like.password,  # the demo password, hashed once by people.build
        date_joined=like.date_joined,
    )
    Membership.objects.create(
        user=user, organization=org, role=Role.ANALYST, since=like.membership.since
    )
    for name in ("users", "active_users", "memberships", f"users.{Role.ANALYST}"):
        ctx.counts[name] = ctx.counts.get(name, 0) + 1
    return user


def _agreement(agency: Organization, sac: Organization, admin: User, year: int) -> Agreement:
    signed = date(year, 1, 10)
    dsa = Agreement.objects.create(
        kind=Kind.DSA,
        reference=f"DSA-{agency.slug.upper()[:30]}-{year}-LINK",
        title=f"Data-sharing agreement: {agency.name} and the statistical center",
        document_reference=f"Shared drive: Agreements/DSA-{agency.slug}-{year}.pdf",
        effective_on=signed,
        expires_on=date.fromordinal(add_years(signed, 2).toordinal() - 1),
        purposes=["statistical_reporting"],
        aggregate=True,
        client_level=True,
        custodian="Synthetic Data Custodian",
        created_at=datetime(year, 1, 5, 17, tzinfo=UTC),
        updated_at=datetime(year, 1, 10, 17, tzinfo=UTC),
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=dsa,
            organization=org,
            signed_on=signed,
            signatory_name=f"Synthetic {who} Director",
            signatory_title="Director",
        )
        for org, who in ((agency, "Agency"), (sac, "Center"))
    )
    AgreementIdentifiers.objects.create(
        agreement=dsa,
        identifiers=Identifiers.ENCODINGS,
        updated_by=admin,
        updated_at=datetime(year, 1, 10, 17, tzinfo=UTC),
    )
    return dsa


def _cases(
    rng: random.Random,
    org: Organization,
    worker: User,
    records: list[Spelling],
    year: int,
    pack: str,
) -> list[Case]:
    """The agency's youth and their cases, opened in `year` (a third closed before its end; a
    youth `again` has two cases), each with its ZIP code coded and its record id."""
    youths, cases, coded = [], [], []
    for r in records:
        opened = moment(date(year, 1, 2) + timedelta(days=rng.randint(0, 320)), rng)
        if r.again:  # the first case from January to April, the second from September
            opened = moment(date(year, 1, 2) + timedelta(days=rng.randint(0, 30)), rng)
        youths.append(
            Youth(
                first_name=r.first,
                last_name=r.last,
                dob=_born(year, r.born),
                created_by_org=org,
                created_at=opened,
            )
        )
        closed = None
        if r.again:
            closed = opened + timedelta(days=90)
        elif rng.random() < 1 / 3:
            closed = min(
                opened + timedelta(days=rng.randint(20, 90)), datetime(year, 12, 30, tzinfo=UTC)
            )
        cases.append(
            Case(
                owner=org,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                pack=pack,
                opened_at=opened,
                closed_at=closed,
                opened_by=worker,
            )
        )
        coded.append((len(youths) - 1, r))
        if r.again:
            cases.append(
                Case(
                    owner=org,
                    pack=pack,
                    opened_at=opened + timedelta(days=240),
                    opened_by=worker,
                )
            )
            coded.append((len(youths) - 1, r))
    for y in youths:
        y.set_keys()
    Youth.objects.bulk_create(youths)
    encode_many(youths)  # the possible-duplicate check's encodings, as for every demo youth
    for case, (n, _) in zip(cases, coded, strict=True):
        case.youth = youths[n]
    Case.objects.bulk_create(cases)
    CaseTeamMember.objects.bulk_create(
        CaseTeamMember(
            case=c,
            organization=org,
            user=worker,
            role_on_case=TeamRole.LEAD,
            added_at=c.opened_at,
            added_by=worker,
        )
        for c in cases
    )
    CaseCoding.objects.bulk_create(
        CaseCoding(
            case=c, answers={"zip_code": r.zip_code}, updated_by=worker, updated_at=c.opened_at
        )
        for c, (_, r) in zip(cases, coded, strict=True)
    )
    RecordPseudonym.objects.bulk_create(
        RecordPseudonym(case=c, organization=org, token=f"r{rng.getrandbits(64):016x}")
        for c in cases
    )
    return cases


def build(ctx: Context) -> None:
    if ctx.scale != "demo":
        return
    try:
        codebook_of(ctx.pack)
    except NotFound:
        return
    sac = Organization.objects.filter(type=OrgType.STATISTICAL_CENTER).order_by("pk").first()
    orgs = synthetic_cases._demo_orgs(demo_state(ctx.pack))
    if sac is None or any(key not in orgs for key in AGENCIES):
        return
    rng = ctx.rng("linkage")
    now = synthetic_cases.demo_now()
    year = now.year - 1
    _key(rng)
    used = {(s.first, s.last) for youth in SHARED for s in youth.values()}
    flips = np.random.default_rng(rng.getrandbits(64))
    sent = min(datetime(year + 1, 1, 28, 17, tzinfo=UTC), now - timedelta(hours=2))
    subs: list[Submission] = []
    for n, key in enumerate(AGENCIES):
        org = orgs[key]
        members = Membership.objects.filter(organization=org, is_active=True).order_by("pk")
        admin = next((m.user for m in members if m.role == Role.ORG_ADMIN), None)
        worker = next((m.user for m in members if m.role == Role.CASEWORKER), admin)
        if admin is None or worker is None:
            continue
        analyst = _analyst(ctx, rng, org)
        dsa = _agreement(org, sac, admin, year)
        records = [youth[key] for youth in SHARED if key in youth] + _others(rng, key, used)
        _cases(rng, org, worker, records, year, ctx.pack)
        DataSubmission.objects.create(
            agreement=dsa,
            due_year=year + 1,
            submitted_on=sent.date(),
            note="Harborline submission with linkage encodings",
        )
        at = sent + timedelta(minutes=10 * n)
        subs.append(
            submissions.store(
                submissions.build(dsa, org, year, rng=flips),
                agreement=dsa,
                organization=org,
                receiver=sac,
                year=year,
                prepared_by=analyst,
                prepared_at=at - timedelta(hours=1),
                decided_by=admin,
                decided_at=at,
            )
        )
    for sub in subs:  # in the order received, as the worker does after each approval
        linking.link_submission(sub)  # audited as the worker's run is
    pairs = CandidatePair.objects.filter(receiver=sac)
    ctx.counts["linkage.submissions"] = len(subs)
    ctx.counts["linkage.records"] = LinkedRecord.objects.filter(receiver=sac).count()
    ctx.counts["linkage.youth"] = (
        Cluster.objects.filter(receiver=sac, members__isnull=False).distinct().count()
    )
    ctx.counts["linkage.pairs_auto_linked"] = pairs.filter(status=PairStatus.AUTO_LINKED).count()
    ctx.counts["linkage.pairs_waiting"] = pairs.filter(status=PairStatus.PENDING).count()
    ctx.say(
        f"linkage: {len(subs)} submissions with encodings, "
        f"{ctx.counts['linkage.pairs_waiting']} pairs waiting for review"
    )

"""Synthetic agreements (see the package docstring for the shape of a domain module).

Demo scale: the Northern Nevada MDT MOU among the Washoe demo organizations (in force, its 4-A
checklist mostly filled in, naming the compartments and purposes of MDT work), a Southern Nevada
MOU awaiting one signature, and two data-sharing agreements with the statistical center: Washoe
child welfare's (nearing the end of its two-year term, submissions on record) and Clark child
welfare's (the January 31, 2026 submission missing, so it shows as overdue). State scale: one
MOU per regional task force's organizations is left to the task-force module; only the DSAs of
child-welfare agencies are made, all signed on fixed dates. Dates are fixed, never the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from harborline.agreements.models import (
    Agreement,
    AgreementParty,
    DataSubmission,
    Kind,
    MouElement,
    add_years,
)
from harborline.agreements.vocab import MOU_ELEMENT_CODES
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType
from harborline.reports import submissions

from .base import Context
from .states import demo_state

NORTHERN_KEYS = ("washoe-cw", "washoe-le", "washoe-advocacy", "washoe-system-advocacy")
SOUTHERN_KEYS = ("clark-cw", "clark-le", "clark-advocacy", "clark-mental-health")
MOU_COMPARTMENTS = ["identity", "contact", "placement_address", "screening", "safety", "education"]
MOU_PURPOSES = ["service_coordination", "safety_planning", "placement", "missing_response"]
# Where each 4-A element sits in the synthetic MOU's text ("" = not covered).
CHECKLIST = {
    "MOU-1": "Section 1",
    "MOU-2": "Section 2",
    "MOU-3": "Section 3 and Appendix A",
    "MOU-4": "Section 4",
    "MOU-5": "Section 5.1",
    "MOU-6": "Section 5.2",
    "MOU-7": "Section 5.3",
    "MOU-8": "Section 5.4",
    "MOU-9": "Section 6.1",
    "MOU-10": "Section 6.2",
    "MOU-11": "",
    "MOU-12": "Section 6.3",
    "MOU-13": "",
}


def _orgs_by_key(names: tuple[str, ...], pack: str) -> list[Organization]:
    """The demo organizations in DEMO_ORGS order, found by type and the pack's county."""
    found = []
    for key in names:
        org_type, county = _key_parts(key, pack)
        org = Organization.objects.filter(type=org_type, county__slug=county).order_by("pk").first()
        if org is not None:
            found.append(org)
    return found


def _key_parts(key: str, pack: str) -> tuple[str, str]:
    from .people import demo_orgs

    for k, org_type, county in demo_orgs(pack):
        if k == key:
            return org_type, county or ""
    raise KeyError(key)


def _mou(
    reference: str,
    title: str,
    parties: list[Organization],
    *,
    signed: int,
    effective: date,
    expires: date,
) -> Agreement:
    mou = Agreement.objects.create(
        kind=Kind.MOU,
        reference=reference,
        title=title,
        document_reference=f"Shared drive: Agreements/{reference}.pdf",
        effective_on=effective,
        expires_on=expires,
        compartments=MOU_COMPARTMENTS,
        purposes=MOU_PURPOSES,
        created_at=datetime(2025, 5, 1, 17, tzinfo=UTC),
        updated_at=datetime(2025, 6, 20, 17, tzinfo=UTC),
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=mou,
            organization=org,
            signed_on=date(2025, 6, 2 + i) if i < signed else None,
            signatory_name=f"Synthetic Director {i + 1}" if i < signed else "",
            signatory_title="Director" if i < signed else "",
        )
        for i, org in enumerate(parties)
    )
    MouElement.objects.bulk_create(
        MouElement(
            agreement=mou, code=code, present=bool(CHECKLIST[code]), location=CHECKLIST[code]
        )
        for code in MOU_ELEMENT_CODES
    )
    return mou


def _dsa(
    reference: str, agency: Organization, sac: Organization, first: date, last: date
) -> Agreement:
    dsa = Agreement.objects.create(
        kind=Kind.DSA,
        reference=reference,
        title=f"Data-sharing agreement: {agency.name} and the statistical center",
        document_reference=f"Shared drive: Agreements/{reference}.pdf",
        effective_on=last,
        expires_on=date.fromordinal(add_years(last, 2).toordinal() - 1),
        purposes=["statistical_reporting"],
        aggregate=True,
        client_level=False,
        custodian="Synthetic Data Custodian",
        created_at=datetime(2024, 12, 1, 17, tzinfo=UTC),
        updated_at=datetime(2024, 12, 1, 17, tzinfo=UTC),
    )
    AgreementParty.objects.bulk_create(
        [
            AgreementParty(
                agreement=dsa,
                organization=agency,
                signed_on=first,
                signatory_name="Synthetic Agency Director",
                signatory_title="Director",
            ),
            AgreementParty(
                agreement=dsa,
                organization=sac,
                signed_on=last,
                signatory_name="Synthetic Center Director",
                signatory_title="Director",
            ),
        ]
    )
    return dsa


def _submitted(dsa: Agreement, agency: Organization, year: int) -> None:
    """The agency's submission for `year` as Harborline prepares it, approved by a second person
    of the agency and sent on January 28 after the year (issue 16), so the statistical center's
    analyst has a report to read."""
    people = list(
        User.objects.filter(
            membership__organization=agency,
            membership__is_active=True,
            membership__role__in=["supervisor", "org_admin", "analyst"],
        ).order_by("pk")[:2]
    )
    sac = next(p.organization for p in dsa.parties.all() if p.organization_id != agency.pk)
    if len(people) < 2:
        return
    submissions.store(
        submissions.build(dsa, agency, year),
        agreement=dsa,
        organization=agency,
        receiver=sac,
        year=year,
        prepared_by=people[0],
        prepared_at=datetime(year + 1, 1, 27, 17, tzinfo=UTC),
        decided_by=people[1],
        decided_at=datetime(year + 1, 1, 28, 17, tzinfo=UTC),
    )


def build(ctx: Context) -> None:
    sac = Organization.objects.filter(type=OrgType.STATISTICAL_CENTER).order_by("pk").first()
    made = 0
    if ctx.scale == "demo":
        state = demo_state(ctx.pack)
        # Nevada: Washoe's (Northern Nevada's) and Clark's (Southern Nevada's) agreements.
        second = (state.county("washoe") or "").upper()
        main = (state.county("clark") or "").upper()
        northern = _orgs_by_key(NORTHERN_KEYS, ctx.pack)
        southern = _orgs_by_key(SOUTHERN_KEYS, ctx.pack)
        if len(northern) >= 2:
            _mou(
                f"MOU-{second}-2025-01",
                f"{state.task_force_labels['washoe']} MDT memorandum of understanding",
                northern,
                signed=len(northern),
                effective=date(2025, 7, 1),
                expires=date(2028, 6, 30),
            )
            made += 1
        if len(southern) >= 2:
            _mou(
                f"MOU-{main}-2026-01",
                f"{state.task_force_labels['clark']} MDT memorandum of understanding",
                southern,
                signed=len(southern) - 1,
                effective=date(2026, 7, 1),
                expires=date(2029, 6, 30),
            )
            made += 1
        if sac is not None and northern:
            dsa = _dsa(f"DSA-{second}-2025", northern[0], sac, date(2025, 1, 15), date(2025, 1, 22))
            DataSubmission.objects.bulk_create(
                [
                    DataSubmission(
                        agreement=dsa,
                        due_year=2025,
                        submitted_on=date(2025, 1, 30),
                        note="Aggregate tables, CSV",
                    ),
                    DataSubmission(
                        agreement=dsa,
                        due_year=2026,
                        submitted_on=date(2026, 1, 28),
                        note="Aggregate tables, CSV",
                    ),
                ]
            )
            _submitted(dsa, northern[0], 2025)
            made += 1
        if sac is not None and southern:
            dsa = _dsa(f"DSA-{main}-2025", southern[0], sac, date(2025, 3, 3), date(2025, 3, 10))
            made += 1
    elif sac is not None:
        agencies = Organization.objects.filter(type=OrgType.CHILD_WELFARE).order_by("pk")
        for i, agency in enumerate(agencies):
            _dsa(
                f"DSA-{agency.slug.upper()[:40]}-{i + 1}",
                agency,
                sac,
                date(2025, 2, 3),
                date(2025, 2, 10),
            )
            made += 1
    ctx.counts["agreements"] = made

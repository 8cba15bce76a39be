"""Agreements made through the services, as a system administrator would record them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from harborline.agreements import services
from harborline.agreements.models import Agreement, Kind
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType
from tests.factories import OrganizationFactory, UserFactory

SIGNED_ON = date(2025, 12, 15)


def system_admin() -> User:
    return User.objects.filter(membership__role="system_admin").first() or UserFactory(
        role="system_admin", email="sysadmin@example.org"
    )


def make_mou(
    parties: Sequence[Organization],
    *,
    reference: str = "MOU-WASHOE-2026-01",
    compartments: Sequence[str] = ("identity", "contact", "screening", "safety"),
    purposes: Sequence[str] = ("service_coordination", "safety_planning"),
    effective_on: date | None = date(2026, 1, 1),
    expires_on: date | None = date(2027, 12, 31),
    signed: bool | Sequence[Organization] = True,
    signed_on: date = SIGNED_ON,
) -> Agreement:
    admin = system_admin()
    mou = services.create_agreement(
        actor=admin,
        kind=Kind.MOU,
        reference=reference,
        title=f"Interagency MOU {reference}",
        parties=list(parties),
        effective_on=effective_on,
        expires_on=expires_on,
        compartments=compartments,
        purposes=purposes,
        time_zone="America/Los_Angeles",
    )
    signers = list(parties) if signed is True else list(signed or [])
    for org in signers:
        services.record_signature(
            actor=admin,
            agreement=mou,
            organization=org,
            signatory_name=f"Director of {org.name}",
            signed_on=signed_on,
        )
    mou.refresh_from_db()
    return mou


def statistical_center() -> Organization:
    return OrganizationFactory(
        slug="nv-sac", name="Statistical Analysis Center", type=OrgType.STATISTICAL_CENTER
    )


def make_dsa(
    agency: Organization,
    *,
    reference: str = "DSA-SAC-2026-01",
    signed_on: Sequence[date] | None = (date(2025, 1, 10), date(2025, 1, 20)),
) -> Agreement:
    admin = system_admin()
    sac = statistical_center()
    dsa = services.create_agreement(
        actor=admin,
        kind=Kind.DSA,
        reference=reference,
        title=f"Data-sharing agreement {agency.name} and the SAC",
        parties=[agency, sac],
        aggregate=True,
        client_level=False,
        custodian="Synthetic Custodian",
        time_zone="America/Los_Angeles",
    )
    if signed_on:
        for org, day in zip((agency, sac), signed_on, strict=True):
            services.record_signature(
                actor=admin,
                agreement=dsa,
                organization=org,
                signatory_name=f"Signer for {org.name}",
                signed_on=day,
            )
    dsa.refresh_from_db()
    return dsa

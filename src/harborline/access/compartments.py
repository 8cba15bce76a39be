"""Compartments group a youth's record by sensitivity. A share names compartments; the access
rule (access/policy.py) answers which compartments an actor may see on a case. The names are
part of the API: keep them stable."""

from __future__ import annotations

from django.db import models


class Compartment(models.TextChoices):
    IDENTITY = "identity", "Identity"
    CONTACT = "contact", "Contact details"
    PLACEMENT_ADDRESS = "placement_address", "Placement address"
    SCREENING = "screening", "Screening"
    SAFETY = "safety", "Safety (incl. information about the exploiter)"
    MEDICAL = "medical", "Medical"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    EDUCATION = "education", "Education"
    LEGAL = "legal", "Legal"
    ADVOCATE_PRIVILEGED = "advocate_privileged", "Advocate-privileged notes"


ALL: tuple[str, ...] = tuple(c.value for c in Compartment)
NAMES: frozenset[str] = frozenset(ALL)
LABELS: dict[str, str] = {c.value: str(c.label) for c in Compartment}

# Advocate-privileged notes are never visible to these organization types, whatever a share,
# a break-glass or a role says (design §4).
PRIVILEGE_BARRED_ORG_TYPES: frozenset[str] = frozenset(
    {"law_enforcement", "prosecutor", "probation"}
)
# Only these roles of an advocacy organization read or write privileged notes.
PRIVILEGED_ROLES: frozenset[str] = frozenset({"mentor_advocate", "caseworker", "supervisor"})
# Organizations whose caseworkers and supervisors are advocates (decision 0043).
ADVOCATE_ORG_TYPES: frozenset[str] = frozenset({"community_advocacy", "system_advocacy"})


def is_advocate(role: str, org_type: str) -> bool:
    """Holds advocate-privileged notes for their organization: a mentor-advocate, or a
    caseworker or supervisor of a community- or system-based advocacy organization; never in
    the barred organization types (decision 0043)."""
    if org_type in PRIVILEGE_BARRED_ORG_TYPES:
        return False
    return role == "mentor_advocate" or (
        org_type in ADVOCATE_ORG_TYPES and role in PRIVILEGED_ROLES
    )


# Break-glass opens everything except advocate-privileged notes.
BREAK_GLASS: tuple[str, ...] = tuple(c for c in ALL if c != Compartment.ADVOCATE_PRIVILEGED)


def check(names: list[str] | tuple[str, ...], field: str = "compartments") -> list[str]:
    """Validate a list of compartment names; InvalidInput naming the unknown ones."""
    from harborline.errors import InvalidInput

    unknown = [n for n in names if n not in NAMES]
    if unknown:
        raise InvalidInput.field(
            field, f"unknown compartment(s): {', '.join(unknown)}; use: {', '.join(ALL)}"
        )
    if not names:
        raise InvalidInput.field(field, "name at least one compartment")
    return sorted(set(names), key=ALL.index)

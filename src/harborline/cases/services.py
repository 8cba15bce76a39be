"""Every write of youth and case data. Each checks the actor's right through `access.policy`,
runs in one transaction and appends to the audit chain. A note needs only that the actor sees its
compartment (`require`); every change to the owner's record — the youth's identity and contacts,
the placement address, reference numbers, the team, the status — asks `require_edit`, the one
rule for who may change a record (a share reads and adds notes unless the owner grants more)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import Grant, require, require_edit, works_cases
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.errors import (
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    check_bumped,
)
from harborline.people.lookups import NO_ACCOUNT, account_by_email, organization_by_slug
from harborline.people.models import Organization, User
from harborline.protocols.home import home_pack_name
from harborline.protocols.packs import registry
from harborline.protocols.translations import printout_languages

from . import encodings
from .models import (
    Case,
    CaseTeamMember,
    ExternalReference,
    Note,
    Placement,
    PlacementKind,
    ReferenceKind,
    TeamRole,
    Youth,
    current_placement,
)
from .selectors import case_for

if TYPE_CHECKING:
    from collections.abc import Iterable

IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "dob",
    "gender",
    "pronouns",
    "preferred_language",
    "aliases",
)


def audit_case(
    actor: User,
    action: str,
    obj: Any,
    case: Case,
    grant: Grant,
    compartments: Iterable[str],
    detail: dict[str, Any] | None = None,
) -> None:
    record(
        actor=actor,
        action=action,
        obj=obj,
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=compartments,
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
        detail=detail,
    )


def _clean_identity(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if name in data or not partial:
            value = str(data.get(name) or "").strip()
            if not value:
                errors.append(FieldError(f"youth.{name}", "is required"))
            elif len(value) > 100:
                errors.append(FieldError(f"youth.{name}", "at most 100 characters"))
            out[name] = value
    if "dob" in data or not partial:
        raw = data.get("dob")
        if raw in (None, ""):
            out["dob"] = ""
        else:
            try:
                born = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
            except ValueError:
                errors.append(FieldError("youth.dob", "use a date like 2009-04-17"))
            else:
                if born > date.today() or born.year < 1990:
                    errors.append(FieldError("youth.dob", "is not a plausible date of birth"))
                out["dob"] = born.isoformat()
    for name in ("gender", "pronouns"):
        if name in data or not partial:
            value = str(data.get(name) or "").strip()
            if len(value) > 100:
                errors.append(FieldError(f"youth.{name}", "at most 100 characters"))
            out[name] = value
    if "preferred_language" in data or not partial:
        value = str(data.get("preferred_language") or "").strip()
        codes = [code for code, _name in printout_languages()]
        if value and value not in codes:
            listed = ", ".join(codes)
            errors.append(
                FieldError(
                    "youth.preferred_language",
                    f"Select one of the printout languages ({listed}) or leave it blank",
                )
            )
        out["preferred_language"] = value
    if "aliases" in data:
        aliases = data.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            errors.append(FieldError("youth.aliases", "give a list of names"))
        else:
            out["aliases"] = [a.strip() for a in aliases if a.strip()][:20]
    if "contacts" in data:
        contacts = data.get("contacts") or []
        if not isinstance(contacts, list) or not all(
            isinstance(x, dict) and str(x.get("value", "")).strip() for x in contacts
        ):
            errors.append(FieldError("youth.contacts", "give a list of {kind, value, note}"))
        else:
            out["contacts"] = [
                {k: str(x.get(k, "")).strip()[:200] for k in ("kind", "value", "note")}
                for x in contacts
            ][:20]
    if errors:
        raise InvalidInput.fields(errors)
    return out


def _actor_org(actor: User) -> tuple[Organization, str]:
    if not works_cases(actor):
        raise Forbidden("Your role does not work with youth records.")
    membership = actor.membership
    return membership.organization, membership.role


@transaction.atomic
def open_case(*, actor: User, youth: dict[str, Any], pack: str = "") -> Case:
    """A new youth record and a case owned by the actor's organization, following `pack`
    (default: the installation's home pack)."""
    org, _ = _actor_org(actor)
    pack = pack or home_pack_name()
    clean = _clean_identity(youth)
    if pack not in registry():
        raise InvalidInput.field("pack", f"no protocol pack {pack!r}")
    person = Youth(**clean, created_by_org=org)
    person.set_keys()
    person.save()
    encodings.encode_youth(person)  # for the possible-duplicate check (decision 0063)
    case = Case.objects.create(youth=person, owner=org, opened_by=actor, pack=pack)
    CaseTeamMember.objects.create(
        case=case, organization=org, user=actor, role_on_case=TeamRole.LEAD, added_by=actor
    )
    record(
        actor=actor,
        action=Action.CREATE,
        obj=case,
        owner_org=org,
        youth_id=person.pk,
        compartments=[c.Compartment.IDENTITY],
        purpose="case work (owning organization)",
        legal_basis="owner",
    )
    return case


@transaction.atomic
def update_youth(*, actor: User, case_id: int, version: int, changes: dict[str, Any]) -> Case:
    """Change the youth's identity or contacts. `version` is the case version the editor saw;
    a stale one is refused with Conflict and nothing is written. Identity fields need the right
    to change the identity compartment, contacts the contact compartment (`require_edit`)."""
    case, grant = case_for(actor, case_id)
    touched: list[str] = []
    if set(changes) - {"contacts"} or not changes:
        touched.append(c.Compartment.IDENTITY)
    if "contacts" in changes:
        touched.append(c.Compartment.CONTACT)
    for compartment in touched:
        require_edit(grant, compartment)
    clean = _clean_identity(changes, partial=True)
    check_bumped(Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1))
    person = case.youth
    for name, value in clean.items():
        setattr(person, name, value)
    person.set_keys()
    person.save()
    if {"first_name", "last_name", "dob"} & set(clean):
        encodings.encode_youth(person)
    case.refresh_from_db(fields=["version"])
    audit_case(actor, Action.UPDATE, case, case, grant, touched)
    return case


@transaction.atomic
def set_placement_address(*, actor: User, case_id: int, version: int, address: str) -> Case:
    case, grant = case_for(actor, case_id)
    require_edit(grant, c.Compartment.PLACEMENT_ADDRESS)
    if len(address) > 500:
        raise InvalidInput.field("address", "at most 500 characters")
    check_bumped(Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1))
    # The placements are the address's one home: this sets the current placement's address, or
    # records a placement (kind not recorded, from today) when there is none.
    current = current_placement(case)
    if current is not None:
        current.address = address.strip()
        current.version += 1
        current.save(update_fields=["address", "version"])
    elif address.strip():
        Placement.objects.create(
            case=case,
            kind=PlacementKind.UNKNOWN,
            started_on=timezone.localtime(timezone=ZoneInfo(case.owner.time_zone)).date(),
            address=address.strip(),
            recorded_by=actor,
        )
    case.refresh_from_db()
    audit_case(actor, Action.UPDATE, case, case, grant, [c.Compartment.PLACEMENT_ADDRESS])
    return case


@transaction.atomic
def add_note(
    *, actor: User, case_id: int, compartment: str, text: str, existence_shown: bool = False
) -> Note:
    """A note in a compartment the actor sees. An advocate-privileged note belongs to the
    actor's organization (its `author_org`); with `existence_shown` the owner and the case team
    are told that organization holds notes on the case, never their text (decision 0043). The
    flag means nothing for a note of another compartment (the owner's record): it is not kept."""
    case, grant = case_for(actor, case_id)
    if compartment not in c.NAMES:
        raise InvalidInput.field(
            "compartment", "Select which part of the record the note belongs to"
        )
    require(grant, compartment)
    text = text.strip()
    if not text:
        raise InvalidInput.field("text", "write the note")
    if len(text) > 20000:
        raise InvalidInput.field("text", "at most 20,000 characters")
    membership = actor.membership_or_none
    assert membership is not None  # noqa: S101 - case_for granted access
    note = Note.objects.create(
        case=case,
        compartment=compartment,
        text=text,
        author=actor,
        author_org=membership.organization,
        existence_shown=existence_shown and compartment == c.Compartment.ADVOCATE_PRIVILEGED,
    )
    audit_case(actor, Action.CREATE, note, case, grant, [compartment])
    return note


@transaction.atomic
def add_team_member(
    *,
    actor: User,
    case_id: int,
    organization: str,
    role_on_case: str,
    user_email: str = "",
    name: str = "",
) -> CaseTeamMember:
    case, grant = case_for(actor, case_id)
    require_edit(grant)
    errors: list[FieldError] = []
    org = None
    try:
        org = organization_by_slug(organization, "organization", active=True)
    except InvalidInput as exc:
        errors.extend(exc.errors)
    if org is None and not errors:
        errors.append(FieldError("organization", "choose the organization"))
    if role_on_case not in TeamRole.values:
        errors.append(
            FieldError("role_on_case", "Select the role this person has on the case team")
        )
    person = None
    if user_email:
        person = account_by_email(user_email)
        if person is None:
            errors.append(FieldError("user", NO_ACCOUNT))
        elif org is not None and person.membership.organization_id != org.pk:
            errors.append(FieldError("user", f"{user_email} is not a member of {org.name}"))
    elif not name.strip():
        errors.append(FieldError("name", "give a user's e-mail or a name"))
    if errors:
        raise InvalidInput.fields(errors)
    assert org is not None  # noqa: S101
    member = CaseTeamMember.objects.create(
        case=case,
        organization=org,
        user=person,
        name=name.strip()[:200],
        role_on_case=role_on_case,
        added_by=actor,
    )
    audit_case(actor, Action.UPDATE, member, case, grant, [])
    return member


@transaction.atomic
def remove_team_member(*, actor: User, case_id: int, member_id: int) -> CaseTeamMember:
    """Take someone off the case team. The member must be on this case's team: one of another
    case is NotFound, like one that does not exist, and nothing is changed."""
    case, grant = case_for(actor, case_id)
    require_edit(grant)
    member = CaseTeamMember.objects.filter(pk=member_id, case_id=case.pk).first()
    if member is None:
        raise NotFound("No such team member on this case.")
    member.active = False
    member.save(update_fields=["active"])
    audit_case(actor, Action.UPDATE, member, case, grant, [])
    return member


@transaction.atomic
def add_reference(*, actor: User, case_id: int, kind: str, value: str, note: str = "") -> Any:
    case, grant = case_for(actor, case_id)
    if kind not in ReferenceKind.values:
        raise InvalidInput.field("kind", "Select the kind of reference number")
    ref = ExternalReference(case=case, kind=kind, value=value.strip(), note=note.strip()[:200])
    require_edit(grant, ref.compartment)
    if not ref.value or len(ref.value) > 100:
        raise InvalidInput.field("value", "give the number (at most 100 characters)")
    ref.added_by = actor
    ref.save()
    audit_case(actor, Action.CREATE, ref, case, grant, [ref.compartment])
    return ref


@transaction.atomic
def set_status(*, actor: User, case_id: int, version: int, status: str, reason: str = "") -> Case:
    """Close a case (with a reason) or reopen it. Only its managers; a stale version is refused.
    Closing does not end shares or obligations: the owner decides those separately. A youth who
    returns to exploitation is not a reason to close (spec nv_service_delivery V9)."""
    from .models import CaseStatus

    case, grant = case_for(actor, case_id)
    require_edit(grant)
    if status not in CaseStatus.values:
        raise InvalidInput.field("status", "Select whether the case is open or closed")
    if status == CaseStatus.CLOSED and len(reason.strip()) < 5:
        raise InvalidInput.field("reason", "say why the case is closed")
    closed_at = timezone.now() if status == CaseStatus.CLOSED else None
    check_bumped(
        Case.objects.filter(pk=case.pk, version=version).update(
            version=F("version") + 1, status=status, closed_at=closed_at
        )
    )
    case.refresh_from_db()
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=case,
        owner_org=case.owner,
        youth_id=case.youth_id,
        purpose=grant.purpose,
        legal_basis=grant.legal_basis,
        detail={"status": status, "reason": reason.strip()[:300]} if reason else {"status": status},
    )
    return case

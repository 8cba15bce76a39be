"""Every write of the response: screenings on a case (and the obligations they start),
completing or waiving obligations, MDT meetings. Each checks access, runs in one transaction
and appends to the audit chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import Grant, organization_sees, require
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import CaseTeamMember
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case
from harborline.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    check_bumped,
)
from harborline.instruments import services as instruments
from harborline.people.lookups import organization_by_slug
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType
from harborline.protocols.models import Adoption
from harborline.protocols.packs import Pack, get_pack, registry

from . import clocks
from . import policy as agency_policy
from .clocks import event_time
from .models import (
    FULFILS,
    ActionItem,
    AgencyPolicy,
    ClockSetBy,
    MdtMeeting,
    MeetingKind,
    Obligation,
    Screening,
    Setting,
    Status,
)
from .obligations import (
    Candidate,
    event_triggers,
    holiday_calendar,
    plan,
    resolve_owner,
    role_fits,
    triggers_for,
    urgent_by_rule,
)

if TYPE_CHECKING:
    from harborline.cases.models import Case

# Who identified the youth: an organization type, or one of the people the protocol names.
IDENTIFIERS = (*OrgType.values, "school", "family", "self", "community_member", "other")
OUTCOME_RESULT = "outcome"  # the instrument result that names the screening's outcome
HIGH_RISK_KIND = "rescreen"
# A new screening answers the pending re-screens: the high-risk one and the one after a return
# from missing (decision 0042), each only when screened after its trigger.
RESCREEN_KINDS = (HIGH_RISK_KIND, "rescreen_on_return")
# Instruments that are records of their own, not screenings (issue 12).
NOT_SCREENINGS = {
    "safety_assessment": (
        "the CSEC Safety Assessment (9-A) is recorded as a safety assessment "
        "(POST /cases/{id}/safety-assessments), not a screening"
    ),
    "safety_plan": (
        "the Safety Planning Checklist (9-B) is recorded as a safety plan "
        "(POST /cases/{id}/safety-plans), not a screening"
    ),
    "needs_assessment": (
        "the holistic needs assessment is recorded as a needs assessment "
        "(POST /cases/{id}/needs-assessments), not a screening"
    ),
    "runaway_report": (
        "the Runaway Report (9-F) is recorded as a missing episode "
        "(POST /cases/{id}/missing-episodes), not a screening"
    ),
    "return_debrief": (
        "the Return Debrief (9-G) is recorded on the missing episode the youth returned from "
        "(POST /missing-episodes/{id}/debrief), not as a screening"
    ),
    "runaway_prevention": (
        "the Runaway Prevention guide (9-C) is recorded as a runaway-prevention guide "
        "(POST /cases/{id}/runaway-prevention), not a screening"
    ),
    "placement_considerations": (
        "the placement considerations (11-A) are recorded with the placement "
        "(POST /cases/{id}/placements), not as a screening"
    ),
}


@transaction.atomic
def record_screening(
    *,
    actor: User,
    case_id: int,
    instrument: str,
    answers: Any,
    identified_by: str,
    identified_at: datetime | None,
    setting: str = "",
    urgent: bool | None = None,
    urgent_reason: str = "",
) -> tuple[Screening, list[Obligation]]:
    """Score an instrument on a case, store it with the pack version, and start the
    obligations the pack's rules name, due from `identified_at` (the event), not from now."""
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SCREENING)
    pack = get_pack(case.pack)
    agency_policy.require_screener(actor, pack.name)  # who completes the tool (decision 0058)
    errors: list[FieldError] = []
    if identified_by not in IDENTIFIERS:
        errors.append(FieldError("identified_by", "Select who identified the youth"))
    if setting and setting not in Setting.values:
        errors.append(FieldError("setting", "Select where the youth was identified"))
    tz = case.owner.time_zone
    at = None
    if identified_at is None:
        errors.append(FieldError("identified_at", "say when the youth was identified"))
    else:
        try:
            at = event_time(identified_at, tz, "identified_at")
        except InvalidInput as exc:
            errors.extend(exc.errors)
        else:
            if at > timezone.now() + timedelta(minutes=5):
                errors.append(FieldError("identified_at", "cannot be in the future"))
    derived = urgent_by_rule(pack, identified_by=identified_by, setting=setting)
    if urgent is not None and urgent != derived and not urgent_reason.strip():
        errors.append(
            FieldError(
                "urgent_reason",
                f"the protocol says this identification is {'' if derived else 'not '}urgent; "
                "give a reason to decide otherwise",
            )
        )
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    definition = pack.instrument(instrument)
    if not definition.about_youth:
        raise InvalidInput.field("instrument", f"{definition.title} is not a youth instrument")
    if instrument in NOT_SCREENINGS:
        raise InvalidInput.field("instrument", NOT_SCREENINGS[instrument])
    response = instruments.submit(
        actor=actor,
        pack=pack,
        instrument=instrument,
        answers=answers,
        subject_type="cases.case",
        subject_id=str(case.pk),
    )
    results = (response.sealed or {}).get("results", {})
    outcome = str(results.get(OUTCOME_RESULT, "") or "")
    decided = derived if urgent is None else urgent
    screening = Screening.objects.create(
        case=case,
        response=response,
        pack=pack.name,
        pack_version=pack.version,
        instrument=instrument,
        outcome=outcome,
        identified_by=identified_by,
        identified_at=at,
        setting=setting,
        urgent=decided,
        urgent_derived=derived,
        urgent_override_reason=urgent_reason.strip() if urgent is not None else "",
        recorded_by=actor,
    )
    if outcome:
        case.latest_outcome = outcome
        case.save(update_fields=["latest_outcome"])
    first = not Screening.objects.filter(case=case).exclude(pk=screening.pk).exists()
    fired = triggers_for(pack, instrument=instrument, results=results, urgent=decided)
    if not first and "first_contact" in fired:
        fired.remove("first_contact")
    # A new screening answers the pending re-screens; a still-high-risk result starts the next.
    for pending in case.obligations.pending().filter(kind__in=RESCREEN_KINDS, trigger_at__lte=at):
        _close(pending, actor, Status.DONE, evidence={"screening": screening.pk})
    # ... and the screenings the agency's own policy asked for before it was recorded (decision
    # 0065): a screening typed in after the sign or the intake answers it.
    asked = case.obligations.pending().filter(
        trigger="agency_screening", trigger_at__lte=timezone.now()
    )
    for pending in asked:
        _close(pending, actor, Status.DONE, evidence={"screening": screening.pk})
    created = start_obligations(
        actor=actor, case=case, grant=grant, triggers=fired, at=at, screening=screening
    )
    audit_case(actor, Action.CREATE, screening, case, grant, [c.Compartment.SCREENING])
    return screening, created


def _team(case: Case) -> list[Candidate]:
    rows = (
        CaseTeamMember.objects.filter(case=case, active=True)
        .order_by("added_at", "pk")
        .values_list("organization_id", "organization__type")
    )
    return [Candidate(org_id, org_type) for org_id, org_type in rows]


def _regional(case: Case) -> Callable[[str], Candidate | None]:
    """The organization of a type for the case owner's county, else its region (the county's
    task force for the 72-hour MDT's coordinator, decision 0038)."""
    owner = case.owner

    def find(org_type: str) -> Candidate | None:
        active = Organization.objects.filter(type=org_type, is_active=True).order_by("pk")
        for place in (
            {"county_id": owner.county_id} if owner.county_id else None,
            {"region_id": owner.region_id} if owner.region_id else None,
        ):
            if place is not None:
                found = active.filter(**place).values_list("pk", flat=True).first()
                if found is not None:
                    return Candidate(found, org_type)
        return None

    return find


def applicable_packs(case: Case) -> list[tuple[Pack, str]]:
    """The packs whose rules apply to the case, each with the holiday calendar its business-day
    clocks skip: the case's own pack, then every pack the case owner's county has adopted (the
    county protocol, adopted with `harborline protocols adopt`), which counts business days by
    the county's state."""
    own = get_pack(case.pack)
    county = case.owner.county
    loaded = registry()
    state = loaded.get(county.pack) if county is not None else None
    packs = [own]
    if county is not None:
        adopted = Adoption.objects.filter(county_id=county.pk).order_by("pack")
        for name in adopted.values_list("pack", flat=True):
            if name != own.name and name in loaded:
                packs.append(loaded[name])
    return [(pack, holiday_calendar(pack, state)) for pack in packs]


def case_calendar(case: Case) -> str:
    """The public holidays the case's own business-day clocks skip (its pack's state)."""
    return applicable_packs(case)[0][1]


def case_event_triggers(case: Case, kind: str) -> list[str]:
    """The triggers an event of `kind` on the case fires: the `events` rules of every pack that
    applies to it (`applicable_packs`), in order, without repeats."""
    fired: list[str] = []
    for pack, _ in applicable_packs(case):
        fired.extend(t for t in event_triggers(pack, kind=kind) if t not in fired)
    return fired


def case_rule_kinds(case: Case, triggers: list[str]) -> set[str]:
    """The obligation ids the applicable packs' rules start on `triggers`."""
    return {
        rule.id
        for pack, _ in applicable_packs(case)
        for rule in getattr(pack.section("obligations.yaml"), "obligations", [])
        if rule.trigger in triggers
    }


def start_obligations(
    *,
    actor: User | None,
    case: Case,
    grant: Grant,
    triggers: list[str],
    at: datetime,
    screening: Screening | None = None,
    reason: str = "",
) -> list[Obligation]:
    """Start the obligations the pack's rules attach to `triggers`, due from `at` (the event),
    each carried by the owner its rule names (decision 0038): an obligation already pending on
    the case is not started twice, and one whose owner would be the organization it reports to
    is recorded as received. The caller has checked access and holds the transaction; this
    appends the audit record of what it created. Other event sources (missing episodes,
    returns, placements) call this too.

    An event the case owner's policy screens after (decision 0065) also fires
    `agency_screening`; `reason` says why for a caller that fires it itself (a new client, a
    warning sign), and the obligation's title says so with the agency's name."""
    if screening is None and "agency_screening" not in triggers:  # a screening asks for none
        reason = agency_policy.event_reason(case.owner_id, get_pack(case.pack), triggers)
        if reason:
            triggers = [*triggers, "agency_screening"]
    pending_kinds = set(case.obligations.pending().values_list("kind", flat=True))
    team = _team(case)
    regional = _regional(case)
    me = Candidate(case.owner_id, case.owner.type)
    tz = case.owner.time_zone
    created = []
    packs = applicable_packs(case)
    calendars = {pack.name: calendar for pack, calendar in packs}
    planned_all = [
        planned
        for pack, calendar in packs
        for planned in plan(pack, triggers=triggers, at=at, calendar=calendar, tz_name=tz)
    ]
    policies: dict[tuple[int, str], AgencyPolicy | None] = {}
    for planned in planned_all:
        if planned.rule.id in pending_kinds:
            continue
        owner = resolve_owner(planned.rule, case_owner=me, team=team, regional=regional)
        # The carrying organization's own policy may shorten the clock or turn off a
        # re-screening trigger, within what the pack allows (decision 0058).
        key = (owner.org_id, planned.pack)
        if key not in policies:
            policies[key] = agency_policy.policy_for(*key)
        chosen = agency_policy.choice(policies[key], planned.rule)
        if chosen.off:
            continue
        pending_kinds.add(planned.rule.id)
        due_at, clock, set_by = planned.due_at, planned.clock, ClockSetBy.PACK
        if chosen.due is not None:
            calendar = calendars[planned.pack]
            due_at = clocks.due_at(planned.trigger_at, chosen.due, calendar, tz)
            clock, set_by = clocks.describe(chosen.due, calendar), ClockSetBy.AGENCY
        title = planned.rule.title
        if planned.trigger == "agency_screening":
            title = agency_policy.screening_title(planned.rule, case.owner.name, reason)
        obligation = Obligation(
            case=case,
            screening=screening,
            pack=planned.pack,
            kind=planned.rule.id,
            title=title,
            trigger=planned.trigger,
            trigger_at=planned.trigger_at,
            due_at=due_at,
            clock=clock,
            clock_set_by=set_by,
            owner_org_id=owner.org_id,
            owner_role=owner.role,
            to_assign=owner.to_assign,
        )
        if owner.received:
            obligation.status = Status.DONE
            obligation.completed_at = planned.trigger_at
            obligation.completed_by = actor
            obligation.evidence = {
                "note": (
                    f"Received: {case.owner.name} is the organization this report goes to "
                    "and opened the case itself."
                ),
                "received": "yes",
            }
        obligation.save()
        created.append(obligation)
    # One audit record per run of ids that fits the record's object id (64 characters).
    for chunk in _id_chunks(created):
        record(
            actor=actor,
            action=Action.CREATE,
            object_type="response.obligation",
            object_id=",".join(str(o.pk) for o in chunk),
            owner_org=case.owner,
            youth_id=case.youth_id,
            purpose=grant.purpose,
            legal_basis=grant.legal_basis,
            detail={
                "kinds": [o.kind for o in chunk],
                "screening": screening.pk if screening else None,
                "owners": {o.kind: o.owner_org_id for o in chunk},
            },
        )
    return created


def _id_chunks(rows: list[Obligation], limit: int = 64) -> list[list[Obligation]]:
    chunks: list[list[Obligation]] = []
    length = 0
    for row in rows:
        size = len(str(row.pk)) + 1
        if not chunks or length + size - 1 > limit:
            chunks.append([])
            length = 0
        chunks[-1].append(row)
        length += size
    return chunks


def _close(
    obligation: Obligation, actor: User, status: str, *, evidence: dict[str, Any] | None = None
) -> None:
    obligation.status = status
    obligation.completed_at = timezone.now()
    obligation.completed_by = actor
    fields = ["status", "completed_at", "completed_by", "version"]
    if evidence is not None:
        obligation.evidence = evidence
        fields.append("evidence")
    obligation.version += 1
    # Only the fields this change owns: the deadline sweep writes reminders_sent concurrently.
    obligation.save(update_fields=fields)


def _obligation_for(actor: User, obligation_id: int) -> tuple[Obligation, Case, Grant]:
    obligation = Obligation.objects.select_related("case").filter(pk=obligation_id).first()
    if obligation is None:
        raise NotFound("No such obligation, or you do not have access to it.")
    try:
        case, grant = case_for(actor, obligation.case_id)
    except NotFound:
        raise NotFound("No such obligation, or you do not have access to it.") from None
    return obligation, case, grant


def _require_owner(actor: User, obligation: Obligation) -> None:
    membership = actor.membership_or_none
    if membership is None or membership.organization_id != obligation.owner_org_id:
        raise Forbidden("Only the organization that carries this obligation can close it.")


EVIDENCE_FIELDS = {
    "report_number": 100,
    "told": 300,  # who was told (agency, person)
    "told_at": 40,  # when (ISO 8601)
    "note": 2000,
}


def _clean_evidence(evidence: Any) -> dict[str, str]:
    if not isinstance(evidence, dict):
        raise InvalidInput.field("evidence", 'give an object, e.g. {"report_number": "..."}')
    errors, clean = [], {}
    for name, value in evidence.items():
        if name not in EVIDENCE_FIELDS:
            errors.append(FieldError(f"evidence.{name}", f"use: {', '.join(EVIDENCE_FIELDS)}"))
            continue
        text = str(value or "").strip()
        if len(text) > EVIDENCE_FIELDS[name]:
            errors.append(
                FieldError(f"evidence.{name}", f"at most {EVIDENCE_FIELDS[name]} characters")
            )
        if name == "told_at" and text:
            try:
                datetime.fromisoformat(text)
            except ValueError:
                errors.append(
                    FieldError("evidence.told_at", "use a date and time like 2026-12-02T14:30")
                )
        clean[name] = text
    if not any(clean.values()):
        errors.append(
            FieldError(
                "evidence", "record what was done: a report number, who was told, when, or a note"
            )
        )
    if errors:
        raise InvalidInput.fields(errors)
    return clean


@transaction.atomic
def complete_obligation(
    *, actor: User, obligation_id: int, evidence: Any, version: int | None = None
) -> Obligation:
    obligation, case, grant = _obligation_for(actor, obligation_id)
    _require_owner(actor, obligation)
    clean = _clean_evidence(evidence)
    return _finish(actor, obligation, case, grant, Status.DONE, version, evidence=clean)


WAIVER_ROLES = frozenset({"supervisor", "org_admin"})


def may_waive(actor: User, obligation: Obligation) -> bool:
    """Who may waive an obligation: a supervisor (or organization administrator) of the
    organization that carries it. The one answer the service enforces and the case page asks
    before offering the form."""
    membership = actor.membership_or_none
    return (
        membership is not None
        and membership.organization_id == obligation.owner_org_id
        and membership.role in WAIVER_ROLES
    )


@transaction.atomic
def waive_obligation(
    *, actor: User, obligation_id: int, reason: str, version: int | None = None
) -> Obligation:
    obligation, case, grant = _obligation_for(actor, obligation_id)
    _require_owner(actor, obligation)
    if not may_waive(actor, obligation):
        raise Forbidden("Only a supervisor may waive an obligation.")
    if len(reason.strip()) < 10:
        raise InvalidInput.field("reason", "say why the obligation does not apply (10+ characters)")
    obligation.waived_reason = reason.strip()
    return _finish(actor, obligation, case, grant, Status.WAIVED, version)


def may_assign(actor: User, obligation: Obligation) -> bool:
    """Who may hand an open obligation to another organization: anyone of the organization that
    carries it (as for marking it done) — the case owner holding one "to assign", or a team
    organization passing it back. The one answer the service enforces and the case page asks."""
    membership = actor.membership_or_none
    return (
        membership is not None
        and membership.organization_id == obligation.owner_org_id
        and obligation.status in (Status.OPEN, Status.OVERDUE)
    )


def assign_candidates(
    obligation: Obligation, owner: Organization, team: Iterable[Organization]
) -> list[Organization]:
    """The organizations an obligation may be handed to: the case owner and the active case
    team's active organizations that can hold its role, less the one carrying it, by name. The
    page offers these (from the team it has read); `assign_obligation` checks the same and, on
    top, that the chosen one sees the case, so the page can say what to share first."""
    seen: dict[int, Organization] = {}
    for org in (owner, *team):
        fits = org.is_active and role_fits(obligation.owner_role, org.type)
        if fits and org.pk != obligation.owner_org_id:
            seen[org.pk] = org
    return sorted(seen.values(), key=lambda o: o.name)


@transaction.atomic
def assign_obligation(
    *, actor: User, obligation_id: int, organization: Organization | str, version: int | None = None
) -> Obligation:
    """Hand an open obligation to another organization (issue 12: one the protocol's rule could
    not place is held by the case owner "to assign"). The new carrier is the case owner or an
    active case-team organization that can hold the obligation's role and sees the case's
    screening compartment (a share to it), so its people can find it and mark it done; the
    clock does not restart. InvalidInput naming `organization` otherwise; Conflict for a stale
    version or a finished obligation; audited with where it went from and to."""
    obligation, case, grant = _obligation_for(actor, obligation_id)
    _require_owner(actor, obligation)
    if obligation.status in (Status.DONE, Status.WAIVED):
        raise Conflict(f"This obligation is already {obligation.get_status_display().lower()}.")
    target = organization_by_slug(organization, "organization", active=True)
    if target is None:
        raise InvalidInput.field("organization", "Choose the organization to hand this to")
    if target.pk == obligation.owner_org_id:
        raise InvalidInput.field("organization", f"{target.name} already carries this obligation")
    on_team = (
        target.pk == case.owner_id
        or CaseTeamMember.objects.filter(case=case, organization=target, active=True).exists()
    )
    if not on_team:
        raise InvalidInput.field(
            "organization", f"{target.name} is not on the case team: add it to the team first"
        )
    if not role_fits(obligation.owner_role, target.type):
        role = obligation.owner_role.replace("_", " ")
        raise InvalidInput.field(
            "organization", f"{target.name} has no {role} to carry this obligation"
        )
    # Obligations follow from screenings: the new carrier must see the screening compartment.
    if not organization_sees(case, target, obligation.owner_role, c.Compartment.SCREENING):
        raise InvalidInput.field(
            "organization",
            f"{target.name} cannot see this case's screening and obligations: "
            "share the screening section with it first",
        )
    expected = obligation.version if version is None else version
    bumped = Obligation.objects.filter(pk=obligation.pk, version=expected).update(
        version=F("version") + 1
    )
    check_bumped(bumped)
    before = obligation.owner_org_id
    obligation.version = expected + 1
    obligation.owner_org = target
    obligation.to_assign = False
    obligation.save(update_fields=["owner_org", "to_assign"])  # not reminders_sent: the sweep's
    audit_case(
        actor,
        Action.UPDATE,
        obligation,
        case,
        grant,
        [],
        detail={"assigned_from": before, "assigned_to": target.pk},
    )
    return obligation


def _finish(
    actor: User,
    obligation: Obligation,
    case: Case,
    grant: Grant,
    status: str,
    version: int | None,
    *,
    evidence: dict[str, Any] | None = None,
) -> Obligation:
    if obligation.status in (Status.DONE, Status.WAIVED):
        raise Conflict(f"This obligation is already {obligation.get_status_display().lower()}.")
    expected = obligation.version if version is None else version
    bumped = Obligation.objects.filter(pk=obligation.pk, version=expected).update(
        version=F("version") + 1
    )
    check_bumped(bumped)
    obligation.version = expected + 1
    obligation.status = status
    obligation.completed_at = timezone.now()
    obligation.completed_by = actor
    fields = ["status", "completed_at", "completed_by", "waived_reason"]
    if evidence is not None:
        obligation.evidence = evidence
        fields.append("evidence")
    obligation.save(update_fields=fields)  # not reminders_sent: the sweep owns it
    audit_case(actor, Action.UPDATE, obligation, case, grant, [])
    return obligation


@transaction.atomic
def record_meeting(
    *,
    actor: User,
    case_id: int,
    kind: str,
    held_at: datetime | None,
    attendees: list[str] | None = None,
    other_attendees: str = "",
    youth_participated: bool = False,
    decisions: str = "",
    actions: list[dict[str, Any]] | None = None,
) -> MdtMeeting:
    """Record an MDT meeting on a case; holding it fulfils the open obligation of its kind."""
    case, grant = case_for(actor, case_id)
    require(grant, c.Compartment.SAFETY)
    errors: list[FieldError] = []
    if kind not in MeetingKind.values:
        errors.append(FieldError("kind", "Select the kind of meeting"))
    at = None
    if held_at is None:
        errors.append(FieldError("held_at", "say when the meeting was held"))
    else:
        try:
            at = event_time(held_at, case.owner.time_zone, "held_at")
        except InvalidInput as exc:
            errors.extend(exc.errors)
    people = []
    for i, email in enumerate(attendees or []):
        person = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if person is None:
            errors.append(FieldError(f"attendees[{i}]", f"no active user {email!r}"))
        else:
            people.append(person)
    items = []
    for i, item in enumerate(actions or []):
        text = str(item.get("text", "")).strip()
        owner = User.objects.filter(email__iexact=str(item.get("owner", "")).strip()).first()
        try:
            due = date.fromisoformat(str(item.get("due_on", "")))
        except ValueError:
            errors.append(FieldError(f"actions[{i}].due_on", "use a date like 2026-12-09"))
            due = None
        if not text:
            errors.append(FieldError(f"actions[{i}].text", "say what is to be done"))
        if owner is None:
            errors.append(FieldError(f"actions[{i}].owner", "name a user by e-mail"))
        items.append((text, owner, due))
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101
    meeting = MdtMeeting.objects.create(
        case=case,
        kind=kind,
        held_at=at,
        other_attendees=other_attendees.strip(),
        youth_participated=youth_participated,
        decisions=decisions.strip(),
        recorded_by=actor,
    )
    meeting.attendees.set(people)
    ActionItem.objects.bulk_create(
        [ActionItem(meeting=meeting, text=t, owner=o, due_on=d) for t, o, d in items if d]
    )
    kind_fulfilled = FULFILS.get(MeetingKind(kind))
    if kind_fulfilled:
        pending = case.obligations.pending().filter(kind=kind_fulfilled).order_by("due_at").first()
        if pending is not None:
            _close(
                pending,
                actor,
                Status.DONE,
                evidence={"meeting": meeting.pk, "held_at": at.isoformat()},
            )
            meeting.fulfilled = pending
            meeting.save(update_fields=["fulfilled"])
    audit_case(actor, Action.CREATE, meeting, case, grant, [c.Compartment.SAFETY])
    return meeting

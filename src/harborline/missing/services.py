"""Every write of a missing or runaway episode: the report (9-F) and the clocks it starts, the
reports to law enforcement and NCMEC with their numbers, locate efforts, the return and the
obligations it starts, and the debrief (9-G). Each loads the case through the access rule,
requires the `safety` compartment, runs in one transaction and appends to the audit chain.

The clocks are the pack's: `response.services.start_obligations` turns the `missing`, `return`
and `danger_on_return` triggers into obligations due from the event's time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from harborline.access.policy import Grant, require
from harborline.audit.models import Action
from harborline.cases.models import Case
from harborline.cases.selectors import case_for
from harborline.cases.services import audit_case
from harborline.errors import Conflict, FieldError, InvalidInput, NotFound
from harborline.people.models import Organization, User
from harborline.response import services as response
from harborline.response.clocks import event_time
from harborline.response.models import Obligation, Status

from .events import record_crisis
from .models import (
    COMPARTMENT,
    Debrief,
    EventKind,
    LocateEffort,
    MissingEpisode,
    RunawayPrevention,
)

NOT_FOUND = "No such missing episode, or you do not have access to it."
YES_NO_UNKNOWN = ("yes", "no", "unknown")
SOCIAL_MEDIA_FIELDS = ("platform", "account")
# A key that names any of these is a credential: Harborline never stores one (9-F asks for
# social-media passwords, L11202; a password in a case file is a way in for anyone who reads it).
CREDENTIAL_WORDS = (
    "password",
    "passwd",
    "pwd",
    "passcode",
    "passphrase",
    "secret",
    "token",
    "credential",
    "otp",
    "2fa",
    "mfa",
    "login",
    "auth",
    "security_question",
    "security_answer",
    "recovery",
    "apikey",
    "api_key",
    "session",
    "cookie",
)
CREDENTIAL_EXACT = ("pin", "pw", "pass", "key", "code")
NO_CREDENTIALS = (
    "Harborline never stores passwords or any other credential: leave it out and give only the "
    "platform and the account name."
)
REPORT_KINDS = {
    "law_enforcement": ("missing_report_law_enforcement", "law_enforcement_report_number"),
    "ncmec": ("missing_report_ncmec", "ncmec_report_number"),
}
TEXT_LIMITS = {
    "last_seen_where": 500,
    "last_seen_with": 500,
    "items_taken": 1000,
    "description": 2000,
    "possible_locations": 2000,
    "notes": 4000,
    "returned_where": 500,
    "found_by": 300,
    "return_notes": 4000,
}
FUTURE_SLACK = timedelta(minutes=5)


def is_credential(key: str) -> bool:
    """Does a field name name a credential (password, PIN, token, ...)? The one rule the API
    schema and the service both ask."""
    name = re.sub(r"[^a-z0-9]+", "_", str(key).lower()).strip("_")
    compact = name.replace("_", "")
    return name in CREDENTIAL_EXACT or any(
        word in name or word.replace("_", "") in compact for word in CREDENTIAL_WORDS
    )


def clean_social_media(entries: Any) -> list[dict[str, str]]:
    """`[{"platform", "account"}]`, or InvalidInput naming each credential (and each unknown
    field) by its place: `social_media[0].password`."""
    if entries in (None, ""):
        return []
    if not isinstance(entries, list):
        raise InvalidInput.field("social_media", 'give a list of {"platform", "account"}')
    errors: list[FieldError] = []
    clean = []
    for i, entry in enumerate(entries):
        where = f"social_media[{i}]"
        if not isinstance(entry, dict):
            errors.append(FieldError(where, 'give {"platform", "account"}'))
            continue
        for key in entry:
            if is_credential(key):
                errors.append(FieldError(f"{where}.{key}", NO_CREDENTIALS))
            elif key not in SOCIAL_MEDIA_FIELDS:
                errors.append(
                    FieldError(f"{where}.{key}", "Give only the platform and the account name.")
                )
        platform = str(entry.get("platform") or "").strip()
        account = str(entry.get("account") or "").strip()
        if not account:
            errors.append(FieldError(f"{where}.account", "give the account or profile name"))
        if len(platform) > 60:
            errors.append(FieldError(f"{where}.platform", "at most 60 characters"))
        if len(account) > 200:
            errors.append(FieldError(f"{where}.account", "at most 200 characters"))
        clean.append({"platform": platform, "account": account})
    if errors:
        raise InvalidInput.fields(errors)
    return clean


def _texts(values: dict[str, Any], errors: list[FieldError]) -> dict[str, str]:
    out = {}
    for name, value in values.items():
        text = str(value or "").strip()
        if len(text) > TEXT_LIMITS[name]:
            errors.append(FieldError(name, f"at most {TEXT_LIMITS[name]} characters"))
        out[name] = text
    return out


def _when(
    value: datetime | None, case: Case, field: str, errors: list[FieldError], *, required: str
) -> datetime | None:
    if value is None:
        errors.append(FieldError(field, required))
        return None
    try:
        at = event_time(value, case.owner.time_zone, field)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        return None
    if at > timezone.now() + FUTURE_SLACK:
        errors.append(FieldError(field, "cannot be in the future"))
        return None
    return at


def case_for_writing(actor: User, case_id: int | str) -> tuple[Case, Grant]:
    case, grant = case_for(actor, case_id)
    require(grant, COMPARTMENT)
    return case, grant


def episode_for(actor: User, episode_id: int | str) -> tuple[MissingEpisode, Case, Grant]:
    """The episode, its case and the actor's grant: NotFound (the same for an episode that does
    not exist and one on a case the actor may not see); Forbidden when the actor sees the case
    but not its `safety` compartment. Loads no encrypted text the caller does not use."""
    try:
        episode = MissingEpisode.objects.get(pk=int(episode_id))
    except (MissingEpisode.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(NOT_FOUND) from None
    try:
        case, grant = case_for(actor, episode.case_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    require(grant, COMPARTMENT)
    return episode, case, grant


def _start(
    actor: User,
    case: Case,
    grant: Grant,
    episode: MissingEpisode,
    triggers: list[str],
    at: datetime,
) -> list[Obligation]:
    """The pack's obligations for `triggers`, due from `at`, linked to the episode. One already
    pending on the case (an earlier episode's report not yet made) is linked, not started again."""
    created = response.start_obligations(
        actor=actor, case=case, grant=grant, triggers=triggers, at=at
    )
    kinds = {o.kind for o in created}
    fired = {rule.id for rule in _rules_for(case, triggers)}
    pending = list(
        case.obligations.pending()
        .filter(kind__in=fired - kinds)
        .exclude(pk__in=[o.pk for o in created])
    )
    linked = [*created, *pending]
    episode.obligations.add(*linked)
    return sorted(linked, key=lambda o: (o.due_at, o.pk))


def _rules_for(case: Case, triggers: list[str]) -> list[Any]:
    from harborline.protocols.packs import get_pack

    section = get_pack(case.pack).sections.get("obligations.yaml")
    return [rule for rule in getattr(section, "obligations", []) if rule.trigger in triggers]


@transaction.atomic
def record_episode(
    *,
    actor: User,
    case_id: int | str,
    last_seen_at: datetime | None,
    reported_missing_at: datetime | None,
    last_seen_where: str = "",
    last_seen_with: str = "",
    items_taken: str = "",
    description: str = "",
    social_media: Any = None,
    possible_locations: str = "",
    suspected_trafficked: str = "",
    notes: str = "",
) -> tuple[MissingEpisode, list[Obligation]]:
    """Record that the youth is missing (9-F) and start the pack's `missing` obligations — the
    reports to law enforcement and to NCMEC — due from `reported_missing_at`, when the agency
    learned the youth was missing. A credential anywhere in `social_media` refuses the whole
    report: nothing is stored."""
    case, grant = case_for_writing(actor, case_id)
    errors: list[FieldError] = []
    try:
        accounts = clean_social_media(social_media)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        accounts = []
    seen = _when(
        last_seen_at, case, "last_seen_at", errors, required="say when the youth was last seen"
    )
    reported = _when(
        reported_missing_at,
        case,
        "reported_missing_at",
        errors,
        required="say when the agency learned the youth was missing",
    )
    if seen and reported and reported < seen:
        errors.append(FieldError("reported_missing_at", "cannot be before the youth was last seen"))
    if suspected_trafficked and suspected_trafficked not in YES_NO_UNKNOWN:
        errors.append(FieldError("suspected_trafficked", "Answer yes, no or unknown."))
    texts = _texts(
        {
            "last_seen_where": last_seen_where,
            "last_seen_with": last_seen_with,
            "items_taken": items_taken,
            "description": description,
            "possible_locations": possible_locations,
            "notes": notes,
        },
        errors,
    )
    if errors:
        raise InvalidInput.fields(errors)
    assert seen is not None and reported is not None  # noqa: S101 - checked above
    still = case.missing_episodes.select_for_update().filter(returned_at__isnull=True).first()
    if still is not None:
        raise Conflict(
            "The youth is already recorded as missing; record their return before a new episode."
        )
    membership = actor.membership
    episode = MissingEpisode.objects.create(
        case=case,
        last_seen_at=seen,
        reported_missing_at=reported,
        social_media=accounts,
        suspected_trafficked=suspected_trafficked,
        recorded_by=actor,
        recorded_by_org=membership.organization,
        **texts,
    )
    obligations = _start(actor, case, grant, episode, ["missing"], reported)
    # A runaway is a crisis event too: the pack's `events` rule for it (decision 0042).
    _, crisis = record_crisis(
        actor=actor,
        case=case,
        grant=grant,
        kind=EventKind.RUNAWAY,
        at=seen,
        episode=episode,
        due_from=reported,
    )
    episode.obligations.add(*crisis)
    audit_case(actor, Action.CREATE, episode, case, grant, [COMPARTMENT])
    linked = {o.pk: o for o in [*obligations, *crisis]}
    return episode, sorted(linked.values(), key=lambda o: (o.due_at, o.pk))


@transaction.atomic
def record_report(
    *,
    actor: User,
    episode_id: int | str,
    to: str,
    report_number: str,
    reported_at: datetime | None = None,
) -> tuple[MissingEpisode, Obligation | None]:
    """The report to law enforcement (`to="law_enforcement"`, for NCIC entry) or to NCMEC was
    made: keep its number on the episode and complete the episode's obligation with it (the
    organization that carries the obligation completes it; response.services decides)."""
    episode, case, grant = episode_for(actor, episode_id)
    errors: list[FieldError] = []
    if to not in REPORT_KINDS:
        errors.append(
            FieldError("to", "Select whom the report was made to: law enforcement or NCMEC.")
        )
    number = str(report_number or "").strip()
    if not number:
        errors.append(FieldError("report_number", "give the report number"))
    elif len(number) > 100:
        errors.append(FieldError("report_number", "at most 100 characters"))
    at = None
    if reported_at is not None:
        at = _when(reported_at, case, "reported_at", errors, required="")
    if errors:
        raise InvalidInput.fields(errors)
    kind, field = REPORT_KINDS[to]
    obligation = (
        episode.obligations.filter(kind=kind, status__in=[Status.OPEN, Status.OVERDUE])
        .order_by("due_at")
        .first()
    )
    completed = None
    if obligation is not None:
        evidence = {"report_number": number}
        if at is not None:
            evidence["told_at"] = at.isoformat()
        completed = response.complete_obligation(
            actor=actor, obligation_id=obligation.pk, evidence=evidence
        )
    setattr(episode, field, number)
    episode.version += 1
    episode.save(update_fields=[field, "version"])
    audit_case(actor, Action.UPDATE, episode, case, grant, [COMPARTMENT])
    return episode, completed


@transaction.atomic
def add_locate_effort(
    *,
    actor: User,
    episode_id: int | str,
    made_at: datetime | None,
    action: str,
    outcome: str = "",
) -> LocateEffort:
    """One effort to locate the youth (who was called, where someone looked, what came of it)."""
    episode, case, grant = episode_for(actor, episode_id)
    errors: list[FieldError] = []
    at = _when(made_at, case, "made_at", errors, required="say when the effort was made")
    what = str(action or "").strip()
    result = str(outcome or "").strip()
    if not what:
        errors.append(FieldError("action", "say what was done"))
    elif len(what) > 1000:
        errors.append(FieldError("action", "at most 1000 characters"))
    if len(result) > 2000:
        errors.append(FieldError("outcome", "at most 2000 characters"))
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    effort = LocateEffort.objects.create(
        episode=episode, made_at=at, action=what, outcome=result, recorded_by=actor
    )
    audit_case(actor, Action.CREATE, effort, case, grant, [COMPARTMENT])
    return effort


@transaction.atomic
def record_return(
    *,
    actor: User,
    episode_id: int | str,
    returned_at: datetime | None,
    returned_where: str = "",
    found_by: str = "",
    return_notes: str = "",
) -> tuple[MissingEpisode, list[Obligation]]:
    """The youth is back: when, where, who found them. Starts the pack's `return` obligations —
    the debrief (9-G), the NRIT re-screen and the safety reassessment — due from `returned_at`."""
    episode, case, grant = episode_for(actor, episode_id)
    errors: list[FieldError] = []
    at = _when(returned_at, case, "returned_at", errors, required="say when the youth returned")
    if at is not None and at < episode.last_seen_at:
        errors.append(FieldError("returned_at", "cannot be before the youth was last seen"))
    texts = _texts(
        {"returned_where": returned_where, "found_by": found_by, "return_notes": return_notes},
        errors,
    )
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    changed = MissingEpisode.objects.filter(pk=episode.pk, returned_at__isnull=True).update(
        returned_at=at, version=F("version") + 1
    )
    if not changed:
        raise Conflict("The youth's return from this episode is already recorded.")
    episode.refresh_from_db()
    for name, value in texts.items():
        setattr(episode, name, value)
    episode.save(update_fields=list(texts))
    obligations = _start(actor, case, grant, episode, ["return"], at)
    audit_case(actor, Action.UPDATE, episode, case, grant, [COMPARTMENT])
    return episode, obligations


DEBRIEF_TEXT_LIMIT = 4000
# The Returning Child De-Briefing's questions after question 1 (nv_forms.md §8.2; seed 001
# L11314-11558): yes/no and text answers, and lists for "check all that apply".
DEBRIEF_TEXT = (
    "who_to_notify",
    "last_ate",
    "offered_food",
    "harmed",
    "harmed_comments",
    "health",
    "health_comments",
    "risk_involvement",
    "risk_involvement_comments",
    "self_care_plan",
    "comments",
)
DEBRIEF_LISTS = (
    "crime_victim",
    "urgent_health_care",
    "stayed_where",
    "run_activities",
    "food_money_source",
    "reasons_left",
    "hoped_outcome",
    "reasons_returned",
    "would_have_prevented",
)
DEBRIEF_FIELDS = (*DEBRIEF_TEXT, *DEBRIEF_LISTS)


def _clean_answers(answers: Any) -> dict[str, Any]:
    if answers in (None, ""):
        return {}
    if not isinstance(answers, dict):
        raise InvalidInput.field("answers", "give an object of the debrief's answers")
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        name = str(key)
        if is_credential(name):
            errors.append(FieldError(f"answers.{name}", NO_CREDENTIALS))
            continue
        if name not in DEBRIEF_FIELDS:
            errors.append(FieldError(f"answers.{name}", "not a question of the debrief (9-G)"))
            continue
        if isinstance(value, list):
            items = [str(v).strip()[:200] for v in value if str(v).strip()]
            if items:
                clean[name] = items[:30]
        elif isinstance(value, bool):
            clean[name] = value
        else:
            text = "" if value is None else str(value).strip()
            if len(text) > DEBRIEF_TEXT_LIMIT:
                errors.append(
                    FieldError(f"answers.{name}", f"at most {DEBRIEF_TEXT_LIMIT} characters")
                )
            if text:
                clean[name] = text
    if errors:
        raise InvalidInput.fields(errors)
    return clean


@transaction.atomic
def record_debrief(
    *,
    actor: User,
    episode_id: int | str,
    held_at: datetime | None,
    led_by_name: str,
    led_by_organization: str = "",
    chosen_by_youth: bool = True,
    youth_refused: bool = False,
    in_danger_now: str = "",
    answers: Any = None,
) -> tuple[Debrief, list[Obligation]]:
    """The Returning Child De-Briefing (9-G), led by the adult the youth chose — who may be of
    another organization (`led_by_organization`, a slug). It fulfils the episode's
    `return_debrief` obligation when the recorder's organization carries it. A yes to "Do you
    feel you are in danger now?" starts the pack's `danger_on_return` obligations at once."""
    episode, case, grant = episode_for(actor, episode_id)
    errors: list[FieldError] = []
    if episode.returned_at is None:
        raise Conflict("Record the youth's return before the debrief.")
    at = _when(held_at, case, "held_at", errors, required="say when the debrief was held")
    if at is not None and episode.returned_at is not None and at < episode.returned_at:
        errors.append(FieldError("held_at", "cannot be before the youth returned"))
    leader = str(led_by_name or "").strip()
    if not leader:
        errors.append(FieldError("led_by_name", "name the adult the youth chose"))
    elif len(leader) > 200:
        errors.append(FieldError("led_by_name", "at most 200 characters"))
    organization = None
    if led_by_organization:
        organization = Organization.objects.filter(
            slug=str(led_by_organization).strip(), is_active=True
        ).first()
        if organization is None:
            errors.append(FieldError("led_by_organization", "no such organization"))
    if not chosen_by_youth:
        errors.append(
            FieldError(
                "chosen_by_youth",
                "the debrief is led by a trusted adult of the youth's choosing (L3529-3530)",
            )
        )
    if in_danger_now not in ("", "yes", "no"):
        errors.append(FieldError("in_danger_now", "Answer yes or no."))
    try:
        clean = _clean_answers(answers)
    except InvalidInput as exc:
        errors.extend(exc.errors)
        clean = {}
    if errors:
        raise InvalidInput.fields(errors)
    assert at is not None  # noqa: S101 - checked above
    if Debrief.objects.filter(episode=episode).exists():
        raise Conflict("This return's debrief is already recorded.")
    debrief = Debrief.objects.create(
        episode=episode,
        held_at=at,
        led_by_name=leader,
        led_by_organization=organization,
        chosen_by_youth=True,
        youth_refused=youth_refused,
        in_danger_now=in_danger_now,
        answers=clean,
        recorded_by=actor,
    )
    pending = (
        episode.obligations.filter(kind="return_debrief", status__in=[Status.OPEN, Status.OVERDUE])
        .order_by("due_at")
        .first()
    )
    membership = actor.membership_or_none
    if (
        pending is not None
        and membership is not None
        and membership.organization_id == pending.owner_org_id
    ):
        response.complete_obligation(
            actor=actor,
            obligation_id=pending.pk,
            evidence={
                "note": f"Returning Child De-Briefing {debrief.pk}",
                "told_at": at.isoformat(),
            },
        )
    started: list[Obligation] = []
    if in_danger_now == "yes":
        started = _start(actor, case, grant, episode, ["danger_on_return"], at)
    audit_case(actor, Action.CREATE, debrief, case, grant, [COMPARTMENT])
    return debrief, started


PREVENTION_INSTRUMENT = "runaway_prevention"


@transaction.atomic
def record_prevention(*, actor: User, case_id: int | str, answers: Any) -> RunawayPrevention:
    """The runaway-prevention guide (9-C) with the youth, scored by the pack's instrument (the
    instrument engine validates the answers, naming each field) and kept with the pack version."""
    from harborline.instruments import services as instruments
    from harborline.protocols.packs import get_pack

    case, grant = case_for_writing(actor, case_id)
    response = instruments.submit(
        actor=actor,
        pack=get_pack(case.pack),
        instrument=PREVENTION_INSTRUMENT,
        answers=answers,
        subject_type="cases.case",
        subject_id=str(case.pk),
    )
    record_ = RunawayPrevention.objects.create(case=case, response=response, recorded_by=actor)
    audit_case(actor, Action.CREATE, record_, case, grant, [COMPARTMENT])
    return record_

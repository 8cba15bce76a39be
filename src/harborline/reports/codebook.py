"""Code-book records (issue 16, item 1): each youth's record in the pack's data code book
(Nevada's Resource 3-B, 53 items), derived from what Harborline already holds, with "not
recorded" where nothing does. Decision 0049 gives every item's source.

How an item gets its value, in order:
1. **Derived Yes**: a record says so (a screening's checked indicator, a safety plan, a referral
   to a medical service, a law-enforcement report number, ...).
2. **Hand-coded**: what the case's coding record (`CaseCoding`) says, for the items nothing else
   records (race, ethnicity, ZIP code, history) or where work happened outside Harborline.
3. **Derived No**: for the items whose work Harborline runs (screening indicators, crisis plan,
   placement plan, referrals), no such record means No (code 2).
4. Otherwise **not recorded** (no code; the source defines no "unknown" code and none is made up).

Which screening counts for the year is the agreement's `screening_rule` (first, latest, ever
confirmed), stated on every output. Each item belongs to a compartment; a viewer sees an item
only when their grant sees its compartment (`withheld` otherwise), through the one access rule
(`cases.selectors.case_for`). The bulk path (`records_for`) serves submissions: an agency's own
cases, every compartment, with a fixed number of queries whatever the number of cases."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from harborline.access import compartments as c
from harborline.access.policy import grants_for, require_edit
from harborline.agreements.models import ScreeningRule
from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.models import Case, CaseTeamMember, ExternalReference, Placement
from harborline.cases.selectors import case_for
from harborline.directory.models import Referral
from harborline.errors import FieldError, InvalidInput, NotFound, check_version
from harborline.instruments.models import InstrumentResponse
from harborline.missing.models import CrisisEvent
from harborline.people.models import User
from harborline.protocols.packs import Pack, get_pack
from harborline.protocols.sections import Codebook, Variable
from harborline.response.models import Obligation, SafetyPlan, Screening

from .models import CaseCoding

NOT_RECORDED = "Not recorded"
WITHHELD = "Not shown: outside what you may see of this case"
DATE_FORMAT = "%m/%d/%Y"  # the code book's MM/DD/YYYY
YES, NO = 1, 2
CONFIRMED_OUTCOME = "confirmed_victim"

# Service categories (the pack's holistic service network) that answer referral items.
MEDICAL_SERVICES = frozenset({"physical_health", "reproductive_sexual_health"})
MENTAL_HEALTH_SERVICES = frozenset({"mental_health"})
LEGAL_ADVOCACY = frozenset(
    {
        "legal_advocacy",
        "juvenile_delinquency",
        "crime_victims",
        "juvenile_dependency",
        "reentry",
        "education_legal",
        "other_legal",
    }
)
SKILLS = frozenset({"education", "vocational_life_skills", "education_vocational_skills"})
LAW_ENFORCEMENT = "law_enforcement"
PROBATION = "probation"

# Compartment of each item the screening does not answer (the screening's own are SCREENING).
IDENTITY_ITEMS = {
    "client_name",
    "gender",
    "race",
    "ethnicity",
    "age",
    "birth_date",
    "zip_code",
    "sexual_orientation",
    "transgender",
}
COMPARTMENT: dict[str, str] = {
    **{name: c.Compartment.IDENTITY for name in IDENTITY_ITEMS},
    "date_reported": c.Compartment.SCREENING,
    "agency_reported_to": c.Compartment.SCREENING,
    "screened_for_csec": c.Compartment.SCREENING,
    "screening_tool_used": c.Compartment.SCREENING,
    "incident_date": c.Compartment.SCREENING,
    "le_report_made": c.Compartment.LEGAL,
    "le_agency": c.Compartment.LEGAL,
    "le_report_number": c.Compartment.LEGAL,
    "ncmec_report": c.Compartment.LEGAL,
    "immediate_crisis_plan": c.Compartment.SAFETY,
    "ref_medical_assessment": c.Compartment.MEDICAL,
    "medical_assessment_date": c.Compartment.MEDICAL,
    "ref_medical_services": c.Compartment.MEDICAL,
    "ref_mh_assessment": c.Compartment.MENTAL_HEALTH,
    "mh_assessment_date": c.Compartment.MENTAL_HEALTH,
    "ref_mh_services": c.Compartment.MENTAL_HEALTH,
    "substance_abuse_screening": c.Compartment.SUBSTANCE_USE,
    "placement_plan": c.Compartment.SAFETY,
    "legal_advocacy": c.Compartment.LEGAL,
    "skills_development": c.Compartment.EDUCATION,
    "hist_physical_victimization": c.Compartment.SAFETY,
    "hist_emotional_neglect_victimization": c.Compartment.SAFETY,
    "hist_sexual_victimization": c.Compartment.SAFETY,
    "hist_other_victimization": c.Compartment.SAFETY,
    "repeat_victimization": c.Compartment.SAFETY,
    "jj_involvement": c.Compartment.LEGAL,
    "jj_involvement_csec": c.Compartment.LEGAL,
    "police_contact_reduced": c.Compartment.LEGAL,
    "court_charges": c.Compartment.LEGAL,
    "court_witness": c.Compartment.LEGAL,
}


def compartment_of(name: str) -> str:
    return COMPARTMENT.get(name, c.Compartment.SCREENING)


@dataclass
class CountedScreening:
    id: int
    instrument: str
    instrument_title: str
    outcome: str
    identified_at: datetime
    answers: dict[str, Any]
    results: dict[str, Any]
    checks: frozenset[str]  # the instrument's check items: unchecked = No


@dataclass
class Facts:
    """Everything the derivation reads about one case, loaded in bulk."""

    case: Case
    screening: CountedScreening | None = None
    first_reported: datetime | None = None
    references: dict[str, str] = field(default_factory=dict)
    obligations: dict[str, list[tuple[str, datetime | None]]] = field(default_factory=dict)
    safety_plan: bool = False
    placement: bool = False
    referral_categories: set[str] = field(default_factory=set)
    team_org_types: dict[str, list[str]] = field(default_factory=dict)  # type -> org names
    arrested: bool = False
    coding: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Item:
    number: int
    name: str
    label: str
    value: str
    code: int | str | None
    tier: str
    compartment: str
    status: str  # "derived" | "hand_coded" | "not_recorded" | "withheld"
    source: str  # where the value came from, in words


@dataclass
class CodeBookRecord:
    case_id: int
    pack: str
    title: str
    screening_rule: str
    screening_id: int | None
    year: int | None
    items: list[Item]

    def rules(self) -> dict[str, Any]:
        return {
            "screening_rule": self.screening_rule,
            "screening_rule_label": str(ScreeningRule(self.screening_rule).label),
            "year": self.year,
            "screening": self.screening_id,
        }


@contextmanager
def paused_gc() -> Iterator[None]:
    """Bulk derivation makes hundreds of thousands of small objects that all live until the
    end: the cyclic garbage collector's passes over them cost ~40 % of the CPU and free
    nothing, so the batch paths (submissions, the organization's CSV) pause it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def codebook_of(pack_name: str) -> Codebook:
    pack = get_pack(pack_name)
    book = pack.section("codebook.yaml")
    if not isinstance(book, Codebook):
        raise NotFound(f"The {pack_name} pack has no data code book.")
    return book


# --- loading --------------------------------------------------------------------------------


CHUNK = 900  # ids per IN (...) query, under SQLite's variable limit


@lru_cache(maxsize=64)
def _checks(pack_name: str, instrument: str) -> frozenset[str]:
    """The instrument's check items (unchecked = No); none for an instrument the pack lacks."""
    definition = get_pack(pack_name).instruments.get(instrument)
    return frozenset(definition.check_items() if definition else ())


def _counted(rows: list[tuple[Any, ...]], rule: str) -> tuple[Any, ...] | None:
    """The counted screening of (case, id, identified_at, outcome, ...) rows."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda s: (s[2], s[1]))
    if rule == ScreeningRule.FIRST:
        return ordered[0]
    if rule == ScreeningRule.CONFIRMED:
        confirmed = [s for s in ordered if s[3] == CONFIRMED_OUTCOME]
        if confirmed:
            return confirmed[0]
    return ordered[-1]


def _year_bounds(year: int, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def load_facts(
    cases: list[Case], *, rule: str, year: int | None, zone: str = "UTC"
) -> dict[int, Facts]:
    """The facts of every case in `cases`, in a fixed number of queries (one per kind)."""
    ids = [case.pk for case in cases]
    facts = {case.pk: Facts(case=case) for case in cases}
    if not ids:
        return facts
    packs: dict[str, Pack] = {}
    # Two passes: the screenings' plain columns to choose each case's counted one, then the
    # encrypted answers and results of the chosen ones only.
    screenings: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in Screening.objects.filter(case_id__in=ids).values_list(
        "case_id", "id", "identified_at", "outcome", "pack", "instrument", "response_id"
    ):
        screenings[row[0]].append(row)
    window = _year_bounds(year, zone) if year is not None else None
    chosen: dict[int, tuple[Any, ...]] = {}
    for case_id, found in screenings.items():
        facts[case_id].first_reported = min(s[2] for s in found)
        in_year = [s for s in found if window[0] <= s[2] < window[1]] if window else found
        counted = _counted(in_year, rule)
        if counted is not None:
            chosen[case_id] = counted
    responses = {
        r.pk: r
        for start in range(0, len(chosen), CHUNK)
        for r in InstrumentResponse.objects.filter(
            pk__in=[s[6] for s in list(chosen.values())[start : start + CHUNK]]
        ).only("id", "about_youth", "answers", "results", "sealed")
    }
    for case_id, (_, pk, at, outcome, pack_name, instrument, response_id) in chosen.items():
        pack = packs.get(pack_name) or packs.setdefault(pack_name, get_pack(pack_name))
        definition = pack.instruments.get(instrument)
        response = responses[response_id]
        facts[case_id].screening = CountedScreening(
            id=pk,
            instrument=instrument,
            instrument_title=definition.title if definition else instrument,
            outcome=outcome,
            identified_at=at,
            answers=dict(response.answers or {}),
            results=response.derived_results,
            checks=_checks(pack_name, instrument),
        )
    for case in cases:
        fact = facts[case.pk]
        if fact.first_reported is None or case.opened_at < fact.first_reported:
            fact.first_reported = case.opened_at
    for ref in ExternalReference.objects.filter(case_id__in=ids).order_by("added_at"):
        facts[ref.case_id].references.setdefault(ref.kind, ref.value)
    for case_id, kind, status, completed in Obligation.objects.filter(case_id__in=ids).values_list(
        "case_id", "kind", "status", "completed_at"
    ):
        facts[case_id].obligations.setdefault(kind, []).append((status, completed))
    for case_id in SafetyPlan.objects.filter(case_id__in=ids).values_list("case_id", flat=True):
        facts[case_id].safety_plan = True
    for case_id in Placement.objects.filter(case_id__in=ids).values_list("case_id", flat=True):
        facts[case_id].placement = True
    for case_id, categories, needs in Referral.objects.filter(case_id__in=ids).values_list(
        "case_id", "service__categories", "needs"
    ):
        facts[case_id].referral_categories.update([*(categories or []), *(needs or [])])
    for case in cases:
        facts[case.pk].team_org_types.setdefault(case.owner.type, []).append(case.owner.name)
    for case_id, org_type, org_name in CaseTeamMember.objects.filter(
        case_id__in=ids, active=True
    ).values_list("case_id", "organization__type", "organization__name"):
        names = facts[case_id].team_org_types.setdefault(org_type, [])
        if org_name not in names:
            names.append(org_name)
    for case_id in CrisisEvent.objects.filter(case_id__in=ids, kind="arrest").values_list(
        "case_id", flat=True
    ):
        facts[case_id].arrested = True
    for coding in CaseCoding.objects.filter(case_id__in=ids):
        facts[coding.case_id].coding = dict(coding.answers or {})
    return facts


# --- deriving -------------------------------------------------------------------------------

Derived = tuple[str | None, int | str | None, str]  # value, code, source; value None = no record


def _yes(source: str) -> Derived:
    return ("Yes", YES, source)


def _no(source: str) -> Derived:
    return ("No", NO, source)


NOTHING: Derived = (None, None, "")


def _date(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    return moment.strftime(DATE_FORMAT)


def _age(dob: str, on: date) -> int | None:
    try:
        born = date.fromisoformat(dob)
    except (TypeError, ValueError):
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birth_date(dob: str) -> str | None:
    try:
        return _date(date.fromisoformat(dob))
    except (TypeError, ValueError):
        return None


GENDER_WORDS = {
    1: {"male", "man", "boy", "m", "cis male", "cisgender male"},
    2: {"female", "woman", "girl", "f", "cis female", "cisgender female"},
}


def _gender(fact: Facts) -> Derived:
    said = (fact.case.youth.gender or "").strip().lower()
    if not said:
        return NOTHING
    for code, words in GENDER_WORDS.items():
        if said in words:
            return (None, code, "the youth's gender as recorded on the case")
    return (None, 3, "the youth's gender as recorded on the case (in their own words)")


def _screening_yes_no(name: str) -> Callable[[Facts], Derived]:
    def derive(fact: Facts) -> Derived:
        s = fact.screening
        if s is None:
            return NOTHING
        where = f"the counted screening ({s.instrument_title})"
        if name in s.results:
            return _yes(where) if s.results[name] else _no(where)
        if name in s.answers or name in s.checks:
            return _yes(where) if s.answers.get(name) else _no(where)
        return NOTHING

    return derive


def _referral(categories: frozenset[str], what: str) -> Callable[[Facts], Derived]:
    def derive(fact: Facts) -> Derived:
        if fact.referral_categories & categories:
            return _yes(f"a referral to {what}")
        return _no(f"no referral to {what} recorded")

    return derive


def _le_report(fact: Facts) -> Derived:
    if "le_report" in fact.references:
        return _yes("a law-enforcement report number on the case")
    if LAW_ENFORCEMENT in fact.team_org_types:
        return _yes("a law-enforcement agency owns the case or is on its team")
    return NOTHING


def _ncmec(fact: Facts) -> Derived:
    if "ncmec_report" in fact.references:
        return _yes("an NCMEC report number on the case")
    if any(status == "done" for status, _ in fact.obligations.get("missing_report_ncmec", [])):
        return _yes("a missing-youth report to NCMEC recorded as made")
    return NOTHING


def _medical_assessment(fact: Facts) -> Derived:
    if "medical_evaluation" in fact.obligations:
        return _yes("a medical evaluation offered after a sexual assault")
    if fact.referral_categories & MEDICAL_SERVICES:
        return _yes("a referral to a medical service")
    return _no("no medical evaluation or medical referral recorded")


def _medical_date(fact: Facts) -> Derived:
    done = [at for status, at in fact.obligations.get("medical_evaluation", []) if at]
    if done:
        return (_date(min(done)), None, "the medical evaluation recorded as done")
    return NOTHING


def _jj(fact: Facts) -> Derived:
    if PROBATION in fact.team_org_types:
        return _yes("juvenile probation owns the case or is on its team")
    if fact.arrested:
        return _yes("an arrest recorded on the case")
    return NOTHING


def _text(value: str | None, source: str) -> Derived:
    return (value, None, source) if value else NOTHING


DERIVE: dict[str, Callable[[Facts], Derived]] = {
    "client_name": lambda f: _text(
        f"{f.case.youth.first_name} {f.case.youth.last_name}".strip(), "the case's youth"
    ),
    "gender": _gender,
    "birth_date": lambda f: _text(_birth_date(f.case.youth.dob), "the youth's date of birth"),
    "age": lambda f: (
        (str(a), None, "age on the date reported")
        if f.first_reported is not None
        and (a := _age(f.case.youth.dob, f.first_reported.date())) is not None
        else NOTHING
    ),
    "date_reported": lambda f: _text(
        _date(f.first_reported), "the case's opening or its first screening, the earlier"
    ),
    "agency_reported_to": lambda f: _text(f.case.owner.name, "the organization owning the case"),
    "screened_for_csec": lambda f: (
        _yes("a screening in the period")
        if f.screening is not None
        else _no("no screening in the period")
    ),
    "screening_tool_used": lambda f: _text(
        f.screening.instrument_title if f.screening else None, "the counted screening"
    ),
    "incident_date": lambda f: _text(
        _date(f.screening.identified_at) if f.screening else None,
        "the counted screening's identification date",
    ),
    "le_report_made": _le_report,
    "le_agency": lambda f: _text(
        ", ".join(f.team_org_types.get(LAW_ENFORCEMENT, [])),
        "the law-enforcement agency on the case",
    ),
    "le_report_number": lambda f: _text(
        f.references.get("le_report"), "the case's law-enforcement report number"
    ),
    "ncmec_report": _ncmec,
    "immediate_crisis_plan": lambda f: (
        _yes("a safety plan on the case") if f.safety_plan else _no("no safety plan recorded")
    ),
    "ref_medical_assessment": _medical_assessment,
    "medical_assessment_date": _medical_date,
    "ref_medical_services": _referral(MEDICAL_SERVICES, "a medical service"),
    "ref_mh_services": _referral(MENTAL_HEALTH_SERVICES, "a mental-health service"),
    "placement_plan": lambda f: (
        _yes("a placement recorded with its considerations")
        if f.placement
        else _no("no placement recorded")
    ),
    "legal_advocacy": _referral(LEGAL_ADVOCACY, "legal advocacy"),
    "skills_development": _referral(SKILLS, "education or life-skills services"),
    "jj_involvement": _jj,
}


def _label(variable: Variable, code: int | None) -> str | None:
    for value in variable.values:
        if value.code == code:
            return value.label
    return None


def _hand_coded(variable: Variable, answer: Any) -> tuple[str, int | str | None] | None:
    if answer in (None, ""):
        return None
    if variable.type == "coded":
        try:
            code = int(answer)
        except (TypeError, ValueError):
            return None
        label = _label(variable, code)
        return (label, code) if label is not None else None
    return (str(answer), None)


@lru_cache(maxsize=256)
def _deriver(name: str) -> Callable[[Facts], Derived]:
    return DERIVE.get(name) or _screening_yes_no(name)


def derive_item(variable: Variable, fact: Facts) -> Item:
    """One item's value by the order in the module's docstring."""
    compartment = compartment_of(variable.name)
    value, code, source = _deriver(variable.name)(fact)
    if value is None and code is not None:
        value = _label(variable, int(code)) or str(code)
    derived_yes = value is not None and code != NO
    hand = _hand_coded(variable, fact.coding.get(variable.name))
    status = "derived"
    if not derived_yes and hand is not None:
        value, code = hand
        source, status = "coded by hand on the case", "hand_coded"
    elif value is None:
        value, code, source, status = NOT_RECORDED, None, "", "not_recorded"
    return Item(
        number=variable.number,
        name=variable.name,
        label=variable.label,
        value=value,
        code=code,
        tier=variable.tier,
        compartment=compartment,
        status=status,
        source=source,
    )


def derive_record(
    book: Codebook, fact: Facts, *, rule: str, year: int | None, sees: frozenset[str] | None
) -> CodeBookRecord:
    items = []
    for variable in book.variables:
        compartment = compartment_of(variable.name)
        if sees is not None and compartment not in sees:
            items.append(
                Item(
                    number=variable.number,
                    name=variable.name,
                    label=variable.label,
                    value=WITHHELD,
                    code=None,
                    tier=variable.tier,
                    compartment=compartment,
                    status="withheld",
                    source="",
                )
            )
            continue
        items.append(derive_item(variable, fact))
    return CodeBookRecord(
        case_id=fact.case.pk,
        pack=fact.case.pack,
        title=book.title,
        screening_rule=rule,
        screening_id=fact.screening.id if fact.screening else None,
        year=year,
        items=items,
    )


def check_rule(rule: str) -> str:
    rule = rule or ScreeningRule.LATEST
    if rule not in ScreeningRule.values:
        raise InvalidInput.field("rule", f"choose one of: {', '.join(ScreeningRule.values)}")
    return rule


def check_year(year: int | None) -> int | None:
    if year is not None and not 2000 <= year <= 2100:
        raise InvalidInput.field("year", "give a year from 2000 to 2100")
    return year


def case_code_book(
    actor: User, case_id: int | str, *, rule: str = "", year: int | None = None
) -> CodeBookRecord:
    """One case's code-book record as `actor` may see it; the read is audited once."""
    rule, year = check_rule(rule), check_year(year)
    case, grant = case_for(actor, case_id)
    book = codebook_of(case.pack)
    fact = load_facts([case], rule=rule, year=year, zone=case.owner.time_zone or "UTC")[case.pk]
    made = derive_record(book, fact, rule=rule, year=year, sees=grant.compartments)
    record(
        actor=actor,
        action=Action.VIEW,
        obj=case,
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=sorted({i.compartment for i in made.items if i.status != "withheld"}),
        purpose="code-book record",
        legal_basis=grant.via,
        detail={"view": "code_book", "rule": rule, "year": year},
    )
    return made


def organization_cases(organization_id: int, year: int, zone: str) -> list[Case]:
    start, end = _year_bounds(year, zone)
    return list(
        Case.objects.filter(owner_id=organization_id, opened_at__lt=end)
        .exclude(closed_at__lt=start)
        .select_related("youth", "owner")
        .order_by("pk")
    )


MAX_TEXT = 200


def _check_answer(variable: Variable, answer: Any) -> tuple[Any, str]:
    """(the stored answer, "" or the error) for one hand-coded answer; "" or None clears it."""
    if answer in (None, ""):
        return None, ""
    if variable.type == "coded":
        codes = {v.code: v.label for v in variable.values}
        try:
            code = int(answer)
        except (TypeError, ValueError):
            code = None
        if isinstance(answer, bool) or code not in codes:
            listed = ", ".join(f"{k} = {v}" for k, v in codes.items())
            return None, f"choose one of the code book's codes: {listed}"
        return code, ""
    text = str(answer).strip()
    if variable.type == "date":
        for fmt in (DATE_FORMAT, "%Y-%m-%d"):
            try:
                return datetime.strptime(text, fmt).date().strftime(DATE_FORMAT), ""
            except ValueError:
                continue
        return None, "give a date as MM/DD/YYYY"
    if variable.type == "number":
        if not text.isdigit() or not 0 <= int(text) <= 30:
            return None, "give a whole number from 0 to 30"
        return int(text), ""
    if len(text) > MAX_TEXT:
        return None, f"at most {MAX_TEXT} characters"
    return text, ""


def set_coding(
    actor: User, case_id: int | str, answers: dict[str, Any], *, version: int | None = None
) -> CaseCoding:
    """Record code-book answers by hand (issue 16, item 1): only for the items a person may
    change on the case (the compartment's edit rule, `Grant.edits`); "" clears an answer.
    All or nothing: any bad answer refuses the whole change, naming each field."""
    case, grant = case_for(actor, case_id)
    book = codebook_of(case.pack)
    variables = {v.name: v for v in book.variables}
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, answer in answers.items():
        variable = variables.get(name)
        if variable is None:
            errors.append(FieldError(name, "not an item of the code book"))
            continue
        value, problem = _check_answer(variable, answer)
        if problem:
            errors.append(FieldError(name, problem))
        clean[name] = value
    if errors:
        raise InvalidInput.fields(errors)
    for compartment in sorted({compartment_of(name) for name in clean}):
        require_edit(grant, compartment)
    with transaction.atomic():
        coding, created = CaseCoding.objects.select_for_update().get_or_create(
            case=case, defaults={"updated_by": actor}
        )
        if not created:
            check_version(coding.version, version)
            coding.version += 1
        merged = dict(coding.answers or {})
        for name, value in clean.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        coding.answers = merged
        coding.updated_by = actor
        coding.updated_at = timezone.now()
        coding.save()
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=case,
            owner_org=case.owner,
            youth_id=case.youth_id,
            compartments=sorted({compartment_of(name) for name in clean}),
            purpose="code-book coding",
            legal_basis=grant.via,
            detail={"changed": sorted(clean)},
        )
    return coding


def organization_records(
    actor: User, *, rule: str = "", year: int
) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows) of the code-book records of every case the actor's organization owns,
    open in the year, that the actor may see — each item as far as their grant allows ("" where
    not recorded or withheld). One audit event per case read."""
    rule, year = check_rule(rule), check_year(year) or year
    membership = actor.membership_or_none
    if membership is None:
        raise NotFound("No such page or record, or you do not have access to it.")
    org = membership.organization
    zone = org.time_zone or "UTC"
    cases = organization_cases(org.pk, year, zone)
    grants = grants_for(actor, cases)
    cases = [case for case in cases if grants.get(case.pk)]
    with paused_gc():
        facts = load_facts(cases, rule=rule, year=year, zone=zone)
    columns: list[str] = ["case"]
    rows = []
    for case in cases:
        book = codebook_of(case.pack)
        if columns == ["case"]:
            columns += [v.name for v in book.variables]
        grant = grants[case.pk]
        made = derive_record(book, facts[case.pk], rule=rule, year=year, sees=grant.compartments)
        row: dict[str, Any] = {"case": case.pk}
        for item in made.items:
            shown = item.status in ("derived", "hand_coded")
            row[item.name] = (item.code if item.code is not None else item.value) if shown else ""
        rows.append(row)
        record(
            actor=actor,
            action=Action.EXPORT,
            obj=case,
            owner_org=case.owner,
            youth_id=case.youth_id,
            compartments=sorted(grant.compartments),
            purpose="code-book export",
            legal_basis=grant.via,
            detail={"rule": rule, "year": year},
        )
    return columns, rows

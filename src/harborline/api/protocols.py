"""Protocol packs over the API: the packs, an instrument's definition and the JSON Schema of
its answers, and evaluating answers without storing anything (a dry run: nothing is written,
so nothing is audited); an agency's own policy within a pack (decision 0058)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from harborline.instruments.answer_schema import answers_schema
from harborline.instruments.engine import evaluate
from harborline.protocols.packs import get_pack, registry
from harborline.response import agency_screening
from harborline.response import policy as agency_policy

from .auth import caller
from .schemas import ERRORS, Problem

router = Router(tags=["protocols"])


class InstrumentSummary(Schema):
    instrument: str
    title: str
    resource: str
    mode: str
    about_youth: bool


class PackSummary(Schema):
    pack: str
    version: str
    title: str
    jurisdiction: str
    instruments: list[InstrumentSummary]


class EvaluateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(
        description="Item ids to answers; see the instrument's `/schema`. null means not "
        "answered (an unticked check item)."
    )


class Action(Schema):
    id: str
    kind: str
    text: str
    source: str


class EvaluateOut(Schema):
    pack: str
    version: str
    instrument: str
    results: dict[str, Any]
    actions: list[Action]


@router.get(
    "/protocols",
    response={200: list[PackSummary], 401: Problem},
    summary="The installed protocol packs and their instruments",
)
def list_packs(request: HttpRequest) -> list[PackSummary]:
    packs = registry()
    return [
        PackSummary(
            pack=pack.name,
            version=pack.version,
            title=pack.manifest.title,
            jurisdiction=pack.manifest.jurisdiction,
            instruments=[
                InstrumentSummary(
                    instrument=i.instrument,
                    title=i.title,
                    resource=i.resource,
                    mode=i.mode,
                    about_youth=i.about_youth,
                )
                for i in sorted(pack.instruments.values(), key=lambda i: i.instrument)
            ],
        )
        for pack in (packs[name] for name in sorted(packs))
    ]


@router.get(
    "/protocols/{pack}/instruments/{instrument}",
    response={200: dict[str, Any], 401: Problem, 404: Problem},
    summary="An instrument's definition, as the pack gives it",
    description="Sections and items, rules, results and actions, each with its source. The "
    "shape is the pack format's (docs/protocol-packs.md).",
)
def instrument_definition(request: HttpRequest, pack: str, instrument: str) -> dict[str, Any]:
    found = get_pack(pack)
    definition = found.instrument(instrument)
    return {"pack": found.name, "version": found.version, **definition.model_dump(mode="json")}


@router.get(
    "/protocols/{pack}/instruments/{instrument}/schema",
    response={200: dict[str, Any], 401: Problem, 404: Problem},
    summary="The JSON Schema of an instrument's answers",
    description="JSON Schema draft 2020-12, generated from the items. Requirements across "
    "answers are under `x-required-when` and `x-rules`.",
)
def instrument_schema(request: HttpRequest, pack: str, instrument: str) -> dict[str, Any]:
    found = get_pack(pack)
    return answers_schema(found.instrument(instrument), pack=found.name, version=found.version)


@router.post(
    "/protocols/{pack}/instruments/{instrument}/evaluate",
    response={200: EvaluateOut, 401: Problem, 404: Problem, 422: Problem},
    summary="Evaluate answers without storing them",
    description="Validates the answers and derives the results and actions, with the pack "
    "version that scored them. Nothing is stored. Invalid answers: 422 with one `errors` "
    "entry per field.",
)
def evaluate_answers(
    request: HttpRequest, pack: str, instrument: str, payload: EvaluateIn
) -> dict[str, Any]:
    found = get_pack(pack)
    evaluation = evaluate(
        pack=found.name,
        version=found.version,
        instrument=found.instrument(instrument),
        answers=payload.answers,
    )
    return evaluation.as_dict()


# --- an agency's policy within a pack (decision 0058) ---------------------------------------


class PolicyRuleOut(Schema):
    id: str
    title: str
    pack_clock: str = Field(description="the pack's clock in words")
    rescreen: bool = Field(description="a re-screening trigger the agency may turn off")
    agency: dict[str, Any] = Field(
        description="the agency's choice: {} (the pack's clock), {\"hours\": n}, "
        '{"business_days": n} or {"off": true}'
    )
    source: str


class OptionOut(Schema):
    id: str
    label: str
    source: str = ""


class ScreeningCriteriaOut(Schema):
    obligation: str = Field(description="the pack's obligation such a screening starts")
    clock: str = Field(description="the pack's clock for it in words (the agency may shorten it)")
    population_offered: bool
    events_offered: list[OptionOut]
    signs_offered: list[OptionOut]
    population: dict[str, Any] = Field(
        description='{} (no one on becoming a client), {"scope": "all"} or {"scope": "age", '
        '"min_age": n, "max_age": m}'
    )
    population_words: str
    events: list[str]
    signs: list[str]
    source: str


class PolicyOut(Schema):
    organization: str
    pack: str
    rules: list[PolicyRuleOut]
    screeners: list[str] = Field(description="roles that complete the screening tool; [] = any")
    screening: ScreeningCriteriaOut | None = Field(
        description="which youth the agency screens (Resource 8-B, decision 0065); null when the "
        "pack leaves it to no agency"
    )
    version: int


class PolicyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    clocks: dict[str, Any] = Field(
        default_factory=dict,
        description='obligation id -> {"hours": n}, {"business_days": n} or {"off": true} '
        "(re-screening triggers only); shorter than the pack's, never longer",
    )
    screeners: list[Any] = Field(default_factory=list)
    population: Any = Field(
        default_factory=dict,
        description='which new clients are screened: {}, {"scope": "all"} or {"scope": "age", '
        '"min_age": n, "max_age": m}',
    )
    events: Any = Field(default_factory=list, description="the pack's events to screen after")
    signs: Any = Field(default_factory=list, description="the pack's warning signs to screen on")
    version: int | None = None


def _policy_out(view: agency_policy.PolicyView) -> PolicyOut:
    return PolicyOut(
        organization=view.organization.slug,
        pack=view.pack.name,
        rules=[
            PolicyRuleOut(
                id=r.id,
                title=r.title,
                pack_clock=r.pack_clock,
                rescreen=r.rescreen,
                agency=r.entry,
                source=r.source,
            )
            for r in view.rules
        ],
        screeners=view.screeners,
        screening=_screening_out(view.screening),
        version=view.version,
    )


def _screening_out(view: agency_policy.ScreeningView | None) -> ScreeningCriteriaOut | None:
    if view is None:
        return None
    return ScreeningCriteriaOut(
        obligation=view.rule.id,
        clock=view.rule.pack_clock,
        population_offered=view.population_offered,
        events_offered=[OptionOut(id=o.id, label=o.label) for o in view.events_offered],
        signs_offered=[
            OptionOut(id=o.id, label=o.label, source=o.source) for o in view.signs_offered
        ],
        population=view.population,
        population_words=view.population_words,
        events=view.events,
        signs=view.signs,
        source=view.source,
    )


@router.get(
    "/protocols/{pack}/agency-policy",
    response={200: PolicyOut, **ERRORS},
    summary="Your organization's own policy within the pack",
    description="For an organization's administrator (a system administrator names another "
    "organization with ?org=<slug>); 404 for everyone else.",
)
def get_policy(request: HttpRequest, pack: str, org: str = "") -> PolicyOut:
    return _policy_out(agency_policy.view(caller(request), pack, org))


@router.put(
    "/protocols/{pack}/agency-policy",
    response={200: PolicyOut, 409: Problem, **ERRORS},
    summary="Set your organization's clocks, re-screening triggers, screeners and whom it screens",
    description="Within the pack's agency_configurable obligations: a clock may be shorter than "
    "the pack's, never longer; only re-screening triggers can be turned off; population, events "
    "and signs only among what the pack's agency_screening offers. A 422 names "
    "clocks.<obligation>, screeners, population(.scope|.min_age|.max_age), events or signs.",
)
def put_policy(request: HttpRequest, pack: str, payload: PolicyIn, org: str = "") -> PolicyOut:
    actor = caller(request)
    organization = agency_policy.organization_for(actor, org)
    agency_policy.set_policy(
        actor=actor,
        organization=organization,
        pack=pack,
        clocks=payload.clocks,
        screeners=payload.screeners,
        version=payload.version,
        population=payload.population,
        events=payload.events,
        signs=payload.signs,
    )
    return _policy_out(agency_policy.view(actor, pack, organization.slug))


# --- a warning sign on a case (decision 0065) -----------------------------------------------


class WarningSignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    sign: str = Field(description="one of the case pack's warning signs (agency-policy signs)")
    observed_at: datetime = Field(
        description="when it was seen (ISO 8601; without an offset, the owner's time zone)"
    )
    note: str = Field(default="", max_length=2000)


class WarningSignOut(Schema):
    note: int = Field(description="the note in the case's screening section that records it")
    sign: str
    label: str
    in_policy: bool = Field(description="whether the case owner's policy screens on this sign")
    obligations: list[int] = Field(description="obligations it started (a screening to do)")


@router.post(
    "/cases/{case_id}/warning-signs",
    response={201: WarningSignOut, **ERRORS},
    summary="Record a warning sign seen on a case",
    description="Written into the case's screening section; when the case owner's agency policy "
    "screens on the sign (Resource 8-B), a screening obligation starts, due from observed_at.",
)
def record_warning_sign(
    request: HttpRequest, case_id: int, payload: WarningSignIn
) -> Status[WarningSignOut]:
    done = agency_screening.record_warning_sign(
        actor=caller(request),
        case_id=case_id,
        sign=payload.sign,
        observed_at=payload.observed_at,
        note=payload.note,
    )
    out = WarningSignOut(
        note=done.note.pk,
        sign=payload.sign,
        label=done.label,
        in_policy=done.in_policy,
        obligations=[o.pk for o in done.obligations],
    )
    return Status(201, out)

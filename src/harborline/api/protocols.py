"""Protocol packs over the API: the packs, an instrument's definition and the JSON Schema of
its answers, and evaluating answers without storing anything (a dry run: nothing is written,
so nothing is audited); an agency's own policy within a pack (decision 0058)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from harborline.instruments.answer_schema import answers_schema
from harborline.instruments.engine import evaluate
from harborline.protocols.packs import get_pack, registry
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


class PolicyOut(Schema):
    organization: str
    pack: str
    rules: list[PolicyRuleOut]
    screeners: list[str] = Field(description="roles that complete the screening tool; [] = any")
    version: int


class PolicyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    clocks: dict[str, Any] = Field(
        default_factory=dict,
        description='obligation id -> {"hours": n}, {"business_days": n} or {"off": true} '
        "(re-screening triggers only); shorter than the pack's, never longer",
    )
    screeners: list[Any] = Field(default_factory=list)
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
        version=view.version,
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
    summary="Set your organization's clocks, re-screening triggers and screeners",
    description="Within the pack's agency_configurable obligations: a clock may be shorter than "
    "the pack's, never longer; only re-screening triggers can be turned off. A 422 names "
    "clocks.<obligation> or screeners.",
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
    )
    return _policy_out(agency_policy.view(actor, pack, organization.slug))

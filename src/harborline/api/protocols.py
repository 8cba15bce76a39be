"""Protocol packs over the API: the packs, an instrument's definition and the JSON Schema of
its answers, and evaluating answers without storing anything (a dry run: nothing is written,
so nothing is audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from harborline.instruments.answer_schema import answers_schema
from harborline.instruments.engine import evaluate
from harborline.protocols.packs import get_pack, registry

from .schemas import Problem

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

"""Interconnectedness (issue 14, item 7): Washington's measure of whether a task force's member
organizations **know** of each other, **communicate** and **refer** youth to each other
(002 L286-289, L466) — as a survey each member organization answers, and as the same "refers"
measure computed from the referrals Harborline actually carried between them.

A measure is a directed network over the task force's current member organizations; its
**density** is the share of the possible ordered pairs (n × (n − 1)) that hold. A survey round
gives three densities; the referral network over a period gives one; two rounds give the change.

Who: the task force's readers see the results (taskforce.services.may READ); a member
organization's staff answer for their own organization; its managers open and close rounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from harborline.directory.models import Referral, SurveyAnswer, SurveyRound
from harborline.errors import FieldError, InvalidInput, NotFound
from harborline.people.models import Organization, User
from harborline.taskforce.models import TaskForce
from harborline.taskforce.services import Do, may

RELATIONS = ("knows", "communicates", "refers")
LABELS = {"knows": "Know of", "communicates": "Communicate with", "refers": "Refer youth to"}


def members(taskforce: TaskForce, on: date | None = None) -> list[Organization]:
    """The task force's current member organizations (taskforce's one definition of current)."""
    ids = (
        taskforce.members.current(on)
        .exclude(organization=None)
        .values_list("organization_id", flat=True)
    )
    return list(Organization.objects.filter(pk__in=ids).order_by("name"))


@dataclass
class Network:
    nodes: list[Organization]
    edges: dict[str, set[tuple[int, int]]] = field(default_factory=dict)

    def density(self, relation: str) -> float | None:
        n = len(self.nodes)
        if n < 2:
            return None
        return round(len(self.edges.get(relation, set())) / (n * (n - 1)), 3)

    def table(self) -> list[dict[str, Any]]:
        """Per organization: how many others it names, and how many name it, per relation."""
        rows = []
        for org in self.nodes:
            row: dict[str, Any] = {"organization": org}
            for relation, pairs in self.edges.items():
                row[f"{relation}_out"] = sum(1 for a, _ in pairs if a == org.pk)
                row[f"{relation}_in"] = sum(1 for _, b in pairs if b == org.pk)
            rows.append(row)
        return rows

    def picture(self, relation: str, size: int = 360) -> dict[str, Any]:
        """Nodes on a circle and the relation's edges, as coordinates for an SVG."""
        n = max(len(self.nodes), 1)
        radius = size / 2 - 40
        where = {}
        points = []
        for i, org in enumerate(self.nodes):
            angle = 2 * math.pi * i / n - math.pi / 2
            x = round(size / 2 + radius * math.cos(angle), 1)
            y = round(size / 2 + radius * math.sin(angle), 1)
            where[org.pk] = (x, y)
            points.append({"x": x, "y": y, "label": org.name, "n": i + 1})
        lines = [
            {"x1": where[a][0], "y1": where[a][1], "x2": where[b][0], "y2": where[b][1]}
            for a, b in sorted(self.edges.get(relation, set()))
            if a in where and b in where
        ]
        return {"size": size, "points": points, "lines": lines}


def _readable(actor: User, taskforce: TaskForce) -> None:
    if not may(actor, Do.READ, taskforce):
        raise NotFound()


def survey_network(actor: User, survey: SurveyRound) -> Network:
    _readable(actor, survey.taskforce)
    nodes = members(survey.taskforce, survey.opened_on)
    ids = {o.pk for o in nodes}
    network = Network(nodes, {r: set() for r in RELATIONS})
    for answer in survey.answers.all():
        if answer.respondent_id not in ids or answer.about_id not in ids:
            continue
        for relation in RELATIONS:
            if getattr(answer, relation):
                network.edges[relation].add((answer.respondent_id, answer.about_id))
    return network


def referral_network(actor: User, taskforce: TaskForce, start: date, end: date) -> Network:
    """Who actually referred youth to whom among the members, from `start` to `end`."""
    _readable(actor, taskforce)
    nodes = members(taskforce, end)
    ids = {o.pk for o in nodes}
    tz = timezone.get_current_timezone()
    sent = Referral.objects.filter(
        requested_at__gte=datetime.combine(start, time.min, tz),
        requested_at__lte=datetime.combine(end, time.max, tz),
        referrer_id__in=ids,
        receiver_id__in=ids,
    ).values_list("referrer_id", "receiver_id")
    return Network(nodes, {"refers": {(a, b) for a, b in sent if a != b}})


def change(actor: User, earlier: SurveyRound, later: SurveyRound) -> dict[str, float | None]:
    """The change in each density from one round to a later one."""
    before, after = survey_network(actor, earlier), survey_network(actor, later)
    found: dict[str, float | None] = {}
    for relation in RELATIONS:
        a, b = before.density(relation), after.density(relation)
        found[relation] = None if a is None or b is None else round(b - a, 3)
    return found


@transaction.atomic
def open_round(*, actor: User, taskforce_id: int, name: str) -> SurveyRound:
    taskforce = TaskForce.objects.filter(pk=taskforce_id).first()
    if taskforce is None or not may(actor, Do.READ, taskforce):
        raise NotFound()
    if not may(actor, Do.MANAGE, taskforce):
        raise NotFound()
    if not name.strip():
        raise InvalidInput.field("name", "Name the round, e.g. Spring 2027")
    return SurveyRound.objects.create(
        taskforce=taskforce,
        name=name.strip()[:120],
        opened_on=timezone.localdate(),
        created_by=actor,
    )


@transaction.atomic
def answer(
    *, actor: User, round_id: int, answers: dict[int, dict[str, bool]]
) -> list[SurveyAnswer]:
    """The actor's organization's answers about each other member: {org id: {relation: bool}}.
    Answering again replaces the organization's earlier answers in that round."""
    survey = SurveyRound.objects.select_related("taskforce").filter(pk=round_id).first()
    membership = actor.membership_or_none
    if survey is None or membership is None or not may(actor, Do.READ, survey.taskforce):
        raise NotFound()
    mine = membership.organization_id
    ids = {o.pk for o in members(survey.taskforce, survey.opened_on)}
    if mine not in ids:
        raise NotFound()
    if survey.closed_on is not None:
        raise InvalidInput.field("round", "This round is closed")
    unknown = [k for k in answers if k not in ids or k == mine]
    if unknown:
        raise InvalidInput.fields(
            [FieldError("answers", "Answer only about the other member organizations")]
        )
    SurveyAnswer.objects.filter(round=survey, respondent_id=mine).delete()
    now = timezone.now()
    saved = SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            round=survey,
            respondent_id=mine,
            about_id=about,
            answered_by=actor,
            answered_at=now,
            **{r: bool(values.get(r)) for r in RELATIONS},
        )
        for about, values in sorted(answers.items())
    )
    return saved


def round_for(actor: User, round_id: int) -> SurveyRound:
    survey = SurveyRound.objects.select_related("taskforce").filter(pk=round_id).first()
    if survey is None or not may(actor, Do.READ, survey.taskforce):
        raise NotFound()
    return survey

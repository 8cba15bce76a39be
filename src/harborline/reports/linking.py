"""The same youth across agencies, at the statistical center (issue 17, items 2-4; decision
0062): the encodings the agencies submitted are linked into clusters - one cluster, one youth -
that the statewide report counts.

- **Incremental** (`link_submission`): each submitted file with encodings is linked, when it
  arrives, against the records the center already holds under the same linkage key
  (`linkage.link.link_files` with the existing clusters: only the new records are compared).
  A record the center already holds - the agency's own record id again, in a later year or
  under a new key - is not a new youth: its encodings are replaced and it stays in its cluster.
  That is how a key rotation keeps the clusters (`linkage.keys.rotate`).
- **Thresholds**: a pair at or above `upper` is linked without review; from `lower` up to
  `upper` it goes to the review queue; below `lower` it is not kept. A pair above `upper` that
  would put two records of one agency in one youth, or join two youth the center already holds,
  goes to review instead (a person decides what the model cannot).
- **Review** (`decide`): a center analyst links or splits a pair, with a reason, audited; the
  decision stays with the pair whatever a later linking scores (`relink` applies decisions
  before anything else). A split takes effect at once: the youth's records are regrouped by the
  links that remain.
- **Full relink** (`relink`): every record under the current key linked again from scratch
  (after a threshold change, or once every agency has re-submitted under a new key), reviewers'
  decisions first.
- **Confirmation** (`ask_agency`, `answer`): an analyst asks the agency owning one record of a
  pair a yes-or-no question; its supervisors and administrators answer it from their own record
  (`confirmation_for` shows them their own youth's identifiers and the question - never the
  other agency's record, nor the pattern).

Who does what (the table `tests/linkage/review_table.py` checks): the statistical center's
analysts run the linking and read and decide the queue; an agency's supervisors and
administrators read and answer the requests to their agency; nobody else sees any of it. The
center never calls `linkage.keys`: it holds encodings only."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from harborline.audit.models import Action
from harborline.audit.services import record
from harborline.cases.selectors import case_for
from harborline.errors import Conflict, FieldError, InvalidInput, NotFound, one_or_not_found
from harborline.linkage.encode import ALL_COLUMNS
from harborline.linkage.link import (
    FIELDS,
    EncodedFile,
    compare,
    encoded_from_columns,
    link_files,
)
from harborline.linkage.problems import Warnings
from harborline.people.models import Organization, User
from harborline.people.roles import OrgType, Role

from .models import (
    CandidatePair,
    Cluster,
    Confirmation,
    ConfirmationRequest,
    Identifiers,
    LinkedRecord,
    LinkRun,
    PairStatus,
    RecordPseudonym,
    Submission,
    SubmissionStatus,
    SubmittedRecord,
)
from .submissions import active_membership, at_statistical_center

DEFAULT_LOWER = 0.3
DEFAULT_UPPER = 0.95
NOT_FOUND = "No such page or record, or you do not have access to it."
ANSWERERS = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})
PURPOSE = "statistical reporting: same-youth linkage"
FIELD_LABELS = {
    "first_name": "Given name",
    "last_name": "Surname",
    "dob": "Date of birth",
    "place": "ZIP code and city",
}
LEVEL_WORDS = {
    0: "missing",
    1: "disagrees",
    2: "partly agrees",
    3: "mostly agrees",
    4: "agrees",
}
DECISIONS = {"link": PairStatus.LINKED, "split": PairStatus.SPLIT}


# --- who ---------------------------------------------------------------------------------------


def center_of(actor: User) -> Organization:
    """The statistical center `actor` is an analyst of, or NotFound (deny by default)."""
    membership = active_membership(actor)
    if membership is None or not at_statistical_center(actor):
        raise NotFound(NOT_FOUND)
    return membership.organization


def answers_for(actor: User) -> Organization | None:
    """The agency whose confirmation requests `actor` answers: its supervisors and
    administrators (never a statistical center's)."""
    membership = active_membership(actor)
    if (
        membership is None
        or membership.role not in ANSWERERS
        or membership.organization.type == OrgType.STATISTICAL_CENTER
    ):
        return None
    return membership.organization


def reviews_linkage(actor: User) -> bool:
    """Whether the review queue is for `actor` (the menu asks)."""
    return at_statistical_center(actor)


# --- reading the submitted encodings -----------------------------------------------------------


def _plain(value: str) -> str:
    """A cell as written by tabular.write_table, which prefixes an apostrophe to text a
    spreadsheet would take for a formula (base64 may start with "+"); encodings and record ids
    never hold one of their own."""
    return value[1:] if value.startswith("'") else value


def encoded_rows(sub: Submission) -> list[tuple[str, dict[str, str]]]:
    """(record id, {encoding column: value}) for every row of a submission with encodings."""
    reader = csv.DictReader(io.StringIO(sub.client_file))
    out = []
    for row in reader:
        out.append(
            (
                _plain(row["record"].strip()),
                {c: _plain((row.get(c) or "").strip()) for c in ALL_COLUMNS},
            )
        )
    return out


def _file(source: str, members: list[tuple[str, dict[str, str]]]) -> EncodedFile:
    ids = [m[0] for m in members]
    columns = {c: [m[1].get(c, "") for m in members] for c in ALL_COLUMNS}
    return encoded_from_columns(source, ids, columns, Warnings())


def carries_encodings(sub: Submission) -> bool:
    return (
        sub.parameters.get("identifiers") == Identifiers.ENCODINGS
        and "linkage_key" in sub.parameters
        and bool(sub.client_file)
    )


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Scored:
    a: int  # LinkedRecord pks
    b: int
    probability: float
    pattern: dict[str, Any]


def pattern_of(levels: np.ndarray, weights: np.ndarray, prior: float, swapped: bool) -> dict:
    """A pair's field agreement pattern: per field its level in words and its match weight
    (bits), the prior's weight, and whether the names agreed only crosswise. No identifier."""
    import math

    return {
        "fields": [
            {
                "field": f,
                "label": FIELD_LABELS[f],
                "level": int(levels[j]),
                "agreement": LEVEL_WORDS[int(levels[j])],
                "weight": round(float(weights[j]), 2),
            }
            for j, f in enumerate(FIELDS)
        ],
        "prior_weight": round(math.log2(prior / (1 - prior)), 2),
        "names_swapped": bool(swapped),
    }


def _score(
    files: list[EncodedFile],
    members: list[list[LinkedRecord]],
    *,
    lower: float,
    upper: float,
    incremental: bool,
) -> tuple[list[Scored], dict[str, Any], int]:
    """Links the files (files[0] the new one when incremental) and returns the pairs at or
    above `lower` (LinkedRecord pks), the model's weights and the number of candidates."""
    existing: list[list[tuple[int, int]]] | None = None
    if incremental:
        by_cluster: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for f, rows in enumerate(members[1:], start=1):
            for r, m in enumerate(rows):
                by_cluster[m.cluster_id].append((f, r))
        existing = list(by_cluster.values())
    result = link_files(files, threshold=upper, existing=existing)
    if not len(result.gl):
        return [], result.model.describe(), 0
    levels, swapped = compare(result.records, result.gl, result.gr)
    flat = [m for rows in members for m in rows]
    out = []
    for k in np.flatnonzero(result.probability >= lower).tolist():
        a, b = flat[int(result.gl[k])], flat[int(result.gr[k])]
        out.append(
            Scored(
                a=a.pk,
                b=b.pk,
                probability=float(result.probability[k]),
                pattern=pattern_of(
                    levels[k], result.contributions[k], result.model.prior, bool(swapped[k])
                ),
            )
        )
    return out, result.model.describe(), int(result.candidates)


# --- resolving into clusters -------------------------------------------------------------------


class _Groups:
    """Union-find over records, each group knowing its agencies and whether it holds a youth
    the center held before this run (two of those are never joined without a reviewer)."""

    def __init__(
        self,
        records: Iterable[LinkedRecord],
        locked: set[int],
        cluster_orgs: dict[int, set[int]] | None = None,
    ) -> None:
        self.parent: dict[int, int] = {}
        self.orgs: dict[int, set[int]] = {}
        self.held: dict[int, set[int]] = {}
        by_cluster: dict[int, int] = {}
        for m in records:
            head = by_cluster.setdefault(m.cluster_id, m.pk) if m.cluster_id in locked else m.pk
            self.parent[m.pk] = head
            self.orgs.setdefault(head, set()).add(m.organization_id)
            if m.cluster_id in locked:
                # Every agency of a cluster held, including records not linked in this run.
                self.orgs[head] |= (cluster_orgs or {}).get(m.cluster_id, set())
            if m.cluster_id in locked:
                self.held.setdefault(head, set()).add(m.cluster_id)

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def may_join(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.orgs[ra] & self.orgs[rb]:
            return False  # two records of one agency: a person decides
        return not (self.held.get(ra) and self.held.get(rb))

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        self.parent[rb] = ra
        self.orgs[ra] |= self.orgs.pop(rb)
        self.held[ra] = self.held.get(ra, set()) | self.held.pop(rb, set())


def _write_clusters(receiver: Organization, records: list[LinkedRecord], groups: _Groups) -> None:
    """Each group becomes one cluster: the lowest existing cluster among its records keeps its
    id, a group of new records gets a new one; clusters left empty are deleted."""
    members: dict[int, list[LinkedRecord]] = defaultdict(list)
    for m in records:
        members[groups.find(m.pk)].append(m)
    before = {m.cluster_id for m in records}
    used: set[int] = set()
    for group in members.values():
        candidates = sorted({m.cluster_id for m in group} - used)
        target = candidates[0] if candidates else Cluster.objects.create(receiver=receiver).pk
        used.add(target)
        changed = [m.pk for m in group if m.cluster_id != target]
        if changed:
            LinkedRecord.objects.filter(pk__in=changed).update(cluster_id=target)
        for m in group:
            m.cluster_id = target
    empty = before - used
    if empty:
        Cluster.objects.filter(pk__in=empty).annotate(n=Count("members")).filter(n=0).delete()


def _apply(
    receiver: Organization,
    run: LinkRun,
    records: list[LinkedRecord],
    scored: list[Scored],
    *,
    locked: set[int],
    full: bool,
) -> None:
    """Resolve the scored pairs among `records` into clusters and keep the pairs: reviewers'
    decisions first (links join, splits stay apart), then the pairs best first."""
    cluster_orgs: dict[int, set[int]] = defaultdict(set)
    for cluster, org in LinkedRecord.objects.filter(cluster_id__in=locked).values_list(
        "cluster_id", "organization_id"
    ):
        cluster_orgs[cluster].add(org)
    groups = _Groups(records, locked, cluster_orgs)
    ids = {m.pk for m in records}
    known = {
        (p.left_id, p.right_id): p
        for p in CandidatePair.objects.filter(receiver=receiver).filter(
            Q(left_id__in=ids) | Q(right_id__in=ids)
        )
    }
    decided = {k: p for k, p in known.items() if p.status in (PairStatus.LINKED, PairStatus.SPLIT)}
    for (a, b), p in decided.items():
        if p.status == PairStatus.LINKED and a in ids and b in ids:
            groups.join(a, b)
    fresh: list[CandidatePair] = []
    changed: list[CandidatePair] = []
    seen: set[tuple[int, int]] = set()
    for s in sorted(scored, key=lambda s: -s.probability):
        key = (min(s.a, s.b), max(s.a, s.b))
        seen.add(key)
        pair = known.get(key)
        if pair is not None and pair.status in (PairStatus.LINKED, PairStatus.SPLIT):
            pair.probability, pair.pattern, pair.run = s.probability, s.pattern, run
            changed.append(pair)
            continue
        if s.probability >= run.upper and groups.may_join(s.a, s.b):
            groups.join(s.a, s.b)
            status = PairStatus.AUTO_LINKED
        else:
            status = PairStatus.PENDING
        if pair is None:
            fresh.append(
                CandidatePair(
                    receiver=receiver,
                    left_id=key[0],
                    right_id=key[1],
                    probability=s.probability,
                    pattern=s.pattern,
                    status=status,
                    run=run,
                )
            )
        else:
            pair.probability, pair.pattern, pair.run, pair.status = (
                s.probability,
                s.pattern,
                run,
                status,
            )
            changed.append(pair)
    if full:
        # Scores of an earlier run that this one no longer finds: a reviewer's decision stays,
        # the rest goes (the pair fell below the lower threshold).
        stale = [
            p.pk
            for k, p in known.items()
            if k not in seen
            and p.status in (PairStatus.AUTO_LINKED, PairStatus.PENDING)
            and k[0] in ids
            and k[1] in ids
            and not p.requests.exists()
        ]
        CandidatePair.objects.filter(pk__in=stale).delete()
    CandidatePair.objects.bulk_create(fresh)
    if changed:
        CandidatePair.objects.bulk_update(changed, ["probability", "pattern", "run", "status"])
    _write_clusters(receiver, records, groups)
    run.auto_linked = sum(1 for p in [*fresh, *changed] if p.status == PairStatus.AUTO_LINKED)
    run.to_review = sum(1 for p in [*fresh, *changed] if p.status == PairStatus.PENDING)


def _lock(receiver_id: int) -> Organization:
    """Linking at one center runs one at a time: its organization row is the lock."""
    return Organization.objects.select_for_update().get(pk=receiver_id)


def _finish_run(run: LinkRun, *, actor: User | None, **what: Any) -> None:
    """Save a run's figures and audit it, the same for an incremental run and a full relink:
    `what` says what was linked (the submission and its new and remapped records, or every
    record), then the pairs it linked and sent to review and the key they are encoded under."""
    run.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=run,
        owner_org=run.receiver,
        purpose=PURPOSE,
        detail={
            **what,
            "auto_linked": run.auto_linked,
            "to_review": run.to_review,
            "key_version": run.key_version,
        },
    )


def _check_thresholds(lower: float, upper: float) -> None:
    if not (0.0 < lower <= upper <= 1.0):
        raise InvalidInput.field(
            "lower", "give 0 < lower threshold <= upper threshold <= 1 (probabilities)"
        )


def link_submission(
    sub: Submission,
    *,
    actor: User | None = None,
    lower: float = DEFAULT_LOWER,
    upper: float = DEFAULT_UPPER,
) -> LinkRun | None:
    """Link one submitted file with encodings against what the center holds (incremental);
    None when it carries no encodings. Linking a submission twice links it once."""
    _check_thresholds(lower, upper)
    if sub.status != SubmissionStatus.SUBMITTED or not carries_encodings(sub):
        return None
    with transaction.atomic():
        receiver = _lock(sub.receiver_id)
        done = LinkRun.objects.filter(submission=sub).first()
        if done is not None:
            return done
        version = int(sub.parameters["linkage_key"]["version"])
        run = LinkRun.objects.create(
            receiver=receiver,
            submission=sub,
            key_version=version,
            lower=lower,
            upper=upper,
            started_by=actor,
        )
        rows = encoded_rows(sub)
        held = {
            m.record: m
            for m in LinkedRecord.objects.filter(
                receiver=receiver, organization_id=sub.organization_id
            )
        }
        new_rows, remapped = [], []
        for record_id, encoding in rows:
            member = held.get(record_id)
            if member is None:
                new_rows.append((record_id, encoding))
            else:
                member.encoding, member.key_version = encoding, version
                remapped.append(member)
        LinkedRecord.objects.bulk_update(remapped, ["encoding", "key_version"])
        clusters = Cluster.objects.bulk_create(Cluster(receiver=receiver) for _ in new_rows)
        created = LinkedRecord.objects.bulk_create(
            LinkedRecord(
                receiver=receiver,
                organization_id=sub.organization_id,
                record=record_id,
                cluster=cluster,
                key_version=version,
                encoding=encoding,
                first_run=run,
            )
            for (record_id, encoding), cluster in zip(new_rows, clusters, strict=True)
        )
        if not all(m.pk for m in created):  # a database that returns no ids on bulk insert
            created = list(LinkedRecord.objects.filter(first_run=run).order_by("pk"))
        ids = {m.record: m.pk for m in [*remapped, *created]}
        SubmittedRecord.objects.bulk_create(
            SubmittedRecord(submission=sub, record_id=ids[r]) for r, _ in rows
        )
        run.records, run.remapped = len(created), len(remapped)
        if created:
            others: dict[int, list[LinkedRecord]] = defaultdict(list)
            for m in (
                LinkedRecord.objects.filter(receiver=receiver, key_version=version)
                .exclude(organization_id=sub.organization_id)
                .order_by("organization_id", "pk")
            ):
                others[m.organization_id].append(m)
            if others:
                groups = [created, *others.values()]
                files = [
                    _file(
                        f"agency-{rows_[0].organization_id}-{i}",
                        [(m.record, m.encoding) for m in rows_],
                    )
                    for i, rows_ in enumerate(groups)
                ]
                scored, run.model, run.candidates = _score(
                    files, groups, lower=lower, upper=upper, incremental=True
                )
                involved = [m for rows_ in groups for m in rows_]
                _apply(
                    receiver,
                    run,
                    involved,
                    scored,
                    locked={m.cluster_id for rows_ in groups[1:] for m in rows_},
                    full=False,
                )
        _finish_run(
            run,
            actor=actor,
            submission=sub.pk,
            new_records=run.records,
            remapped=run.remapped,
        )
    return run


def unlinked_submissions(receiver: Organization) -> QuerySet[Submission]:
    """The submissions with encodings received and not linked yet, oldest first."""
    return (
        Submission.objects.filter(receiver=receiver, status=SubmissionStatus.SUBMITTED)
        .filter(parameters__identifiers=Identifiers.ENCODINGS)
        .exclude(link_runs__isnull=False)
        .order_by("decided_at", "pk")
    )


def link_new(
    actor: User, *, lower: float = DEFAULT_LOWER, upper: float = DEFAULT_UPPER
) -> list[LinkRun]:
    """The analyst's "Link new submissions": each one not linked yet, in the order received."""
    receiver = center_of(actor)
    _check_thresholds(lower, upper)
    runs = []
    for sub in unlinked_submissions(receiver):
        run = link_submission(sub, actor=actor, lower=lower, upper=upper)
        if run is not None:
            runs.append(run)
    return runs


def link_received(receiver_id: int) -> int:
    """Link every submission with encodings the center received and has not linked (the
    background task after an approval). Returns how many were linked."""
    receiver = Organization.objects.get(pk=receiver_id)
    return sum(1 for sub in unlinked_submissions(receiver) if link_submission(sub) is not None)


@task()
def link_received_task(receiver_id: int) -> int:
    """Background work: link what a center received (enqueued when a submission is sent)."""
    return link_received(receiver_id)


def link_when_sent(sub: Submission) -> None:
    """submissions.AFTER_SENT: a file with encodings is linked once the approval commits."""
    if carries_encodings(sub):
        receiver_id = sub.receiver_id
        transaction.on_commit(lambda: link_received_task.enqueue(receiver_id))


def relink(actor: User, *, lower: float = DEFAULT_LOWER, upper: float = DEFAULT_UPPER) -> LinkRun:
    """Every record the center holds linked again from scratch under the current key (new
    thresholds, or every agency re-encoded after a rotation); reviewers' decisions stand."""
    receiver = center_of(actor)
    _check_thresholds(lower, upper)
    with transaction.atomic():
        receiver = _lock(receiver.pk)
        records = list(LinkedRecord.objects.filter(receiver=receiver).order_by("pk"))
        if not records:
            raise Conflict("Nothing to link yet: no submission with encodings has been linked.")
        versions = {m.key_version for m in records}
        version = max(versions)
        if len(versions) > 1:
            behind = sorted(
                Organization.objects.filter(
                    pk__in={m.organization_id for m in records if m.key_version != version}
                ).values_list("name", flat=True)
            )
            raise Conflict(
                f"Not every record is encoded under linkage key {version} yet: a full relink "
                f"waits for {', '.join(behind)} to submit under it. Their records keep their "
                "clusters meanwhile."
            )
        run = LinkRun.objects.create(
            receiver=receiver,
            full=True,
            key_version=version,
            lower=lower,
            upper=upper,
            records=len(records),
            started_by=actor,
        )
        by_org: dict[int, list[LinkedRecord]] = defaultdict(list)
        for m in records:
            by_org[m.organization_id].append(m)
        groups = list(by_org.values())
        scored: list[Scored] = []
        if len(groups) > 1:
            files = [
                _file(f"agency-{g[0].organization_id}", [(m.record, m.encoding) for m in g])
                for g in groups
            ]
            scored, run.model, run.candidates = _score(
                files, groups, lower=lower, upper=upper, incremental=False
            )
        _apply(receiver, run, records, scored, locked=set(), full=True)
        _finish_run(run, actor=actor, full=True, records=run.records)
    return run


# --- the review queue --------------------------------------------------------------------------


def _pairs(receiver: Organization) -> QuerySet[CandidatePair]:
    return CandidatePair.objects.filter(receiver=receiver).select_related(
        "left__organization", "right__organization", "decided_by"
    )


def review_queue(actor: User, *, status: str = PairStatus.PENDING) -> list[CandidatePair]:
    """The pairs of one status (waiting for review by default), best first; the read audited."""
    receiver = center_of(actor)
    if status not in PairStatus.values:
        raise InvalidInput.field("status", f"choose one of: {', '.join(PairStatus.values)}")
    found = list(_pairs(receiver).filter(status=status)[:500])
    record(
        actor=actor,
        action=Action.VIEW,
        object_type="reports.review_queue",
        object_id=status,
        owner_org=receiver,
        purpose=PURPOSE,
        detail={"pairs": len(found)},
    )
    return found


def queue_counts(receiver: Organization) -> dict[str, int]:
    counts = dict(
        CandidatePair.objects.filter(receiver=receiver)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in PairStatus.values}


def get_pair(actor: User, pk: Any) -> CandidatePair:
    return one_or_not_found(_pairs(center_of(actor)), pk, NOT_FOUND)


def review_item(actor: User, pk: Any) -> CandidatePair:
    """One pair with its pattern and its confirmation requests; the read audited."""
    pair = get_pair(actor, pk)
    record(
        actor=actor,
        action=Action.VIEW,
        obj=pair,
        owner_org=pair.receiver,
        purpose=PURPOSE,
        detail={"status": pair.status},
    )
    return pair


def _regroup(receiver: Organization, cluster_id: int) -> None:
    """Regroup one cluster's records by the links that remain among them (auto-linked and
    reviewer-linked pairs; a split pair is no link)."""
    records = list(LinkedRecord.objects.filter(cluster_id=cluster_id).order_by("pk"))
    groups = _Groups(records, locked=set())
    ids = {m.pk for m in records}
    for p in CandidatePair.objects.filter(
        left_id__in=ids, right_id__in=ids, status__in=[PairStatus.AUTO_LINKED, PairStatus.LINKED]
    ):
        groups.join(p.left_id, p.right_id)
    _write_clusters(receiver, records, groups)


def _path(pair: CandidatePair) -> list[int]:
    """The linked pairs that still join the pair's two records after a split, if any."""
    records = set(
        LinkedRecord.objects.filter(cluster_id=pair.left.cluster_id).values_list("pk", flat=True)
    )
    links = CandidatePair.objects.filter(
        left_id__in=records,
        right_id__in=records,
        status__in=[PairStatus.AUTO_LINKED, PairStatus.LINKED],
    ).exclude(pk=pair.pk)
    edges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in links:
        edges[p.left_id].append((p.right_id, p.pk))
        edges[p.right_id].append((p.left_id, p.pk))
    came: dict[int, tuple[int, int] | None] = {pair.left_id: None}
    todo = [pair.left_id]
    while todo:
        x = todo.pop(0)
        for y, via in edges[x]:
            if y not in came:
                came[y] = (x, via)
                todo.append(y)
    if pair.right_id not in came:
        return []
    path, x = [], pair.right_id
    while (step := came[x]) is not None:
        x, via = step
        path.append(via)
    return path


def decide(actor: User, pk: Any, decision: str, reason: str) -> CandidatePair:
    """Link or split a pair, with a reason; audited. The decision stays with the pair."""
    reason = (reason or "").strip()
    errors = []
    if decision not in DECISIONS:
        errors.append(FieldError("decision", "choose link or split"))
    if not reason:
        errors.append(FieldError("reason", "say why: the decision is kept with its reason"))
    receiver = center_of(actor)
    if errors:
        raise InvalidInput.fields(errors)
    with transaction.atomic():
        _lock(receiver.pk)
        pair = CandidatePair.objects.select_for_update().filter(pk=get_pair(actor, pk).pk).first()
        assert pair is not None
        pair = _pairs(receiver).get(pk=pair.pk)
        before = pair.status
        status = DECISIONS[decision]
        left, right = pair.left, pair.right
        if status == PairStatus.SPLIT and left.cluster_id == right.cluster_id:
            through = _path(pair)
            if through:
                raise Conflict(
                    "These two records are still joined through another record: split "
                    + ", ".join(f"pair {n}" for n in through)
                    + " first, or link this one."
                )
        pair.status = status
        pair.decided_by, pair.decided_at = actor, timezone.now()
        pair.reason = reason[:500]
        pair.save(update_fields=["status", "decided_by", "decided_at", "reason"])
        if status == PairStatus.LINKED and left.cluster_id != right.cluster_id:
            LinkedRecord.objects.filter(cluster_id=right.cluster_id).update(
                cluster_id=left.cluster_id
            )
            Cluster.objects.filter(pk=right.cluster_id).delete()
        elif status == PairStatus.SPLIT and left.cluster_id == right.cluster_id:
            _regroup(receiver, left.cluster_id)
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=pair,
            owner_org=receiver,
            purpose=PURPOSE,
            detail={"decision": decision, "before": before, "reason": pair.reason},
        )
    return _pairs(receiver).get(pk=pair.pk)


# --- asking the agency ---------------------------------------------------------------------------


def ask_agency(actor: User, pk: Any, side: str, question: str) -> ConfirmationRequest:
    """A yes-or-no question to the agency owning one record of a pair (`side`: left or
    right). One waiting question per record of a pair."""
    question = " ".join((question or "").split())
    errors = []
    if side not in ("left", "right"):
        errors.append(FieldError("record", "choose the left or the right record"))
    if not 1 <= len(question) <= 500:
        errors.append(FieldError("question", "ask a yes-or-no question (up to 500 characters)"))
    pair = get_pair(actor, pk)
    if errors:
        raise InvalidInput.fields(errors)
    member = pair.left if side == "left" else pair.right
    with transaction.atomic():
        if ConfirmationRequest.objects.filter(
            pair=pair, record=member, answer=Confirmation.WAITING
        ).exists():
            raise Conflict("A question about this record is already waiting for the agency.")
        made = ConfirmationRequest.objects.create(
            pair=pair,
            record=member,
            organization=member.organization,
            question=question,
            asked_by=actor,
        )
        record(
            actor=actor,
            action=Action.CREATE,
            obj=made,
            owner_org=member.organization,
            purpose=PURPOSE,
            detail={"pair": pair.pk, "to": member.organization.slug},
        )
    return made


def requests_for(actor: User) -> list[ConfirmationRequest]:
    """The confirmation requests to `actor`'s agency (its supervisors and administrators),
    waiting ones first. Nothing of the other agency's record."""
    agency = answers_for(actor)
    if agency is None:
        raise NotFound(NOT_FOUND)
    return sorted(
        ConfirmationRequest.objects.filter(organization=agency).select_related(
            "pair__receiver", "answered_by"
        )[:200],
        key=lambda r: (r.answer != Confirmation.WAITING, -r.pk),
    )


def questions_waiting(actor: User) -> int | None:
    """For the menu, in one query: None when `actor` answers for no agency that has been asked
    anything (no menu entry), else how many of its questions wait for an answer (the badge)."""
    agency = answers_for(actor)
    if agency is None:
        return None
    counts = ConfirmationRequest.objects.filter(organization=agency).aggregate(
        asked=Count("pk"), waiting=Count("pk", filter=Q(answer=Confirmation.WAITING))
    )
    return counts["waiting"] if counts["asked"] else None


@dataclass
class ForAgency:
    request: ConfirmationRequest
    case_id: int
    first_name: str
    last_name: str
    dob: str
    zip_code: str
    center: str


def _own_request(actor: User, pk: Any) -> ConfirmationRequest:
    agency = answers_for(actor)
    if agency is None:
        raise NotFound(NOT_FOUND)
    rows = ConfirmationRequest.objects.filter(organization=agency).select_related(
        "record", "pair__receiver", "answered_by"
    )
    return one_or_not_found(rows, pk, NOT_FOUND)


def confirmation_for(actor: User, pk: Any) -> ForAgency:
    """The question and the agency's own record it is about (the identifiers its encodings
    were made from), read through the access rule and audited as a read of the youth's
    identity; the other agency's record is never here."""
    found = _own_request(actor, pk)
    pseudonym = RecordPseudonym.objects.filter(
        token=found.record.record, organization_id=found.organization_id
    ).first()
    if pseudonym is None:
        raise NotFound(NOT_FOUND)
    case, grant = case_for(actor, pseudonym.case_id)
    if not grant.sees("identity"):
        raise NotFound(NOT_FOUND)
    from .models import CaseCoding

    coding = CaseCoding.objects.filter(case=case).first()
    zip_code = (coding.answers or {}).get("zip_code") if coding else None
    record(
        actor=actor,
        action=Action.VIEW,
        obj=found,
        owner_org=case.owner,
        youth_id=case.youth_id,
        compartments=["identity"],
        purpose=PURPOSE,
        legal_basis=grant.purpose,
        detail={"case": case.pk, "confirmation": found.pk},
    )
    return ForAgency(
        request=found,
        case_id=case.pk,
        first_name=case.youth.first_name,
        last_name=case.youth.last_name,
        dob=case.youth.dob or "",
        zip_code=str(zip_code) if zip_code not in (None, "") else "",
        center=found.pair.receiver.name,
    )


def answer(actor: User, pk: Any, value: str) -> ConfirmationRequest:
    """Yes or no, once; audited. Nothing else goes back to the center."""
    if value not in (Confirmation.YES, Confirmation.NO):
        raise InvalidInput.field("answer", "answer yes or no")
    with transaction.atomic():
        found = _own_request(actor, pk)
        found = ConfirmationRequest.objects.select_for_update().get(pk=found.pk)
        if found.answer != Confirmation.WAITING:
            raise Conflict("This question has already been answered.")
        found.answer = value
        found.answered_by, found.answered_at = actor, timezone.now()
        found.save(update_fields=["answer", "answered_by", "answered_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=found,
            owner_org=found.organization,
            purpose=PURPOSE,
            detail={"answer": value, "pair": found.pair_id},
        )
    return found


def requests_of(pair: CandidatePair) -> list[ConfirmationRequest]:
    return list(pair.requests.select_related("organization", "asked_by").order_by("pk"))


# --- the statewide figure ------------------------------------------------------------------------


@dataclass
class Unduplicated:
    """A year's unduplicated count and how it was reached."""

    runs: int
    lower: float | None
    upper: float | None
    key_versions: list[int]
    records: int  # records of the year's submissions with encodings
    youth_once: int  # clusters with records of one agency only
    youth_several: int  # clusters with records of more than one agency
    auto_linked: int
    reviewed_linked: int
    reviewed_split: int
    pending: int
    agencies_without_encodings: list[str]

    @property
    def youth(self) -> int:
        return self.youth_once + self.youth_several


def unduplicated(receiver: Organization, year: int, subs: list[Submission]) -> Unduplicated | None:
    """The year's clusters among the records of its submissions with encodings, and the pairs
    among those records by status; None when no linking has been run at this center."""
    runs = LinkRun.objects.filter(receiver=receiver)
    if not runs.exists():
        return None
    latest = runs.order_by("-pk").first()
    assert latest is not None
    sub_ids = [s.pk for s in subs]
    records = list(
        LinkedRecord.objects.filter(submitted__submission_id__in=sub_ids)
        .distinct()
        .values_list("pk", "cluster_id", "organization_id", "key_version")
    )
    orgs_of: dict[int, set[int]] = defaultdict(set)
    for _, cluster, org, _ in records:
        orgs_of[cluster].add(org)
    ids = [r[0] for r in records]
    statuses = dict(
        CandidatePair.objects.filter(left_id__in=ids, right_id__in=ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return Unduplicated(
        runs=runs.count(),
        lower=latest.lower,
        upper=latest.upper,
        key_versions=sorted({r[3] for r in records}),
        records=len(records),
        youth_once=sum(1 for o in orgs_of.values() if len(o) == 1),
        youth_several=sum(1 for o in orgs_of.values() if len(o) > 1),
        auto_linked=statuses.get(PairStatus.AUTO_LINKED, 0),
        reviewed_linked=statuses.get(PairStatus.LINKED, 0),
        reviewed_split=statuses.get(PairStatus.SPLIT, 0),
        pending=statuses.get(PairStatus.PENDING, 0),
        agencies_without_encodings=sorted(
            {s.organization.name for s in subs if not carries_encodings(s)}
        ),
    )

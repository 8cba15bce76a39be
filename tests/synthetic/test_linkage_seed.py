"""The demo's same-youth linkage (synthetic/linkage.py): three agencies' submissions with
encodings for the last full year, linked at the statistical center with pairs linked
automatically and pairs waiting for review; the same seed gives the same files and pairs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from harborline.people.models import User
from harborline.reports import linking
from harborline.reports.models import CandidatePair, PairStatus, Submission
from harborline.synthetic import cases as synthetic_cases
from harborline.synthetic import seed

pytestmark = pytest.mark.django_db

FIXED_NOW = datetime(2026, 11, 30, 17, 45, tzinfo=UTC)


class _Rollback(Exception):
    pass


def _seeded(monkeypatch, **kwargs) -> dict:
    monkeypatch.setattr(synthetic_cases, "demo_now", lambda: FIXED_NOW)
    taken: dict = {}
    try:
        with transaction.atomic():
            report = seed(**kwargs)
            taken["counts"] = {k: v for k, v in report.counts.items() if k.startswith("linkage")}
            taken["files"] = sorted(
                Submission.objects.filter(parameters__identifiers="encodings").values_list(
                    "organization__slug", "year", "sha256"
                )
            )
            taken["pairs"] = sorted(
                (p.status, round(p.probability, 6), p.left.record, p.right.record)
                for p in CandidatePair.objects.select_related("left", "right")
            )
            raise _Rollback
    except _Rollback:
        pass
    return taken


def test_the_demo_center_has_pairs_linked_and_waiting(monkeypatch):
    monkeypatch.setattr(synthetic_cases, "demo_now", lambda: FIXED_NOW)
    report = seed(scale="demo", seed=1)
    counts = report.counts
    assert counts["linkage.submissions"] == 3
    assert counts["linkage.pairs_waiting"] >= 1 and counts["linkage.pairs_auto_linked"] >= 1
    assert counts["linkage.youth"] < counts["linkage.records"]  # some youth counted once
    sent = Submission.objects.filter(parameters__identifiers="encodings")
    assert {s.year for s in sent} == {FIXED_NOW.year - 1}
    assert all(s.decided_by_id != s.prepared_by_id for s in sent)
    # The demo's analyst login works at the center and finds them in the review queue.
    analyst = User.objects.get(email="analyst@demo.example.org")
    queue = linking.review_queue(analyst, status=PairStatus.PENDING)
    assert len(queue) == counts["linkage.pairs_waiting"]
    assert (
        CandidatePair.objects.filter(status=PairStatus.AUTO_LINKED).count()
        == (counts["linkage.pairs_auto_linked"])
    )
    # No name, date of birth or ZIP code in any file the center received.
    for sub in sent:
        for word in ("Bitterbrush", "Talus", "Saltgrass", "89101", "89104"):
            assert word not in sub.client_file


def test_same_seed_same_files_and_pairs(monkeypatch):
    first = _seeded(monkeypatch, scale="demo", seed=4)
    second = _seeded(monkeypatch, scale="demo", seed=4)
    assert first["pairs"] and first == second

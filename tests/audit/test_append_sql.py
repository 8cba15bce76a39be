"""The audit append's fixed SQL (audit.services: `_locked_head`, `_insert`, `_move_head`) against
the ORM statements it replaced: what lands in the table is what the ORM would have written, on
both databases. A model change the SQL misses fails here."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harborline.audit import services as audit
from harborline.audit.chain import verify
from harborline.audit.models import Action, AuditEvent, ChainHead
from harborline.people import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return services.create_organization(
        actor=None, slug="washoe-da", name="Washoe DA", type="prosecutor"
    )


@pytest.fixture
def user(org):
    return services.create_user(
        actor=None, email="sql@example.org", organization=org, role="supervisor"
    )


FIELDS = [f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key]


def _stored(seq: int) -> dict:
    return AuditEvent.objects.filter(seq=seq).values(*FIELDS).get()


def test_a_record_reads_back_through_the_orm_exactly_as_written(user, org):
    detail = {"fields": ["name", "dob"], "note": "Señora Ñandú — “quoted”", "n": 3, "x": None}
    event = audit.record(
        actor=user,
        action=Action.UPDATE,
        obj=org,
        owner_org=org,
        youth_id=42,
        compartments=["safety", "identity"],
        purpose="review",
        legal_basis="NRS 432B.290",
        detail=detail,
    )
    stored = _stored(event.seq)
    assert stored == {name: getattr(event, name) for name in FIELDS}
    assert stored["detail"] == detail and stored["compartments"] == ["identity", "safety"]
    assert stored["at"] == event.at and stored["at"].tzinfo is not None
    assert not event._state.adding  # saving it again is refused like any stored record
    assert verify().ok


def test_the_head_moves_as_the_orm_would_have_moved_it(user, org):
    audit.record(actor=user, action=Action.VIEW, obj=org)
    last = AuditEvent.objects.order_by("-seq").first()
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (last.seq, last.hash)
    assert head.keyed_from is not None and head.key_id and head.mac
    assert (
        audit._locked_head(*audit.sealing_key()).__dict__.items()
        >= {
            "seq": head.seq,
            "hash": head.hash,
            "keyed_from": head.keyed_from,
            "key_id": head.key_id,
            "mac": head.mac,
        }.items()
    )


def test_a_list_page_larger_than_one_batch_appends_every_read_in_order(user, org):
    batch = connection.ops.bulk_batch_size(
        [f for f in AuditEvent._meta.concrete_fields if not f.primary_key], [object()] * 5000
    )
    count = min(batch * 2 + 3, 2500)
    before = ChainHead.objects.get(pk=1).seq if ChainHead.objects.exists() else 0
    audit.record_reads(actor=user, reads=[(org, org, i, ["identity"]) for i in range(count)])
    seqs = list(AuditEvent.objects.filter(seq__gt=before).values_list("seq", "youth_id"))
    assert seqs == [(before + 1 + i, i) for i in range(count)]
    assert verify().ok


def test_a_new_log_creates_its_head_row(db):
    ChainHead.objects.all().delete()
    audit.record(actor=None, action=Action.LOGIN_FAILED, actor_email="x@example.org")
    head = ChainHead.objects.get(pk=1)
    assert head.seq == AuditEvent.objects.order_by("-seq").first().seq
    assert verify().ok


def test_an_append_is_three_statements_and_locks_the_head_on_postgresql(user, org):
    audit.record(actor=user, action=Action.VIEW, obj=org)  # the chain is keyed already
    with CaptureQueriesContext(connection) as queries:
        audit.record_reads(actor=user, reads=[(org, org, 7, ["identity"])])
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 3, statements
    assert statements[0].startswith("SELECT")
    if connection.vendor == "postgresql":
        assert statements[0].rstrip().endswith("FOR UPDATE")
    assert statements[1].startswith("INSERT") and statements[2].startswith("UPDATE")


def test_the_stored_time_keeps_microseconds(user, org):
    event = audit.record(actor=user, action=Action.VIEW, obj=org)
    assert _stored(event.seq)["at"] == event.at
    assert event.at.astimezone(UTC) <= datetime.now(UTC)

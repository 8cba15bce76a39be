"""The audit log: a hash chain that only grows."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from harborline.audit.chain import GENESIS, compute_hash, verify
from harborline.audit.context import request_id
from harborline.audit.models import Action, AppendOnly, AuditEvent, ChainHead
from harborline.audit.services import record
from harborline.errors import InvalidInput
from harborline.people import services

ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL-only mechanism (SQLite relies on the model layer and the hash chain)",
)


@pytest.fixture
def org(db):
    return services.create_organization(
        actor=None, slug="lvmpd", name="LVMPD", type="law_enforcement"
    )


@pytest.fixture
def user(org):
    return services.create_user(
        actor=None, email="a@example.org", organization=org, role="supervisor"
    )


def test_each_record_carries_the_hash_of_the_one_before(user, org):
    record(actor=user, action=Action.VIEW, obj=org, purpose="review")
    record(actor=None, action=Action.LOGIN_FAILED, actor_email="someone@example.org")
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    previous = GENESIS
    for event in events:
        assert event.prev_hash == previous
        assert event.hash == compute_hash(event)
        previous = event.hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash) == (4, previous)
    assert verify().ok and verify().checked == 4


def test_record_snapshots_actor_org_and_request(user, org):
    token = request_id.set("req-12345678")
    try:
        event = record(
            actor=user, action=Action.VIEW, obj=org, compartments=["safety", "identity", "safety"]
        )
    finally:
        request_id.reset(token)
    assert (event.actor_id, event.actor_email, event.org_id, event.org_slug) == (
        user.pk,
        "a@example.org",
        org.pk,
        "lvmpd",
    )
    assert (event.object_type, event.object_id) == ("people.organization", str(org.pk))
    assert event.compartments == ["identity", "safety"]
    assert event.request_id == "req-12345678"


def test_hash_covers_the_contents(user, org):
    event = record(actor=user, action=Action.VIEW, obj=org)
    original = event.hash
    event.purpose = "something else"
    assert compute_hash(event) != original


def test_a_failed_write_leaves_no_record(org):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput):
        services.create_user(actor=None, email="bad", organization=org, role="caseworker")
    assert AuditEvent.objects.count() == before
    assert verify().ok


def test_existing_records_refuse_save_and_delete(user):
    event = AuditEvent.objects.order_by("seq").first()
    event.action = "tampered"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.CREATE
    assert verify().ok


def test_querysets_refuse_update_and_delete(user):
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(seq=1).update(action="tampered")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(seq=1).delete()
    assert AuditEvent.objects.count() == 2
    assert verify().ok


def test_verify_of_an_empty_log_is_ok(db):
    verdict = verify()
    assert (verdict.ok, verdict.checked, verdict.head_hash) == (True, 0, GENESIS)


@ON_POSTGRES
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
    ],
)
def test_postgres_trigger_refuses_raw_update_and_delete(user, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.get(seq=1).action == Action.CREATE


@ON_POSTGRES
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_two_threads_form_one_gapless_chain():
    per_thread, errors = 25, []
    start = threading.Barrier(2)

    def append(name):
        try:
            start.wait()
            for i in range(per_thread):
                record(
                    actor=None,
                    action=Action.VIEW,
                    actor_email=f"{name}@example.org",
                    object_type="test.thing",
                    object_id=str(i),
                )
        except Exception as problem:  # noqa: BLE001 - reported to the main thread below
            errors.append(problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * per_thread + 1))
    emails = set(AuditEvent.objects.values_list("actor_email", flat=True))
    assert emails == {"one@example.org", "two@example.org"}
    verdict = verify()
    assert verdict.ok, verdict.problem
    assert verdict.checked == 2 * per_thread

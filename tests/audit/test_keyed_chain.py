"""The audit chain sealed with a key that is not in the database (issue 10, hole 5): recomputing
the hashes with the code's own function, or with a key of one's own, no longer passes; records
from before the switch stay verifiable; the MAC key rotates with its id on each record."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from harborline.audit.chain import compute_hash, compute_mac, verify
from harborline.audit.models import Action, AuditEvent, ChainHead
from harborline.audit.services import record, record_reads, seal_chain
from harborline.crypto.keys import audit_keys, generate_audit_key
from harborline.people import services

from .tamper import move_head, raw_sql, rewrite_from

pytestmark = pytest.mark.django_db


def write(count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        record(
            actor=None,
            actor_email=f"worker{i}@example.org",
            action=Action.VIEW,
            object_type="cases.youth",
            object_id=str(i),
            purpose="case coordination",
        )


def test_every_record_and_the_head_carry_a_seal_under_the_first_key():
    write(3)
    key_id, key = audit_keys()[0]
    for event in AuditEvent.objects.order_by("seq"):
        assert event.key_id == key_id
        assert event.mac == compute_mac(event.hash, key)
        assert event.hash == compute_hash(event)  # the chain itself is unchanged
    head = ChainHead.objects.get()
    assert (head.seq, head.keyed_from, head.key_id) == (3, 1, key_id)
    verdict = verify()
    assert verdict.ok, verdict.problem
    assert (verdict.checked, verdict.keyed_from) == (3, 1)


def test_a_list_page_s_reads_are_sealed_too():
    org = services.create_organization(
        actor=None, slug="washoe-cw", name="Washoe CW", type="child_welfare"
    )
    user = services.create_user(
        actor=None, email="cw@example.org", organization=org, role="caseworker"
    )
    record_reads(actor=user, reads=[(org, org, 1, ["identity"]), (org, org, 2, ["identity"])])
    assert all(e.mac for e in AuditEvent.objects.all())
    assert verify().ok


def test_the_issue_s_attack_recompute_the_hashes_and_move_the_head_now_fails():
    """Issue 10: alter a record, recompute its hash and every later one with compute_hash,
    update the head. Before the MAC this passed verify-audit."""
    write(5)
    rewrite_from(3, change={"action": "deleted-evidence", "actor_email": "someone@example.org"})
    verdict = verify()
    assert not verdict.ok
    assert verdict.first_broken_seq == 3
    assert "#3" in verdict.problem and "seal (MAC) does not fit" in verdict.problem


def test_recomputing_the_macs_with_a_key_of_one_s_own_fails():
    write(5)
    key_id = audit_keys()[0][0]
    rewrite_from(2, change={"purpose": "curiosity"}, key=b"a guessed key" * 3, key_id=key_id)
    verdict = verify()
    assert not verdict.ok and verdict.first_broken_seq == 2
    assert "seal (MAC) does not fit" in verdict.problem


def test_naming_a_key_that_is_not_configured_fails():
    write(3)
    rewrite_from(2, change={"purpose": "curiosity"}, key=b"x" * 32, key_id="0123456789ab")
    verdict = verify()
    assert not verdict.ok and verdict.first_broken_seq == 2
    assert "'0123456789ab', which is not in HARBORLINE_AUDIT_KEYS" in verdict.problem


def test_passing_sealed_records_off_as_unkeyed_ones_fails():
    """Strip every seal and the head's switch point, so that the log looks as if it predated
    the key: a keyed log cannot be unkeyed without the key."""
    write(4)
    rewrite_from(2, change={"action": "deleted-evidence"}, strip_seals=True)
    assert ChainHead.objects.get().keyed_from is None
    verdict = verify()
    assert not verdict.ok
    assert "not sealed with the audit key" in verdict.problem


def test_the_head_s_seal_covers_the_switch_point_and_the_end():
    write(4)
    ChainHead.objects.filter(pk=1).update(keyed_from=3)  # records 1-2 passed off as unkeyed
    verdict = verify()
    assert not verdict.ok and "the chain head was altered" in verdict.problem


def test_a_cut_tail_with_the_head_moved_back_fails_without_the_key():
    write(5)
    raw_sql("DELETE FROM audit_auditevent WHERE seq > 3")
    move_head()  # seq and hash moved back, the seal left as it was: it no longer fits
    verdict = verify()
    assert not verdict.ok and "the chain head was altered" in verdict.problem


def test_without_the_audit_key_nothing_is_written_and_nothing_verified(settings):
    write(1)
    settings.AUDIT_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="HARBORLINE_AUDIT_KEYS is not set"):
        write(1, start=1)
    with pytest.raises(ImproperlyConfigured, match="HARBORLINE_AUDIT_KEYS is not set"):
        verify()
    settings.AUDIT_KEYS = ["too-short"]
    with pytest.raises(ImproperlyConfigured, match="key 1 is not a valid audit key"):
        verify()


# --- the switch from SHA-256 (databases written before the key) ------------------------------


def make_unkeyed_log(count: int) -> None:
    """A log as an earlier release left it: plain SHA-256 chain, no seals, no switch point."""
    write(count)
    raw_sql("UPDATE audit_auditevent SET mac = '', key_id = ''")
    ChainHead.objects.filter(pk=1).update(keyed_from=None, mac="", key_id="")


def test_an_unkeyed_log_asks_to_be_sealed():
    make_unkeyed_log(3)
    verdict = verify()
    assert not verdict.ok
    assert "not sealed with the audit key yet" in verdict.problem
    assert "harborline migrate" in verdict.problem


def test_the_first_write_after_the_key_seals_the_switch_and_older_records_stay_verifiable():
    make_unkeyed_log(3)
    write(2, start=3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    switch = events[3]
    assert switch.action == Action.AUDIT_KEYED
    assert switch.detail["unkeyed_records"] == 3
    assert switch.detail["last_unkeyed_hash"] == events[2].hash
    assert [bool(e.mac) for e in events] == [False, False, False, True, True, True]
    assert ChainHead.objects.get().keyed_from == 4
    verdict = verify()
    assert verdict.ok, verdict.problem
    assert (verdict.checked, verdict.keyed_from) == (6, 4)


def test_seal_chain_keys_an_old_log_once_and_a_new_log_without_a_record(db):
    head = seal_chain()
    assert (head.seq, head.keyed_from) == (0, 1)
    assert AuditEvent.objects.count() == 0
    ChainHead.objects.filter(pk=1).update(keyed_from=None, mac="", key_id="")
    make_unkeyed_log(2)
    head = seal_chain()
    assert (head.seq, head.keyed_from) == (3, 3)
    assert seal_chain().seq == 3, "sealing twice writes nothing more"
    assert verify().ok


def test_rewriting_records_from_before_the_switch_fails_at_the_switch():
    """The unkeyed records have no seal of their own, but the first sealed record's hash covers
    the last of them, so a rewrite of the old part breaks there."""
    make_unkeyed_log(3)
    write(1, start=3)
    raw_sql("UPDATE audit_auditevent SET action = 'x' WHERE seq = 2")
    events = AuditEvent.objects.filter(seq__lte=3).order_by("seq")
    prev = AuditEvent.objects.get(seq=1).hash
    for event in events[1:]:  # recompute #2 and #3, leave the sealed #4 alone
        event.prev_hash = prev
        event.hash = prev = compute_hash(event)
        raw_sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
            [event.prev_hash, event.hash, event.seq],
        )
    verdict = verify()
    assert not verdict.ok and verdict.first_broken_seq == 4
    assert "does not follow the record before it" in verdict.problem


# --- rotating the MAC key ----------------------------------------------------------------------


def test_a_new_key_seals_new_records_and_old_ones_verify_with_the_old_key(settings):
    old = list(settings.AUDIT_KEYS)
    write(2)
    new = generate_audit_key()
    settings.AUDIT_KEYS = [new, *old]
    write(2, start=2)
    ids = list(AuditEvent.objects.order_by("seq").values_list("key_id", flat=True))
    assert ids[0] == ids[1] != ids[2] == ids[3]
    assert ChainHead.objects.get().key_id == ids[2]
    assert verify().ok
    settings.AUDIT_KEYS = [new]  # the old key dropped too early
    verdict = verify()
    assert not verdict.ok and verdict.first_broken_seq == 1
    assert "not in HARBORLINE_AUDIT_KEYS" in verdict.problem

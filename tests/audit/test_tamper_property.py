"""Property: whatever single record is altered or removed, and however, `verify` stops at
exactly that record; an untouched chain of any length verifies."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harborline.audit.chain import verify
from harborline.audit.services import record

pytestmark = pytest.mark.django_db

# Column -> a new value that differs from anything record() writes below.
ALTERATIONS = {
    "action": "'deleted-evidence'",
    "actor_email": "'someone-else@example.org'",
    "object_id": "'999999'",
    "purpose": "'curiosity'",
    "detail": '\'{"note": "edited"}\'',
    "compartments": "'[\"medical\"]'",
    "prev_hash": "'" + "f" * 64 + "'",
}


class Rollback(Exception):
    pass


def _raw(sql: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
        cursor.execute(sql)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    length=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_verify_names_exactly_the_first_tampered_record(length, data):
    try:
        with transaction.atomic():  # each example starts from an empty log
            for i in range(length):
                record(
                    actor=None,
                    actor_email=f"worker{i}@example.org",
                    action="view",
                    object_type="cases.youth",
                    object_id=str(i),
                    purpose="case coordination",
                )
            assert verify().ok
            victim_seq = data.draw(st.integers(min_value=1, max_value=length), label="seq")
            how = data.draw(st.sampled_from([*ALTERATIONS, "delete"]), label="how")
            if how == "delete":
                _raw(f"DELETE FROM audit_auditevent WHERE seq = {victim_seq}")  # noqa: S608
            else:
                value = ALTERATIONS[how]
                _raw(f"UPDATE audit_auditevent SET {how} = {value} WHERE seq = {victim_seq}")  # noqa: S608
            verdict = verify()
            assert not verdict.ok
            assert verdict.first_broken_seq == victim_seq, verdict.problem
            assert f"#{victim_seq}" in verdict.problem
            raise Rollback
    except Rollback:
        pass

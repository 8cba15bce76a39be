"""`harborline backup` and `harborline restore` on the database the suite runs on (SQLite, and
PostgreSQL in CI through pg_dump/pg_restore): the round trip gives every row back, every
encrypted field decrypts, the audit chain verifies; the keys are not in the backup, and a restore
says which ones it needs."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from harborline import synthetic
from harborline.audit.chain import verify
from harborline.audit.models import Action, AuditEvent
from harborline.cases.models import Youth
from harborline.config.backup import MANIFEST
from harborline.crypto.keys import key_fingerprints
from harborline.people import services

# pg_dump and pg_restore work on their own connections, which see only committed data; the
# restore replaces the tables themselves. So these tests commit (and are flushed afterwards).
pytestmark = pytest.mark.django_db(transaction=True)


def tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def snapshot() -> dict[str, tuple[int, str]]:
    """Per table: the row count and a checksum of its rows (in a stable order)."""
    found = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            found[table] = (len(rows), digest)
    return found


@pytest.fixture
def seeded(db):
    synthetic.seed(scale="demo", seed=1, progress=None)
    assert Youth.objects.exists()


def manifest_of(path) -> dict:
    with tarfile.open(path) as archive:
        return json.loads(archive.extractfile(MANIFEST).read())


def test_round_trip_gives_every_row_back_decrypts_and_verifies(cli, seeded, tmp_path, settings):
    path = tmp_path / "harborline.backup"
    result = cli("backup", str(path))
    assert result.code == 0, result.err
    assert f"Backed up {connection.vendor} to {path}" in result.out
    assert "The keys are not in the backup" in result.out
    before = snapshot()
    backup_event = AuditEvent.objects.order_by("-seq").first()
    assert backup_event.action == Action.BACKUP and backup_event.actor_email == "cli"

    manifest = manifest_of(path)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"] == {t: n for t, (n, _) in before.items()}
    assert manifest["audit_head"]["seq"] == backup_event.seq
    assert manifest["keys"] == key_fingerprints()
    # The keys themselves are nowhere in the file, only their fingerprints.
    everything = path.read_bytes()
    for secret in [*settings.FIELD_ENCRYPTION_KEYS, *settings.AUDIT_KEYS, settings.SECRET_KEY]:
        assert secret.encode() not in everything

    # Life goes on after the backup: changes (and their audit records) that the restore undoes.
    services.create_organization(actor=None, slug="after", name="After", type="medical")
    Youth.objects.filter(pk=Youth.objects.order_by("pk").first().pk).update(first_name="Changed")
    result = cli("restore", str(path), "--force")
    assert result.code == 0, result.err + result.out
    assert "Restore OK." in result.out
    assert "Encrypted fields:" in result.out and "do NOT decrypt" not in result.out
    assert "Audit chain: intact" in result.out
    after = snapshot()

    # Every row is back, identical; the only change is the restore's own audit record (and the
    # chain head that moved to it).
    changed = {t for t in before if before[t] != after.get(t)}
    assert changed <= {"audit_auditevent", "audit_chainhead"}
    assert set(after) == set(before)
    restore_event = AuditEvent.objects.order_by("-seq").first()
    assert restore_event.action == Action.RESTORE
    assert restore_event.seq == backup_event.seq + 1
    assert after["audit_auditevent"][0] == before["audit_auditevent"][0] + 1
    assert not AuditEvent.objects.filter(seq__gt=restore_event.seq).exists()
    from harborline.people.models import Organization

    assert not Organization.objects.filter(slug="after").exists()
    # Every encrypted field decrypts through the models, and the chain verifies.
    assert all(y.first_name and y.last_name for y in Youth.objects.all())
    verdict = verify()
    assert verdict.ok, verdict.problem


def test_restore_reports_counts_of_decrypted_values_per_table(cli, seeded, tmp_path):
    path = tmp_path / "b"
    assert cli("backup", str(path)).code == 0
    result = cli("restore", str(path), "--force", "--sample", "5")
    assert result.code == 0, result.err
    assert "a sample of up to 5 rows per table" in result.out
    youth_line = next(line for line in result.out.splitlines() if "cases.Youth:" in line)
    assert youth_line.strip().startswith("cases.Youth: 5 rows,")


def test_restore_refuses_a_database_that_is_not_empty_without_force(cli, seeded, tmp_path):
    path = tmp_path / "b"
    assert cli("backup", str(path)).code == 0
    services.create_organization(actor=None, slug="after", name="After", type="medical")
    before = snapshot()
    result = cli("restore", str(path))
    assert result.code == 2
    assert len(result.err_lines) == 1
    assert "the database is not empty" in result.err and "--force" in result.err
    assert snapshot() == before


def test_restore_names_the_keys_it_needs_and_changes_nothing_without_them(
    cli, seeded, tmp_path, settings
):
    path = tmp_path / "b"
    assert cli("backup", str(path)).code == 0
    needed = manifest_of(path)["keys"]["field_keys"]
    before = snapshot()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    result = cli("restore", str(path), "--force")
    assert result.code == 2
    assert "HARBORLINE_FIELD_KEYS" in result.err
    assert all(f in result.err for f in needed)
    assert snapshot() == before


def test_a_missing_field_key_is_reported_with_counts(cli, seeded, tmp_path, settings):
    """The backup was made with keys [A, B] (A encrypts); restoring with [C, B] passes the
    fingerprint check (B is there) but A's values do not decrypt: exit 1, counted per table."""
    path = tmp_path / "b"
    assert cli("backup", str(path)).code == 0
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS[1:],
    ]
    result = cli("restore", str(path), "--force")
    assert result.code == 1
    missing = manifest_of(path)["keys"]["field_keys"][0]
    assert f"HARBORLINE_FIELD_KEYS lacks key(s) {missing}" in result.out
    assert "do NOT decrypt" in result.out
    assert "encrypted values in cases.Youth do not decrypt" in result.err


def test_a_damaged_backup_is_refused(cli, seeded, tmp_path):
    path = tmp_path / "b"
    assert cli("backup", str(path)).code == 0
    with tarfile.open(path) as archive:
        members = [(m, archive.extractfile(m).read()) for m in archive.getmembers()]
    damaged = tmp_path / "damaged"
    with tarfile.open(damaged, "w") as archive:
        for member, data in members:
            if member.name != MANIFEST:
                data = data[:-10] + b"0123456789"
            archive.addfile(member, io.BytesIO(data))
    before = snapshot()
    result = cli("restore", str(damaged), "--force")
    assert result.code == 2 and "is damaged" in result.err
    assert snapshot() == before


def test_a_file_that_is_not_a_backup_or_of_another_engine_is_refused(cli, db, tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("hello")
    result = cli("restore", str(stray))
    assert result.code == 2 and "is not a Harborline backup" in result.err
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    fake = tmp_path / "other"
    encoded = json.dumps({"format": "harborline-backup", "version": 1, "engine": other}).encode()
    with tarfile.open(fake, "w") as archive:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(encoded)
        archive.addfile(info, io.BytesIO(encoded))
    result = cli("restore", str(fake))
    assert result.code == 2 and f"this is a {other} backup" in result.err


def test_backup_does_not_overwrite_a_file(cli, db, tmp_path):
    path = tmp_path / "exists"
    path.write_text("keep me")
    result = cli("backup", str(path))
    assert result.code == 2 and "exists" in result.err
    assert path.read_text() == "keep me"

"""`harborline backup PATH` and `harborline restore PATH`.

A backup is one tar file holding `manifest.json` (what was backed up: the engine, every table's
row count, the audit chain's head, and the fingerprints of the keys in use) and the database:
`database.pgdump` (`pg_dump --format=custom`, taken in one snapshot with the counts and the head)
on PostgreSQL, `database.sqlite3` (SQLite's online backup API) on SQLite. The keys are NOT in it:
a stolen backup is ciphertext and a log; restoring needs the keys, kept apart
(docs/operations.md), and the manifest names them by fingerprint so a restore can say which.

A restore refuses to replace a database that holds anything without --force, restores in one
transaction (`pg_restore --single-transaction`; SQLite's backup API replaces the file's pages at
once), then checks and reports: each table's row count against the manifest, that every encrypted
value decrypts with the configured field keys (or a sample per table), and that the audit chain
verifies with the audit keys up to the backup's head. It ends by appending a `restore` record."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, transaction

FORMAT = "harborline-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CLI_ACTOR = "cli"
Progress = Callable[[str], Any] | None


class BackupError(Exception):
    """The backup or restore could not be done (nothing was changed): exit 2."""


# --- helpers ---------------------------------------------------------------------------------


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in MEMBERS:
        raise BackupError(f"backups of a {vendor} database are not supported")
    return vendor


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor: Any, vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - catalogue names
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _head(cursor: Any) -> dict[str, Any]:
    try:
        cursor.execute("SELECT seq, hash FROM audit_chainhead WHERE id = 1")
        row = cursor.fetchone()
    except Exception:  # noqa: BLE001 - a database without the audit tables has no head
        return {"seq": 0, "hash": "0" * 64}
    return {"seq": int(row[0]), "hash": row[1]} if row else {"seq": 0, "hash": "0" * 64}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore from Django's connection settings (the
    password goes in the environment, never on the command line)."""
    conf = connection.settings_dict
    env = dict(os.environ)
    for name, key in (
        ("PGDATABASE", "NAME"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
    ):
        if conf.get(key):
            env[name] = str(conf[key])
    for option, name in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if (conf.get("OPTIONS") or {}).get(option):
            env[name] = str(conf["OPTIONS"][option])
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools of the server's "
            "major version (Debian: postgresql-client)"
        )
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        first = lines[0] if lines else f"exit status {done.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {first}")


# --- backup ----------------------------------------------------------------------------------


@dataclass
class BackupReport:
    path: Path
    manifest: dict[str, Any]
    size: int
    seconds: float

    def summary(self) -> list[str]:
        m = self.manifest
        rows = sum(m["tables"].values())
        return [
            f"Backed up {m['engine']} to {self.path} ({self.size / 1e6:.1f} MB, "
            f"{len(m['tables'])} tables, {rows} rows, audit head #{m['audit_head']['seq']}) "
            f"in {self.seconds:.1f} s.",
            "The keys are not in the backup. Restoring it needs the field keys "
            f"{', '.join(m['keys']['field_keys'])} and the audit keys "
            f"{', '.join(m['keys']['audit_keys'])} (fingerprints; `harborline check` shows the "
            "configured ones): keep them backed up apart from it.",
        ]


def backup(path: Path, *, progress: Progress = None) -> BackupReport:
    from harborline.audit.models import Action
    from harborline.audit.services import record
    from harborline.crypto.keys import key_fingerprints

    started = time.monotonic()
    vendor = _engine()
    if path.exists():
        raise BackupError(f"{path} exists; give a new file name")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such directory")
    keys = key_fingerprints()  # no audit key, no backup: ImproperlyConfigured (exit 2)
    # A backup is an export of every youth's record: it is in the log (and in the backup).
    record(
        actor=None,
        actor_email=CLI_ACTOR,
        action=Action.BACKUP,
        object_type="database",
        detail={"file": path.name, "engine": vendor},
    )
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".harborline-backup-") as work:
        database = Path(work) / MEMBERS[vendor]
        if progress:
            progress(f"Copying the {vendor} database...")
        if vendor == "postgresql":
            tables, head = _pg_dump(database)
        else:
            tables, head = _sqlite_copy(database)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "engine": vendor,
            "database": {"member": database.name, "sha256": _sha256(database)},
            "tables": tables,
            "audit_head": head,
            "keys": keys,
            "migrations": _applied_migrations(),
        }
        partial = Path(work) / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            encoded = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(encoded), int(time.time()), 0o600
            archive.addfile(info, io.BytesIO(encoded))
            archive.add(database, arcname=database.name)
        partial.chmod(0o600)
        partial.replace(path)
    return BackupReport(path, manifest, path.stat().st_size, time.monotonic() - started)


def _pg_dump(target: Path) -> tuple[dict[str, int], dict[str, Any]]:
    """pg_dump in the snapshot in which the row counts and the chain head are read, so the
    manifest describes exactly what is in the dump."""
    pg_dump = _tool("pg_dump")
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = _counts(cursor, "postgresql")
            head = _head(cursor)
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
        raw.rollback()
    finally:
        raw.close()
    return tables, head


def _sqlite_copy(target: Path) -> tuple[dict[str, int], dict[str, Any]]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        tables = _counts(cursor, "sqlite")
        head = _head(cursor)
        cursor.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
    return tables, head


def _applied_migrations() -> dict[str, str]:
    """The newest applied migration per app, to tell an older backup when restoring."""
    from django.db.migrations.recorder import MigrationRecorder

    newest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        newest[app] = max(newest.get(app, ""), name)
    return dict(sorted(newest.items()))


# --- restore ---------------------------------------------------------------------------------


@dataclass
class FieldCheck:
    table: str
    rows: int = 0
    values: int = 0
    failed: int = 0


@dataclass
class RestoreReport:
    path: Path
    manifest: dict[str, Any]
    seconds: float = 0.0
    restore_seconds: float = 0.0
    sampled: int | None = None
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    fields: list[FieldCheck] = field(default_factory=list)
    audit: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        m = self.manifest
        lines = [
            f"Restored {self.path} (a {m['engine']} backup of {m['created_at']}) in "
            f"{self.restore_seconds:.1f} s; checked in {self.seconds - self.restore_seconds:.1f} s."
        ]
        rows = sum(self.tables.values())
        same = sum(1 for t, n in m["tables"].items() if self.tables.get(t) == n)
        lines.append(
            f"Rows: {same} of {len(m['tables'])} tables hold the rows the backup recorded "
            f"({rows} rows)."
        )
        values = sum(f.values for f in self.fields)
        failed = sum(f.failed for f in self.fields)
        scope = f"a sample of up to {self.sampled} rows per table" if self.sampled else "every row"
        lines.append(
            f"Encrypted fields: {values - failed} of {values} values in "
            f"{len(self.fields)} tables decrypt ({scope})."
        )
        for check in self.fields:
            lines.append(
                f"  {check.table}: {check.rows} rows, {check.values} values"
                + (f", {check.failed} do NOT decrypt" if check.failed else "")
            )
        if self.audit is not None:
            verdict = self.audit
            state = "intact" if verdict.ok else "BROKEN"
            lines.append(
                f"Audit chain: {state}, {verdict.checked} records, head {verdict.head_hash}."
            )
        lines.extend(f"Note: {note}" for note in self.notes)
        lines.append("Restore OK." if self.ok else "Restore finished with problems (below).")
        return lines


def read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with tarfile.open(path, "r") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8"))
    except (tarfile.TarError, KeyError, ValueError, OSError):
        raise BackupError(f"{path} is not a Harborline backup (no readable {MANIFEST})") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{path} is not a Harborline backup of a format this release reads")
    return manifest


def _key_notes(manifest: dict[str, Any]) -> list[str]:
    """What the configured keys mean for this backup. Refuses (BackupError) when none of the
    backup's field keys, or none of its audit keys, is configured: nothing would be readable."""
    from harborline.crypto.keys import key_fingerprints

    now, then = key_fingerprints(), manifest["keys"]
    notes = []
    for kind, env_name in (
        ("field_keys", "HARBORLINE_FIELD_KEYS"),
        ("audit_keys", "HARBORLINE_AUDIT_KEYS"),
    ):
        missing = [k for k in then[kind] if k not in now[kind]]
        if then[kind] and len(missing) == len(then[kind]):
            raise BackupError(
                f"this backup needs the keys that were in use when it was made, and none of them "
                f"is configured: {env_name} with key(s) {', '.join(then[kind])} (fingerprints; "
                f"configured: {', '.join(now[kind]) or 'none'}). Nothing was changed"
            )
        if missing:
            notes.append(
                f"{env_name} lacks key(s) {', '.join(missing)} that were configured when the "
                "backup was made; values or records under them will be reported below"
            )
    if then["secret_key"] != now["secret_key"]:
        notes.append(
            "HARBORLINE_SECRET_KEY differs from the one in use at the backup: everyone signs in "
            "again, and links and duplicate-check hashes made with the old key no longer match"
        )
    return notes


def restore(
    path: Path, *, force: bool = False, sample: int | None = None, progress: Progress = None
) -> RestoreReport:
    started = time.monotonic()
    manifest = read_manifest(path)
    vendor = _engine()
    if manifest["engine"] != vendor:
        raise BackupError(
            f"this is a {manifest['engine']} backup and the database is {vendor}; restore it "
            f"into {manifest['engine']}"
        )
    report = RestoreReport(path, manifest, sampled=sample)
    report.notes.extend(_key_notes(manifest))
    with connection.cursor() as cursor:
        present = _counts(cursor, vendor)
    if present and not force:
        raise BackupError(
            f"the database is not empty ({len(present)} tables, {sum(present.values())} rows); "
            "restore replaces everything in it: give --force to go ahead"
        )
    with tempfile.TemporaryDirectory(prefix=".harborline-restore-") as work:
        database = Path(work) / manifest["database"]["member"]
        with tarfile.open(path, "r") as archive:
            member = archive.extractfile(manifest["database"]["member"])
            if member is None:
                raise BackupError(f"{path} lacks its database ({database.name})")
            with database.open("wb") as out:
                shutil.copyfileobj(member, out, 1 << 20)
        if _sha256(database) != manifest["database"]["sha256"]:
            raise BackupError(f"{path} is damaged: its database does not match its checksum")
        if progress:
            progress(f"Restoring {path}...")
        restoring = time.monotonic()
        if vendor == "postgresql":
            _pg_restore(database, drop=bool(present))
        else:
            _sqlite_restore(database)
        report.restore_seconds = time.monotonic() - restoring
    _check(report, sample=sample, progress=progress)
    if report.ok:
        _record_restore(report)
    report.seconds = time.monotonic() - started
    return report


def _pg_restore(dump: Path, *, drop: bool) -> None:
    pg_restore = _tool("pg_restore")
    if drop:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in _tables(cursor, "postgresql"):
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")
            cursor.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "WHERE p.pronamespace = current_schema()::regnamespace AND NOT EXISTS "
                "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            )
            for (function,) in cursor.fetchall():
                cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
            cursor.execute(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()"
            )
            for (sequence,) in cursor.fetchall():
                cursor.execute(f"DROP SEQUENCE IF EXISTS {_quote(sequence)} CASCADE")
    connection.close()  # pg_restore works on its own connection; start afresh afterwards
    _run(
        [
            pg_restore,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={_pg_env().get('PGDATABASE', '')}",
            str(dump),
        ]
    )


def _sqlite_restore(copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _check(report: RestoreReport, *, sample: int | None, progress: Progress) -> None:
    from django.db.migrations.executor import MigrationExecutor

    from harborline.audit.chain import verify

    vendor = report.manifest["engine"]
    with connection.cursor() as cursor:
        report.tables = _counts(cursor, vendor)
    for table, expected in report.manifest["tables"].items():
        found = report.tables.get(table)
        if found != expected:
            report.problems.append(
                f"table {table}: {found if found is not None else 'missing'} rows, the backup "
                f"recorded {expected}"
            )
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        report.notes.append(
            f"the backup is from an older release ({len(pending)} migrations to apply): run "
            "`harborline migrate`, then `harborline verify-audit`; the encrypted fields and the "
            "audit chain were not checked"
        )
        return
    if progress:
        progress("Checking that every encrypted value decrypts...")
    report.fields = _check_encrypted(sample)
    for check in report.fields:
        if check.failed:
            report.problems.append(
                f"{check.failed} encrypted values in {check.table} do not decrypt with "
                "HARBORLINE_FIELD_KEYS: set the field keys in use when the backup was made "
                f"({', '.join(report.manifest['keys']['field_keys'])})"
            )
    if progress:
        progress("Verifying the audit chain...")
    report.audit = verdict = verify()
    if not verdict.ok:
        report.problems.append(f"audit chain: {verdict.problem}")
    head = report.manifest["audit_head"]
    if verdict.ok and (verdict.checked, verdict.head_hash) != (head["seq"], head["hash"]):
        report.problems.append(
            f"audit chain: the restored log ends at #{verdict.checked}, the backup's at "
            f"#{head['seq']}"
        )


def _check_encrypted(sample: int | None, batch: int = 2000) -> list[FieldCheck]:
    """Decrypt every stored token (or up to `sample` rows per table, chosen at random), reading
    the raw columns so that nothing else (audit, access) is involved."""
    from cryptography.fernet import InvalidToken

    from harborline.crypto.fields import PREFIX, encrypted_fields
    from harborline.crypto.keys import multifernet

    fernet = multifernet()
    checks = []
    for model, columns in encrypted_fields():
        check = FieldCheck(model._meta.label)
        table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
        cols = ", ".join(_quote(c) for c in columns)
        last: Any = None
        with connection.cursor() as cursor:
            while True:
                if sample:
                    cursor.execute(
                        f"SELECT {pk}, {cols} FROM {table} ORDER BY RANDOM() LIMIT %s",  # noqa: S608
                        [sample],
                    )
                else:
                    where = f"WHERE {pk} > %s " if last is not None else ""
                    params: list[Any] = [last] if last is not None else []
                    cursor.execute(
                        f"SELECT {pk}, {cols} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                        [*params, batch],
                    )
                rows = cursor.fetchall()
                for row in rows:
                    check.rows += 1
                    for stored in row[1:]:
                        if not stored:
                            continue
                        check.values += 1
                        try:
                            if not stored.startswith(PREFIX):
                                raise InvalidToken
                            fernet.decrypt(stored[len(PREFIX) :].encode("ascii"))
                        except (InvalidToken, UnicodeEncodeError):
                            check.failed += 1
                if sample or len(rows) < batch:
                    break
                last = rows[-1][0]
        checks.append(check)
    return checks


def _record_restore(report: RestoreReport) -> None:
    from django.conf import settings

    from harborline.audit.models import Action
    from harborline.audit.services import record

    m = report.manifest
    record(
        actor=None,
        actor_email=CLI_ACTOR,
        action=Action.RESTORE,
        object_type="database",
        detail={
            "file": report.path.name,
            "backup_created_at": m["created_at"],
            "backup_head_seq": m["audit_head"]["seq"],
        },
    )
    if settings.AUDIT_ANCHOR:
        report.notes.append(
            f"anchors exported after {m['created_at']} name records this restore discarded, so "
            "`harborline verify-audit` will report the log as cut short against them: keep that "
            "anchor file as the record of what was lost, move it aside, and run `harborline "
            "audit anchor` to start the new one"
        )

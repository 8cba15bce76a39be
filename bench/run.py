"""Harborline's load benchmark: state-scale synthetic data, the real server, real sign-ins.

    .venv/bin/python bench/run.py [--users 8] [--duration 15] [--requests 20000] [--seed 1]
                                  [--workers 2] [--name foundation] [--rebuild]

1. Builds the state-scale synthetic data set (harborline.synthetic, scale "state") into
   bench/cache/state-<seed>.sqlite3, or into the PostgreSQL database named by DATABASE_URL, and
   reuses it while its migrations and the generator are unchanged (--rebuild forces a new one).
2. Starts `harborline serve` (gunicorn, gthread) on a free loopback port.
3. Before the server starts, counts SQL queries per request in this process (Django's test
   client and CaptureQueriesContext, same database) for the case pages, as the lead caseworker
   of the biggest case: its small case and its biggest case must need the same number.
4. Signs in --users virtual users through the real pages (/login, then the six-digit code on
   /mfa/verify): the administrators of the largest organizations, and for the case pages the
   caseworkers who lead the biggest cases (each with its own small and biggest case).
5. For each measured page in turn, every virtual user requests it in a loop (one httpx client
   and one thread per user) for --duration seconds or until --requests have been made.
6. Writes bench/results/<name>.json and prints a table. See docs/benchmarks.md.

Exit status: 0 when every page was measured without errors (a case page that does not exist yet,
HTTP 404, is reported and skipped); 1 when a page could not be measured or answered with errors;
2 when sign-in or the server failed (nothing is measured then)."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SERVER_THREADS = 4
WARMUP_PER_USER = 2
TIMELINE_EVENTS = 50  # the timeline page is measured for a youth with at least this many events


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may name {small} and {big}: the virtual user's small case and biggest case
    auth: str  # "session" (signed in, MFA passed), "bearer" (API token) or "none"
    note: str
    users: str = "admins"  # "admins" of the largest organizations, or "case" workers (below)
    optional: bool = False  # a page still being built elsewhere: HTTP 404 means "not there yet"


PAGES = (
    Page("session", "/session/", "session", "trivial authenticated page (the baseline)"),
    Page("home", "/", "session", "home page"),
    Page("org_users", "/org/users", "session", "organization's users, as its administrator"),
    Page("org_audit", "/org/audit", "session", "organization's audit log, as its administrator"),
    Page("healthz", "/healthz", "none", "health check (database round trip, no session)"),
    Page("api_me", "/api/v1/me", "bearer", "API: who am I, with a bearer token"),
    # Case coordination, as the caseworkers who lead the biggest cases (see pick_case_users).
    Page("case_session", "/session/", "session", "the baseline again, as the case workers", "case"),
    Page("case_list", "/cases/", "session", "case list, first page (50 open cases)", "case", True),
    Page("case_small", "/cases/{small}/", "session", "case page, a small case", "case", True),
    Page("case_big", "/cases/{big}/", "session", "case page, the biggest case", "case", True),
    Page(
        "timeline",
        "/cases/{timeline}/timeline/",
        "session",
        f"timeline of a youth with {TIMELINE_EVENTS}+ events",
        "case",
        True,
    ),
    Page("obligations", "/obligations/", "session", "obligations dashboard (mine)", "case", True),
    Page(
        "obligations_org",
        "/obligations/?scope=org",
        "session",
        "obligations dashboard (whole organization)",
        "case",
        True,
    ),
    Page("api_case_small", "/api/v1/cases/{small}", "bearer", "API: a small case", "case"),
    Page("api_case_big", "/api/v1/cases/{big}", "bearer", "API: the biggest case", "case"),
    Page(
        "api_obligations_small",
        "/api/v1/cases/{small}/obligations",
        "bearer",
        "API: a small case's obligations",
        "case",
    ),
    Page(
        "api_obligations_big",
        "/api/v1/cases/{big}/obligations",
        "bearer",
        "API: the biggest case's obligations",
        "case",
    ),
)
BASELINE = "session"
CASE_BASELINE = "case_session"
BIG_CASE_NOTES = 100  # a case with at least this many notes is a "big" case
SMALL_CASE_NOTES = (1, 3)  # a "small" case has this many notes


class BenchError(Exception):
    """Something that makes measuring meaningless (exit 2)."""


def say(message: str) -> None:
    print(message, flush=True)


# --- The data set --------------------------------------------------------------------------------


def _env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


def _generator_fingerprint() -> str:
    """Changes when the synthetic generator's code changes, so a stale cache is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "harborline" / "synthetic").rglob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class DataSet:
    seed: int
    database_url: str
    vendor: str  # "sqlite" or "postgresql"
    label: str  # where it lives, without credentials
    meta_path: Path
    keys_path: Path
    sqlite_path: Path | None = None
    built_now: bool = False
    build_seconds: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    factor: float = 1.0  # the state scale's size (1 = all of Nevada)


def choose_dataset(seed: int, factor: float = 1.0) -> DataSet:
    """Where the data set lives. `factor` below 1 shrinks the state scale (smoke runs); such a
    data set is cached under a name of its own."""
    url = os.environ.get("DATABASE_URL", "").strip()
    size = "" if factor == 1 else f"-x{factor:g}"
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise BenchError("DATABASE_URL must be a postgres:// URL (or unset, for SQLite)")
        parts = httpx.URL(url.replace("postgresql://", "postgres://", 1))
        label = f"postgresql://{parts.host}:{parts.port or 5432}{parts.path}"
        tag = hashlib.sha256(label.encode()).hexdigest()[:8]
        return DataSet(
            seed,
            url,
            "postgresql",
            label,
            CACHE / f"pg-{tag}-state-{seed}{size}.json",
            CACHE / f"pg-{tag}-state-{seed}{size}.env",
            factor=factor,
        )
    path = CACHE / f"state-{seed}{size}.sqlite3"
    return DataSet(
        seed,
        f"sqlite:///{path}",
        "sqlite",
        str(path.relative_to(ROOT)),
        CACHE / f"state-{seed}{size}.json",
        CACHE / f"state-{seed}{size}.env",
        sqlite_path=path,
        factor=factor,
    )


def configure_environment(data: DataSet) -> dict[str, str]:
    """The environment for this process's Django and for the server. Keys are kept beside the
    data set, so that encrypted values written at build time stay readable."""
    from cryptography.fernet import Fernet

    CACHE.mkdir(parents=True, exist_ok=True)
    if not data.keys_path.exists():
        data.keys_path.touch(mode=0o600)
        data.keys_path.write_text(
            "# Keys for the benchmark's synthetic data set only.\n"
            f"HARBORLINE_SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"HARBORLINE_FIELD_KEYS={Fernet.generate_key().decode()}\n",
            encoding="utf-8",
        )
    if "HARBORLINE_AUDIT_KEYS" not in _env_file(data.keys_path):
        # The audit chain's MAC key (32 random bytes, url-safe base64, like a Fernet key),
        # added to a keys file written before the chain was keyed.
        with data.keys_path.open("a", encoding="utf-8") as keys:
            keys.write(f"HARBORLINE_AUDIT_KEYS={Fernet.generate_key().decode()}\n")
    env = {
        **_env_file(data.keys_path),
        "DATABASE_URL": data.database_url,
        "DJANGO_SETTINGS_MODULE": "harborline.config.settings",
        "HARBORLINE_VAR_DIR": str(CACHE / "var"),
        "HARBORLINE_SECURE_COOKIES": "0",
        "HARBORLINE_SSL_REDIRECT": "0",
        # The server serves this checkout's code, not whichever tree the virtual environment's
        # editable install points at (a copy of an earlier revision measures that revision).
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    os.environ.pop("HARBORLINE_DEMO", None)
    os.environ.update(env)
    return env


def _migrations_current() -> bool:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    return set(loader.disk_migrations) <= set(loader.applied_migrations)


def _is_bench_database() -> bool:
    """True when the database is empty or holds only a benchmark data set (so it may be wiped)."""
    from django.db import connection

    tables = connection.introspection.table_names()
    if not tables:
        return True
    if "audit_auditevent" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM audit_auditevent WHERE object_type = %s AND object_id LIKE %s",
            ["synthetic.seed", "state:%"],
        )
        return bool(cursor.fetchone()[0])


def _wipe(data: DataSet) -> None:
    from django.db import connection, connections

    if data.vendor == "sqlite":
        connections.close_all()
        assert data.sqlite_path is not None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{data.sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    if not _is_bench_database():
        raise BenchError(
            f"{data.label} holds data that is not a benchmark data set; point DATABASE_URL at a "
            "database of its own (it is wiped and rebuilt when stale)"
        )
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connections.close_all()


def ensure_dataset(data: DataSet, *, rebuild: bool) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from harborline.protocols.geography import available_packs, load_geography
    from harborline.synthetic import seed

    fingerprint = _generator_fingerprint()
    meta = json.loads(data.meta_path.read_text()) if data.meta_path.exists() else {}
    reason = ""
    if rebuild:
        reason = "--rebuild"
    elif meta.get("generator") != fingerprint:
        reason = "no cached data set" if not meta else "the synthetic generator changed"
    elif data.sqlite_path is not None and not data.sqlite_path.exists():
        reason = "no cached data set"
    elif not _migrations_current():
        reason = "the migrations changed"
    if not reason:
        data.build_seconds = meta.get("build_seconds")
        say(f"Reusing the state-scale data set (seed {data.seed}) in {data.label}.")
        connections.close_all()
        return
    say(f"Building the state-scale data set (seed {data.seed}) in {data.label}: {reason}.")
    _wipe(data)
    data.meta_path.unlink(missing_ok=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    for pack in available_packs():
        load_geography(pack)
    migrated = time.perf_counter()
    report = seed(
        scale="state", seed=data.seed, progress=lambda line: say(f"  {line}"), _factor=data.factor
    )
    finished = time.perf_counter()
    data.built_now = True
    data.build_seconds = round(finished - started, 2)
    data.meta_path.write_text(
        json.dumps(
            {
                "generator": fingerprint,
                "seed": data.seed,
                "factor": data.factor,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "build_seconds": data.build_seconds,
                "migrate_seconds": round(migrated - started, 2),
                "seed_seconds": round(finished - migrated, 2),
                "counts": report.counts,
            },
            indent=2,
        )
    )
    say(
        f"Built in {data.build_seconds:.1f} s (migrate {migrated - started:.1f} s, "
        f"seed {finished - migrated:.1f} s)."
    )
    connections.close_all()


@dataclass
class VirtualUser:
    email: str
    organization: str
    members: int
    device_key: bytes
    step: int
    t0: int
    digits: int
    drift: int
    token: str = ""
    small: int = 0  # a case with a few notes this user sees the same way as the big one
    big: int = 0  # the case with the most notes this user sees
    small_notes: int = 0
    big_notes: int = 0
    timeline: int = 0  # the case of their organization with the most timeline events they see
    timeline_events: int = 0
    role: str = "org_admin"

    def path(self, template: str) -> str:
        return template.format(small=self.small, big=self.big, timeline=self.timeline)


def pick_users(count: int) -> list[VirtualUser]:
    """Active administrators of the largest organizations (one per organization), each with a
    confirmed authenticator and a fresh API token."""
    from django.db import connections
    from django.db.models import Count
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harborline.people.models import Membership, Organization
    from harborline.people.roles import Role
    from harborline.people.services import create_token

    orgs = Organization.objects.annotate(members=Count("memberships")).order_by("-members", "slug")
    chosen: list[VirtualUser] = []
    for org in orgs.iterator():
        admin = (
            Membership.objects.select_related("user")
            .filter(organization=org, role=Role.ORG_ADMIN, is_active=True, user__is_active=True)
            .order_by("user__email")
            .first()
        )
        device = admin and TOTPDevice.objects.filter(user=admin.user, confirmed=True).first()
        if admin is None or device is None:
            continue
        _token, raw = create_token(
            actor=None, user=admin.user, days=1, name="bench", actor_email="bench"
        )
        chosen.append(
            VirtualUser(
                admin.user.email,
                org.slug,
                org.members,  # type: ignore[attr-defined]
                device.bin_key,
                device.step,
                device.t0,
                device.digits,
                device.drift,
                raw,
            )
        )
        if len(chosen) == count:
            break
    if len(chosen) < count:
        raise BenchError(
            f"only {len(chosen)} organization administrators with an authenticator "
            f"were found; asked for {count} virtual users"
        )
    connections.close_all()
    return chosen


def _virtual_user(user: Any, org: Any, members: int, role: str) -> VirtualUser | None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harborline.people.services import create_token

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    _token, raw = create_token(actor=None, user=user, days=1, name="bench", actor_email="bench")
    return VirtualUser(
        user.email,
        org.slug,
        members,
        device.bin_key,
        device.step,
        device.t0,
        device.digits,
        device.drift,
        raw,
        role=role,
    )


def pick_case_users(count: int) -> list[VirtualUser]:
    """The caseworkers who lead the biggest cases (one per case, most notes first), each with
    their biggest visible case and a small one they see the same way (both owned by their
    organization), so that the two case pages differ only in size."""
    from django.db import connections
    from django.db.models import Count

    from harborline.access.policy import grants_for
    from harborline.cases.models import Case, Note
    from harborline.cases.selectors import visible_cases
    from harborline.response.models import MdtMeeting

    big_cases = (
        Note.objects.values("case_id")
        .annotate(n=Count("id"))
        .filter(n__gte=BIG_CASE_NOTES)
        .order_by("-n", "case_id")
    )
    chosen: list[VirtualUser] = []
    seen_users: set[int] = set()
    for row in big_cases:
        case = Case.objects.select_related("opened_by", "owner").get(pk=row["case_id"])
        user = case.opened_by
        membership = user.membership_or_none
        if user.pk in seen_users or membership is None or not user.is_active:
            continue
        if not grants_for(user, [case])[case.pk]:
            continue
        few_notes = (
            visible_cases(user)
            .filter(owner_id=case.owner_id, status="open")
            .annotate(n=Count("notes"))
            .filter(n__gte=SMALL_CASE_NOTES[0], n__lte=SMALL_CASE_NOTES[1])
            .order_by("pk")
        )
        # Preferably one with an MDT meeting, like the big case: a case without meetings skips
        # the (constant) queries that fetch their attendees and action items.
        small = few_notes.filter(pk__in=MdtMeeting.objects.values("case_id")).first()
        small = small or few_notes.first()
        if small is None:
            continue
        members = case.owner.memberships.count()
        virtual = _virtual_user(user, case.owner, members, membership.role)
        if virtual is None:
            continue
        virtual.small, virtual.big = small.pk, case.pk
        virtual.small_notes, virtual.big_notes = small.n, row["n"]  # type: ignore[attr-defined]
        virtual.timeline, virtual.timeline_events = pick_timeline_case(user, case.owner_id)
        chosen.append(virtual)
        seen_users.add(user.pk)
        if len(chosen) == count:
            break
    connections.close_all()
    if not chosen:
        raise BenchError(
            f"no case with {BIG_CASE_NOTES}+ notes whose lead can sign in: is the data set current?"
        )
    return chosen


def pick_timeline_case(user: Any, owner_id: int) -> tuple[int, int]:
    """The case of `owner_id` whose timeline shows `user` the most events, and how many (the
    synthetic youth who ran away most often: each episode brings its reports, returns and
    their obligations). Candidates are the organization's cases with the most obligations and
    episodes; each is counted exactly as the timeline page reads it, without an audit record.
    Fails the run when none reaches TIMELINE_EVENTS."""
    from django.db.models import Count

    from harborline.cases.selectors import case_for
    from harborline.errors import NotFound
    from harborline.missing.models import MissingEpisode
    from harborline.missing.timeline import READERS, visible_kinds
    from harborline.response.models import Obligation

    busy: Counter[int] = Counter()
    for model in (Obligation, MissingEpisode):
        rows = (
            model.objects.filter(case__owner_id=owner_id)
            .values("case_id")
            .annotate(n=Count("id"))
            .order_by("-n", "case_id")[:20]
        )
        for row in rows:
            busy[row["case_id"]] += row["n"]
    best = (0, 0)
    for case_id, _ in busy.most_common(10):
        try:
            case, grant = case_for(user, case_id)
        except NotFound:
            continue
        events = sum(len(list(READERS[kind](case))) for kind in visible_kinds(grant))
        best = max(best, (events, -case_id))
    if best[0] < TIMELINE_EVENTS:
        raise BenchError(
            f"no case of organization {owner_id} shows {user.email} {TIMELINE_EVENTS}+ timeline "
            f"events (at most {best[0]}): is the data set current?"
        )
    return -best[1], best[0]


def dataset_counts() -> dict[str, int]:
    from django.db import connections
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harborline.audit.models import AuditEvent
    from harborline.people.models import Membership, Organization, User

    counts = {
        "organizations": Organization.objects.count(),
        "users": User.objects.count(),
        "active_users": User.objects.filter(is_active=True).count(),
        "memberships": Membership.objects.count(),
        "totp_devices": TOTPDevice.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }
    from harborline.access.models import Share
    from harborline.cases.models import Case, Note
    from harborline.response.models import Obligation, Screening

    counts.update(
        {
            "cases": Case.objects.count(),
            "open_cases": Case.objects.filter(status="open").count(),
            "screenings": Screening.objects.count(),
            "obligations": Obligation.objects.count(),
            "pending_obligations": Obligation.objects.pending().count(),
            "shares": Share.objects.count(),
            "notes": Note.objects.count(),
        }
    )
    connections.close_all()
    return counts


def database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    connection.close()
    return version


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_command(port: int, workers: int, env: dict[str, str]) -> list[str]:
    """`harborline serve` when this checkout has it; plain gunicorn otherwise."""
    harborline = BIN / "harborline"
    probe = subprocess.run(
        [str(harborline), "serve", "--help"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode == 0 and "--workers" in probe.stdout:
        return [
            str(harborline),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    return [
        str(BIN / "gunicorn"),
        "harborline.config.wsgi:application",
        "-b",
        f"{HOST}:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(SERVER_THREADS),
    ]


class Server:
    def __init__(self, command: list[str], env: dict[str, str], port: int) -> None:
        self.command = command
        self.base = f"http://{HOST}:{port}"
        self.log_path = CACHE / "server.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            command,
            env={**os.environ, **env, "HARBORLINE_THREADS": str(SERVER_THREADS)},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the server exited with status {self.process.returncode}; see {self.log_path}"
                )
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise BenchError(
            f"the server did not answer /healthz within {seconds:.0f} s; see {self.log_path}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server's own process group
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


# --- Signing in ----------------------------------------------------------------------------------

CSRF_INPUT = re.compile(
    r'name="csrfmiddlewaretoken"\s+value="([^"]+)"|'
    r'value="([^"]+)"\s+name="csrfmiddlewaretoken"'
)
CODE_INPUT = re.compile(r'<input[^>]*\bname="(otp_token|code)"')


def _csrf(response: httpx.Response, step: str, email: str) -> str:
    match = CSRF_INPUT.search(response.text)
    if response.status_code != 200 or match is None:
        raise BenchError(
            f"sign-in failed for {email} at {step}: HTTP {response.status_code}, "
            "no form with a CSRF token"
        )
    return match.group(1) or match.group(2)


def _expect_redirect(response: httpx.Response, step: str, email: str) -> str:
    if response.status_code not in (301, 302, 303) or "location" not in response.headers:
        snippet = " ".join(re.sub(r"<[^>]+>", " ", response.text).split())[:300]
        raise BenchError(
            f"sign-in failed for {email} at {step}: HTTP {response.status_code} "
            f"instead of a redirect. Page says: {snippet}"
        )
    return response.headers["location"]


def sign_in(base: str, user: VirtualUser) -> httpx.Client:
    """A client with a session that has passed the password and the second factor, through the
    same pages and forms a person uses."""
    from django_otp.oath import totp

    from harborline.synthetic import DEMO_PASSWORD

    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    token = _csrf(client.get("/login"), "GET /login", user.email)
    response = client.post(
        "/login",
        data={
            "csrfmiddlewaretoken": token,
            "username": user.email,
            "password": DEMO_PASSWORD,
        },
        headers={"Referer": base + "/login"},
    )
    location = _expect_redirect(response, "POST /login", user.email)
    for _ in range(3):  # /mfa/ sends a user with an authenticator on to /mfa/verify
        if httpx.URL(location).path == "/mfa/verify":
            break
        location = _expect_redirect(client.get(location), f"GET {location}", user.email)
    verify_url = location
    page = client.get(verify_url)
    token = _csrf(page, "GET /mfa/verify", user.email)
    field_match = CODE_INPUT.search(page.text)
    if field_match is None:
        raise BenchError(f"sign-in failed for {user.email}: /mfa/verify has no code field")
    code = str(
        totp(user.device_key, step=user.step, t0=user.t0, digits=user.digits, drift=user.drift)
    ).zfill(user.digits)
    response = client.post(
        verify_url,
        data={"csrfmiddlewaretoken": token, field_match.group(1): code},
        headers={"Referer": base + verify_url},
    )
    _expect_redirect(response, "POST /mfa/verify", user.email)
    status = client.get("/session/")
    if status.status_code != 200 or status.json().get("authenticated") is not True:
        raise BenchError(f"sign-in failed for {user.email}: /session/ says {status.text[:200]}")
    home = client.get("/")
    if home.status_code != 200:
        raise BenchError(
            f"sign-in failed for {user.email}: the home page answered HTTP "
            f"{home.status_code} (location {home.headers.get('location', '-')})"
        )
    return client


# --- Load ----------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


def _ok(response: httpx.Response) -> bool:
    return response.status_code == 200


def measure(
    page: Page, targets: list[tuple[httpx.Client, str]], *, duration: float, cap: int
) -> dict[str, Any]:
    """Load `page`: each (client, path) pair is one virtual user requesting its own path."""
    problems: Counter[str] = Counter()
    for client, path in targets:  # warm up, and refuse to measure a page that does not work
        for _ in range(WARMUP_PER_USER):
            response = client.get(path)
            if not _ok(response):
                problems[f"HTTP {response.status_code}"] += 1
    if problems:
        missing = page.optional and set(problems) == {"HTTP 404"}
        return {
            "path": page.path,
            "what": page.note,
            "measured": False,
            "optional": page.optional,
            "skipped": "the page does not exist yet (HTTP 404)"
            if missing
            else f"warm-up failed: {dict(problems)}",
        }
    clients = [client for client, _ in targets]
    paths = [path for _, path in targets]

    lock = threading.Lock()
    issued = 0
    latencies: list[list[float]] = [[] for _ in clients]
    errors: list[Counter[str]] = [Counter() for _ in clients]
    start = time.perf_counter()
    deadline = start + duration

    def run(index: int, client: httpx.Client) -> None:
        nonlocal issued
        while time.perf_counter() < deadline:
            with lock:
                if issued >= cap:
                    return
                issued += 1
            began = time.perf_counter()
            try:
                response = client.get(paths[index])
            except httpx.HTTPError as problem:
                errors[index][type(problem).__name__] += 1
                continue
            elapsed = time.perf_counter() - began
            if _ok(response):
                latencies[index].append(elapsed)
            else:
                errors[index][f"HTTP {response.status_code}"] += 1

    threads = [
        threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    samples = sorted(x for per_user in latencies for x in per_user)
    error_total = sum(errors, Counter())
    result: dict[str, Any] = {
        "path": page.path,
        "what": page.note,
        "measured": bool(samples),
        "requests": len(samples) + sum(error_total.values()),
        "errors": sum(error_total.values()),
        "error_kinds": dict(error_total),
        "seconds": round(wall, 2),
        "throughput_rps": round(len(samples) / wall, 1) if wall else 0.0,
    }
    if samples:
        result.update(
            {
                "p50_ms": round(percentile(samples, 50) * 1000, 2),
                "p95_ms": round(percentile(samples, 95) * 1000, 2),
                "p99_ms": round(percentile(samples, 99) * 1000, 2),
                "mean_ms": round(sum(samples) / len(samples) * 1000, 2),
            }
        )
    return result


# --- In process: queries per request ------------------------------------------------------------

INPROCESS_RUNS = 5


def measure_in_process(user: VirtualUser, pages: list[Page]) -> dict[str, dict[str, Any]]:
    """Each page once more, as `user`, through Django's test client in this process against the
    same database, with no other load: SQL queries per request (CaptureQueriesContext), their
    time, how many encrypted values were decrypted and how long that took, and the rest (views,
    templates, JSON). Medians of INPROCESS_RUNS requests after one warm-up."""
    import statistics

    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harborline.crypto import fields
    from harborline.people.models import User

    account = User.objects.get(email=user.email)
    signed_in = Client(HTTP_HOST=HOST)
    signed_in.force_login(account)
    device = TOTPDevice.objects.get(user=account, confirmed=True)
    session = signed_in.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    clients = {
        "session": signed_in,
        "bearer": Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {user.token}"),
        "none": Client(HTTP_HOST=HOST),
    }
    decrypted = {"count": 0, "seconds": 0.0}
    original = fields.decrypt

    def counting(stored: str) -> str:
        began = time.perf_counter()
        try:
            return original(stored)
        finally:
            decrypted["count"] += 1
            decrypted["seconds"] += time.perf_counter() - began

    fields.decrypt = counting  # type: ignore[assignment]
    results: dict[str, dict[str, Any]] = {}
    try:
        for page in pages:
            path = user.path(page.path)
            client = clients[page.auth]
            runs = []
            try:
                status = client.get(path).status_code  # warm-up
                for _ in range(INPROCESS_RUNS if status == 200 else 0):
                    decrypted.update(count=0, seconds=0.0)
                    with CaptureQueriesContext(connection) as queries:
                        began = time.perf_counter()
                        response = client.get(path)
                        elapsed = time.perf_counter() - began
                    status = response.status_code
                    sql = sum(float(q["time"]) for q in queries.captured_queries)
                    runs.append(
                        (elapsed, len(queries), sql, decrypted["count"], decrypted["seconds"])
                    )
            except Exception as problem:  # noqa: BLE001 - reported, never hidden
                results[page.name] = {"path": path, "error": f"{type(problem).__name__}: {problem}"}
                continue
            if status != 200 or not runs:
                results[page.name] = {"path": path, "status": status}
                continue
            ms = statistics.median(r[0] for r in runs) * 1000
            sql_ms = statistics.median(r[2] for r in runs) * 1000
            decrypt_ms = statistics.median(r[4] for r in runs) * 1000
            results[page.name] = {
                "path": path,
                "status": status,
                "queries": min(r[1] for r in runs),
                "queries_max": max(r[1] for r in runs),
                "ms": round(ms, 2),
                "sql_ms": round(sql_ms, 2),
                "decrypted_values": runs[-1][3],
                "decrypt_ms": round(decrypt_ms, 2),
                "other_ms": round(max(0.0, ms - sql_ms - decrypt_ms), 2),
            }
    finally:
        fields.decrypt = original  # type: ignore[assignment]
        connections.close_all()
    return results


def print_in_process(results: dict[str, dict[str, Any]]) -> None:
    header = (
        "page",
        "path",
        "queries",
        "ms alone",
        "sql ms",
        "decrypted",
        "decrypt ms",
        "other ms",
    )
    rows = [header]
    for name, r in results.items():
        if r.get("status") != 200:
            rows.append((name, r["path"], "-", "-", "-", "-", "-", r.get("error", r.get("status"))))
            continue
        queries = str(r["queries"]) + ("" if r["queries"] == r["queries_max"] else "+")
        rows.append(
            (
                name,
                r["path"],
                queries,
                f"{r['ms']:.1f}",
                f"{r['sql_ms']:.1f}",
                str(r["decrypted_values"]),
                f"{r['decrypt_ms']:.1f}",
                f"{r['other_ms']:.1f}",
            )
        )
    rows = [tuple(str(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip())


# --- Report --------------------------------------------------------------------------------------


def machine(vendor: str, version: str) -> dict[str, Any]:
    cpu = "unknown"
    memory_gb = None
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "database": vendor,
        "database_version": version,
    }


def _not_built_yet(result: dict[str, Any]) -> bool:
    return bool(result.get("optional")) and "does not exist" in str(result.get("skipped", ""))


def add_ratios(pages: dict[str, dict[str, Any]]) -> None:
    """Ratios to /session/: for the case pages, to /session/ as the same case workers, measured
    just before them (`case_session`); for the others, to the first measurement."""
    case_pages = {p.name for p in PAGES if p.users == "case"}
    for name, result in pages.items():
        baseline = CASE_BASELINE if name in case_pages else BASELINE
        base = pages.get(baseline, {})
        if not base.get("measured"):
            continue
        result["ratio_to"] = baseline
        if result.get("measured"):
            result["p50_ratio"] = round(result["p50_ms"] / base["p50_ms"], 2)
            result["p95_ratio"] = round(result["p95_ms"] / base["p95_ms"], 2)


def print_table(pages: dict[str, dict[str, Any]]) -> None:
    header = (
        "page",
        "path",
        "requests",
        "errors",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "req/s",
        "p50 x",
        "p95 x",
    )
    rows = [header]
    for name, r in pages.items():
        if not r.get("measured"):
            rows.append(
                (
                    name,
                    r["path"],
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    r.get("skipped", "no successful requests"),
                )
            )
            continue
        rows.append(
            (
                name,
                r["path"],
                str(r["requests"]),
                str(r["errors"]),
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['p99_ms']:.1f}",
                f"{r['throughput_rps']:.0f}",
                f"{r.get('p50_ratio', 0):.2f}",
                f"{r.get('p95_ratio', 0):.2f}",
            )
        )
    widths = [max(len(row[i]) for row in rows[:] if i < len(row)) for i in range(len(header))]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=8, help="concurrent virtual users (default 8)")
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds of load per page (default 15)"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=20_000,
        help="at most this many requests per page (default 20000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="synthetic data seed (default 1)")
    parser.add_argument(
        "--workers", type=int, default=2, help="server worker processes (default 2)"
    )
    parser.add_argument(
        "--name",
        default="foundation",
        help="results file name: bench/results/<name>.json (default foundation)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached data set")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0 or args.requests < 1 or args.workers < 1:
        parser.error("--users, --duration, --requests and --workers must be positive")
    if not re.fullmatch(r"[A-Za-z0-9._-]+", args.name):
        parser.error("--name: use letters, digits, dots, hyphens and underscores")

    sys.path.insert(0, str(ROOT / "src"))
    server: Server | None = None
    clients: list[httpx.Client] = []
    try:
        data = choose_dataset(args.seed)
        env = configure_environment(data)
        ensure_dataset(data, rebuild=args.rebuild)
        counts = dataset_counts()
        version = database_version()
        users = pick_users(args.users)
        case_users = pick_case_users(args.users)
        lead = case_users[0]
        say(
            f"Counting queries in process as {lead.email} (small case {lead.small} with "
            f"{lead.small_notes} notes, biggest case {lead.big} with {lead.big_notes} notes)..."
        )
        in_process = measure_in_process(
            lead, [p for p in PAGES if p.users == "case" or p.name == BASELINE]
        )
        print_in_process(in_process)
        port = free_port()
        command = server_command(port, args.workers, env)
        say(f"Starting the server: {' '.join([Path(command[0]).name, *command[1:]])}")
        server = Server(command, env, port)
        server.wait_until_up()
        groups: dict[str, tuple[list[VirtualUser], dict[str, list[httpx.Client]]]] = {}
        for group, members in (("admins", users), ("case", case_users)):
            say(
                f"Signing in {len(members)} virtual users ({group}: password, then the "
                "authenticator code)..."
            )
            sessions = [sign_in(server.base, user) for user in members]
            bearer = [
                httpx.Client(
                    base_url=server.base,
                    timeout=30,
                    follow_redirects=False,
                    headers={"Authorization": f"Bearer {user.token}"},
                )
                for user in members
            ]
            anonymous = [
                httpx.Client(base_url=server.base, timeout=30, follow_redirects=False)
                for _ in members
            ]
            clients.extend(sessions + bearer + anonymous)
            groups[group] = (members, {"session": sessions, "bearer": bearer, "none": anonymous})
        pages: dict[str, dict[str, Any]] = {}
        for page in PAGES:
            members, by_auth = groups[page.users]
            targets = [
                (client, user.path(page.path))
                for client, user in zip(by_auth[page.auth], members, strict=True)
            ]
            say(f"Measuring {page.path} ({page.note}) for up to {args.duration:g} s...")
            pages[page.name] = measure(page, targets, duration=args.duration, cap=args.requests)
            if page.name in in_process:
                pages[page.name]["in_process"] = in_process[page.name]
        add_ratios(pages)
    except BenchError as problem:
        print(f"bench: FAILED: {problem}", file=sys.stderr)
        if server is not None:
            print(f"bench: server log: {server.log_path}", file=sys.stderr)
        return 2
    finally:
        for client in clients:
            client.close()
        if server is not None:
            server.stop()

    result = {
        "name": args.name,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(data.vendor, version),
        "server": {
            "command": " ".join([Path(command[0]).name, *command[1:]]),
            "workers": args.workers,
            "threads_per_worker": SERVER_THREADS,
        },
        "load": {
            "virtual_users": args.users,
            "seconds_per_page": args.duration,
            "max_requests_per_page": args.requests,
            "client": "httpx, one thread per user",
            "signed_in_as": [f"org_admin of {u.organization} ({u.members} members)" for u in users],
            "case_pages_signed_in_as": [
                f"{u.role} of {u.organization} ({u.members} members): biggest case {u.big} "
                f"({u.big_notes} notes), small case {u.small} ({u.small_notes} notes), "
                f"timeline of case {u.timeline} ({u.timeline_events} events)"
                for u in case_users
            ],
        },
        "in_process": {
            "as": f"{lead.role} of {lead.organization}",
            "small_case": {"id": lead.small, "notes": lead.small_notes},
            "big_case": {"id": lead.big, "notes": lead.big_notes},
            "timeline_case": {"id": lead.timeline, "events": lead.timeline_events},
            "runs_per_page": INPROCESS_RUNS,
            "how": "django.test.Client in the benchmark process, same database, no other load; "
            "queries counted with django.test.utils.CaptureQueriesContext",
            "pages": in_process,
        },
        "dataset": {
            "scale": "state",
            "seed": args.seed,
            "database": data.label,
            "built_this_run": data.built_now,
            "build_seconds": data.build_seconds,
            "counts": counts,
        },
        "baseline": BASELINE,
        "pages": pages,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.name}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    say("")
    print_table(pages)
    say(
        f"\n{data.vendor}, {args.workers} workers x {SERVER_THREADS} threads, {args.users} users; "
        f"ratios are to {PAGES[0].path}. Written to {out.relative_to(ROOT)}."
    )
    failed = [
        name
        for name, r in pages.items()
        if (not r.get("measured") and not _not_built_yet(r)) or r.get("errors")
    ]
    absent = [name for name, r in pages.items() if _not_built_yet(r)]
    if absent:
        say(f"Not measured because they do not exist yet: {', '.join(absent)}.")
    if failed:
        print(f"bench: pages not measured cleanly: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

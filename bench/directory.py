"""The service directory at scale (issue 14): import of a 10,000-service HSDS package (time and
peak memory), then directory search, the HSDS API and service matching over those services,
each against /session/ measured the same way in the same run.

    .venv/bin/python bench/directory.py [--services 10000] [--runs 30] [--name directory]

A fresh database of its own (bench/cache/directory.sqlite3, or DATABASE_URL's PostgreSQL
database, which it empties); pages are requested through Django's test client in this process,
as bench/case_cpu.py does: medians and p95 of the wall time and of this thread's CPU time, and
the SQL queries. Writes bench/results/<name>.json (no path of the machine in it) and prints a
table. See docs/benchmarks.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "cache"
RESULTS = ROOT / "bench" / "results"


def _setup(database: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "harborline.config.settings",
            "DATABASE_URL": database,
            "HARBORLINE_SECRET_KEY": "bench-directory-only-" + "x" * 40,
            "HARBORLINE_FIELD_KEYS": Fernet.generate_key().decode(),
            "HARBORLINE_AUDIT_KEYS": Fernet.generate_key().decode(),
            "HARBORLINE_VAR_DIR": str(CACHE / "var"),
            "HARBORLINE_SECURE_COOKIES": "0",
            "HARBORLINE_SSL_REDIRECT": "0",
        }
    )
    os.environ.pop("HARBORLINE_DEMO", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0) if "postgres" in database else None
    call_command("migrate", verbosity=0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--name", default="directory")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL", "").strip()
    sqlite = CACHE / "directory.sqlite3"
    if not url:
        sqlite.unlink(missing_ok=True)
    _setup(url or f"sqlite:///{sqlite}")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harborline.directory import hsds, services
    from harborline.people import services as people
    from harborline.protocols.geography import load_geography
    from harborline.synthetic import directory as synthetic

    load_geography("nevada")
    services.ensure_taxonomies()
    package = CACHE / f"hsds-{args.services}"
    rows: dict[str, list[dict]] = {}
    for table, row in synthetic.rows(args.services):
        rows.setdefault(table, []).append(row)
    if package.exists():
        for f in package.iterdir():
            f.unlink()
    hsds.write_tabular(rows, package)
    files = sum(f.stat().st_size for f in package.iterdir())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = services.import_package(package)
    import_seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert report.ok, [str(p) for p in report.refusals[:5]]  # noqa: S101

    org = people.create_organization(
        actor=None, slug="bench-cw", name="Bench Child Welfare", type="child_welfare"
    )
    user = people.create_user(
        actor=None, email="bench@example.org", organization=org, role="caseworker"
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice as Device

    Device.objects.create(user=user, name="bench", confirmed=True)
    from harborline.cases.services import open_case

    case = open_case(
        actor=user, youth={"first_name": "Bench", "last_name": "Youth", "dob": "2011-03-04"}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    _, token = people.create_token(actor=None, user=user, days=1, name="bench")
    api = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pages = {
        "session": ("/session/", {}),
        "search_words": ("/directory/?q=therapy", {}),
        "search_category_open_now": ("/directory/?category=mental_health&open_now=on", {}),
        "hsds_services": ("/api/v1/hsds/services?search=therapy&per_page=50", api),
        "hsds_service_full": (f"/api/v1/hsds/services/syn-s{args.services // 2}", api),
        "matching": (
            f"/api/v1/cases/{case.pk}/service-matches?need=mental_health&language=es&urgent=true",
            api,
        ),
    }
    for path, headers in pages.values():
        answer = client.get(path, **headers)
        assert answer.status_code == 200, (path, answer.status_code)  # noqa: S101 - warm-up
    measured: dict[str, list[tuple[float, float, int]]] = {k: [] for k in pages}
    for _ in range(args.runs):
        for name, (path, headers) in pages.items():
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.thread_time()
                client.get(path, **headers)
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
            measured[name].append((wall * 1000, cpu * 1000, len(queries)))
    base = statistics.median(m[0] for m in measured["session"])
    result = {
        "machine": {
            "python": platform.python_version(),
            "system": platform.platform(terse=True),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
        },
        "services": args.services,
        "import": {
            "rows": sum(report.imported.values()),
            "package_bytes": files,
            "seconds": round(import_seconds, 1),
            "peak_rss_mib": round(peak_kib / 1024, 1),
            "rss_growth_mib": round((peak_kib - before) / 1024, 1),
        },
        "pages": {
            name: {
                "path": pages[name][0],
                "p50_ms": round(statistics.median(m[0] for m in rows_), 1),
                "p95_ms": round(_percentile([m[0] for m in rows_], 0.95), 1),
                "cpu_p50_ms": round(statistics.median(m[1] for m in rows_), 1),
                "queries": min(m[2] for m in rows_),
                "ratio_to_session": round(statistics.median(m[0] for m in rows_) / base, 1),
            }
            for name, rows_ in measured.items()
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"import of {args.services} services: {result['import']}")
    for name, row in result["pages"].items():
        print(
            f"{name:28} p50 {row['p50_ms']:8} ms  p95 {row['p95_ms']:8} ms  "
            f"x{row['ratio_to_session']:<6} {row['queries']} queries"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Reporting at state scale (issue 16): code-book records and a client-level submission for
every child-welfare agency with a data-sharing agreement, the code-book records of every youth
in the state (the 50,000-youth client-level run), and the statistical center's statewide and
regional reports over the submissions — time and peak memory, with `/session/` measured in the
same process for scale.

    .venv/bin/python bench/reporting.py [--seed 1] [--year YYYY] [--name reporting]

Uses bench/run.py's state-scale data set (built there if missing: ~10 minutes on 2 cores), and
writes bench/results/<name>.json (no path of the machine in it). See docs/benchmarks.md."""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import run as bench  # noqa: E402  # bench/run.py: the data set and its environment


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _timed(label: str, step, results: dict) -> object:  # noqa: ANN001
    before = _peak_mb()
    started, cpu = time.perf_counter(), time.process_time()
    value = step()
    results[label] = {
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
        "peak_rss_mb": _peak_mb(),
        "peak_rss_before_mb": before,
    }
    bench.say(f"  {label}: {results[label]['seconds']} s, peak RSS {_peak_mb()} MB")
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=0, help="default: the busiest screening year")
    parser.add_argument("--name", default="reporting")
    args = parser.parse_args()
    data = bench.choose_dataset(args.seed)
    bench.configure_environment(data)
    bench.ensure_dataset(data, rebuild=False)

    from django.db import transaction
    from django.db.models import Count
    from django.db.models.functions import ExtractYear
    from django.test import Client
    from django.utils import timezone

    from harborline.agreements.models import Agreement, Kind
    from harborline.cases.models import Case
    from harborline.people.models import Organization, User
    from harborline.people.roles import OrgType
    from harborline.protocols.packs import registry
    from harborline.reports import codebook, statistical_center, submissions
    from harborline.response.models import Screening
    from tests.factories import give_totp_device, sign_in

    registry()  # load the packs before timing
    year = args.year or (
        Screening.objects.annotate(y=ExtractYear("identified_at"))
        .values("y")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("y", flat=True)
        .first()
    )
    results: dict = {"year": year}
    bench.say(f"Reporting year {year}.")

    # The trivial page, for scale.
    someone = User.objects.filter(membership__role="caseworker", is_active=True).first()
    client = Client(HTTP_HOST="127.0.0.1")
    if not someone.totpdevice_set.filter(confirmed=True).exists():
        give_totp_device(someone)
    sign_in(client, someone)
    client.get("/session/")
    started = time.perf_counter()
    for _ in range(20):
        client.get("/session/")
    results["session_ms"] = round((time.perf_counter() - started) / 20 * 1000, 2)

    # Every youth's code-book record (the 50,000-youth client-level run).
    cases = list(Case.objects.select_related("youth", "owner").order_by("pk"))
    book = codebook.codebook_of("nevada")
    results["cases"] = len(cases)

    def every_record() -> int:  # as submissions.build does it, for every youth at once
        with codebook.paused_gc():
            facts = codebook.load_facts(cases, rule="latest", year=year)
            made = [
                codebook.derive_record(book, facts[c.pk], rule="latest", year=year, sees=None)
                for c in cases
            ]
        return len(made)

    _timed("code_book_records_all_youth", every_record, results)

    # A client-level submission for every child-welfare agency with a DSA, saved as sent.
    dsas = list(Agreement.objects.filter(kind=Kind.DSA).prefetch_related("parties__organization"))
    for dsa in dsas:  # client-level, as the issue asks (in memory: the data set is unchanged)
        dsa.client_level = True
    pairs = []
    for dsa in dsas:
        agency = next(
            (
                p.organization
                for p in dsa.parties.all()
                if p.organization.type != OrgType.STATISTICAL_CENTER
            ),
            None,
        )
        if agency is not None:
            pairs.append((dsa, agency))
    biggest = max(pairs, key=lambda p: Case.objects.filter(owner=p[1]).count())
    made = _timed(
        "submission_biggest_agency",
        lambda: submissions.build(biggest[0], biggest[1], year),
        results,
    )
    results["biggest_agency_rows"] = made.row_count  # type: ignore[attr-defined]
    preparer = User.objects.filter(is_active=True).first()
    center = Organization.objects.filter(type=OrgType.STATISTICAL_CENTER).first()

    def all_submissions() -> int:
        rows = 0
        for dsa, agency in pairs:
            built = submissions.build(dsa, agency, year)
            rows += built.row_count
            submissions.store(
                built,
                agreement=dsa,
                organization=agency,
                receiver=center,
                year=year,
                prepared_by=preparer,
                prepared_at=timezone.now(),
                decided_by=preparer,
                decided_at=timezone.now(),
            )
        return rows

    with transaction.atomic():  # rolled back below: the data set stays as it was
        rows = _timed("submissions_every_agency", all_submissions, results)
        results["submitted_rows"] = rows
        results["agencies"] = len(pairs)
        analyst = User.objects.filter(
            membership__organization=center, membership__role="analyst"
        ).first()
        for level in ("statewide", "regional"):
            report = _timed(
                f"statistical_center_{level}",
                lambda level=level: statistical_center.sac_report(analyst, year=year, level=level),
                results,
            )
            results[f"{level}_suppressed"] = [
                t.rules.get("suppressed")
                for t in report.tables  # type: ignore[attr-defined]
            ]
        transaction.set_rollback(True)  # leave the data set as it was

    results["machine"] = {
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
        "cores": __import__("os").cpu_count(),
        "database": data.vendor,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

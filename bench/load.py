"""Harborline's mixed-load benchmark (`make bench-load`): many people at once, for minutes, with
the deadline sweep and the worker running, on the state-scale data set.

    .venv/bin/python bench/load.py [--users 50] [--duration 600] [--scale 1] [--seed 1]
                                   [--name load-postgresql] [--max-errors 0]

Every option also reads an environment variable (HARBORLINE_LOAD_USERS, _DURATION, _SCALE, ...;
`make bench-load LOAD_USERS=5 LOAD_DURATION=30 LOAD_SCALE=0.02` sets them).

1. Builds (or reuses) the state-scale synthetic data set in the database named by DATABASE_URL,
   as `make bench` does (bench/run.py); --scale below 1 shrinks it (0.02: 1,000 cases).
2. Starts `harborline serve` (gunicorn) and `harborline worker` (the deadline sweep every
   --sweep seconds, and the task queue) on 127.0.0.1, with e-mail going nowhere.
3. Signs each account in once through the real pages (password, then the six-digit code computed
   from the account's authenticator key), and gives each an API token.
4. Runs Locust (bench/locustfile.py) headless: --users virtual users (caseworkers and
   coordinators, 4 : 1), started at --spawn-rate a second, for --duration seconds, then stops
   (Locust's own --run-time, with a hard timeout above it).
5. Samples the resident memory (RSS) of the server's processes and of the worker every --sample
   seconds, and afterwards reads the worker's task results and verifies the audit chain.
6. Writes bench/results/<name>.json and prints p50/p95 per page.

Exit status 0 when every request answered as expected, no background task failed and the
audit chain verifies; 1 otherwise; 2 when the run could not start (data set, sign-in, server).
See docs/benchmarks.md ("Mixed load")."""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402 - bench/run.py: the data set, the server and signing in
from run import CACHE, RESULTS, ROOT, BenchError, say  # noqa: E402

BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
# Caseworkers : coordinators among the virtual users (Locust's class weights).
CASEWORKER_WEIGHT, COORDINATOR_WEIGHT = 4, 1
CASES_PER_CASEWORKER = 20
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"


def _env(name: str, default: str) -> str:
    return os.environ.get(f"HARBORLINE_LOAD_{name}", "").strip() or default


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    option = parser.add_argument
    option("--users", type=int, default=int(_env("USERS", "50")), help="virtual users (50)")
    option("--duration", type=float, default=float(_env("DURATION", "600")), help="seconds (600)")
    option(
        "--scale",
        type=float,
        default=float(_env("SCALE", "1")),
        help="size of the state-scale data set, 1 = all of Nevada (1)",
    )
    option("--seed", type=int, default=int(_env("SEED", "1")), help="synthetic data seed (1)")
    option("--workers", type=int, default=int(_env("WORKERS", "2")), help="server processes (2)")
    option("--spawn-rate", type=float, default=float(_env("SPAWN_RATE", "5")), help="users/s (5)")
    option("--sweep", type=float, default=float(_env("SWEEP", "30")), help="sweep every s (30)")
    option("--sample", type=float, default=float(_env("SAMPLE", "5")), help="RSS every s (5)")
    option("--name", default=_env("NAME", ""), help="results name (load-<database>)")
    option(
        "--max-errors", type=int, default=int(_env("MAX_ERRORS", "0")), help="allowed errors (0)"
    )
    option("--rebuild", action="store_true", help="rebuild the cached data set")
    option("--no-verify-audit", action="store_true", help="skip verifying the audit chain")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0 or not 0 < args.scale <= 1 or args.workers < 1:
        parser.error("--users and --duration must be positive, --scale in (0, 1]")
    return args


def ensure_database() -> None:
    """The run needs PostgreSQL (DATABASE_URL); the database is created if it does not exist."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url.startswith(("postgres://", "postgresql://")):
        raise BenchError(
            "set DATABASE_URL to a PostgreSQL database of the benchmark's own, e.g. "
            "postgres://postgres@127.0.0.1:5432/harborline_load (it is created if missing)"
        )
    import psycopg
    from psycopg import sql

    parts = psycopg.conninfo.conninfo_to_dict(url.replace("postgresql://", "postgres://", 1))
    name = str(parts.get("dbname") or "")
    if not name:
        raise BenchError("DATABASE_URL names no database")
    try:
        with psycopg.connect(
            psycopg.conninfo.make_conninfo(url, dbname="postgres"), autocommit=True
        ) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                say(f"Created the database {name}.")
    except psycopg.Error as problem:
        raise BenchError(f"cannot reach PostgreSQL at DATABASE_URL: {problem}") from problem


# --- Accounts ------------------------------------------------------------------------------------


def pick_caseworkers(count: int) -> list[run.VirtualUser]:
    """Caseworkers who opened open cases of their organization (one account each), with up to
    CASES_PER_CASEWORKER of the open cases they see there."""
    from django.db import connections

    from harborline.cases.models import Case
    from harborline.cases.selectors import visible_cases
    from harborline.people.models import User
    from harborline.people.roles import Role

    leads = (
        Case.objects.filter(
            status="open",
            opened_by__is_active=True,
            opened_by__membership__role=Role.CASEWORKER,
            opened_by__membership__is_active=True,
        )
        .order_by("opened_by_id")
        .values_list("opened_by_id", flat=True)
        .distinct()
    )
    chosen: list[run.VirtualUser] = []
    for user_id in leads[: count * 3]:
        user = User.objects.select_related("membership__organization").get(pk=user_id)
        org = user.membership.organization
        cases = list(
            visible_cases(user)
            .filter(owner_id=org.pk, status="open")
            .order_by("pk")
            .values_list("pk", flat=True)[:CASES_PER_CASEWORKER]
        )
        virtual = cases and run._virtual_user(user, org, 0, Role.CASEWORKER)
        if not virtual:
            continue
        virtual.cases = cases  # type: ignore[attr-defined]
        chosen.append(virtual)
        if len(chosen) == count:
            break
    connections.close_all()
    if not chosen:
        raise BenchError(
            "no caseworker with open cases and an authenticator: is the data set built?"
        )
    return chosen


def pick_coordinators(count: int) -> list[run.VirtualUser]:
    """The coordinators of the task forces (each with its task force and its members)."""
    from django.db import connections

    from harborline.taskforce.models import TaskForce

    chosen: list[run.VirtualUser] = []
    for taskforce in TaskForce.objects.filter(coordinator__is_active=True).order_by("pk"):
        user = taskforce.coordinator
        assert user is not None
        membership = user.membership_or_none
        if membership is None:
            continue
        virtual = run._virtual_user(user, membership.organization, 0, membership.role)
        if virtual is None:
            continue
        virtual.taskforce = taskforce.pk  # type: ignore[attr-defined]
        virtual.members = list(  # type: ignore[attr-defined]
            taskforce.members.order_by("pk").values_list("pk", flat=True)[:200]
        )
        chosen.append(virtual)
        if len(chosen) == count:
            break
    connections.close_all()
    if not chosen:
        raise BenchError("no task force with a coordinator who can sign in")
    return chosen


def sign_in_all(base: str, users: list[run.VirtualUser]) -> list[dict[str, Any]]:
    accounts = []
    for user in users:
        client = run.sign_in(base, user)
        cookies = {name: value for name, value in client.cookies.items()}
        client.close()
        account = {"email": user.email, "cookies": cookies, "token": user.token}
        for extra in ("cases", "taskforce", "members"):
            if hasattr(user, extra):
                account[extra] = getattr(user, extra)
        accounts.append(account)
    return accounts


# --- Processes and their memory ------------------------------------------------------------------


class Worker:
    """`harborline worker` beside the server, with the same environment."""

    def __init__(self, env: dict[str, str], sweep: float) -> None:
        self.log_path = CACHE / "load-worker.log"
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(BIN / "harborline"), "worker", "--interval", f"{sweep:g}"],
            env={**os.environ, **env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )

    def wait_until_up(self, seconds: float = 60) -> None:
        """Until it has started its loop (so its memory is sampled from then on)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"the worker exited with {self.process.returncode}; see its log")
            if "Harborline worker:" in self.log_path.read_text(encoding="utf-8", errors="replace"):
                return
            time.sleep(0.25)
        raise BenchError(f"the worker did not start within {seconds:.0f} s; see {self.log_path}")

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


class MemorySampler(threading.Thread):
    """RSS of the server (master and each worker process, and their sum) and of the background
    worker, every `every` seconds."""

    def __init__(self, server_pid: int, worker_pid: int, every: float) -> None:
        super().__init__(daemon=True)
        self.server = psutil.Process(server_pid)
        self.worker = psutil.Process(worker_pid)
        self.every = every
        self.samples: list[dict[str, Any]] = []
        self.started = time.monotonic()
        self._halt = threading.Event()

    @staticmethod
    def _rss(process: psutil.Process) -> float:
        try:
            return process.memory_info().rss / 2**20
        except psutil.Error:
            return 0.0

    def sample(self) -> None:
        try:
            children = self.server.children(recursive=True)
        except psutil.Error:
            children = []
        server_workers = {f"server_worker_{c.pid}": self._rss(c) for c in children}
        master = self._rss(self.server)
        self.samples.append(
            {
                "t": round(time.monotonic() - self.started, 1),
                "server_total": round(master + sum(server_workers.values()), 1),
                "server_master": round(master, 1),
                **{k: round(v, 1) for k, v in server_workers.items()},
                "worker": round(self._rss(self.worker), 1),
            }
        )

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)
        self.sample()


def memory_summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """First, last and largest RSS (MB) of each process, and whether it stayed flat: after the
    first quarter of the run (warm-up: imports, caches, connection pools), it grew by at most
    10% or 20 MB, whichever is more."""
    series: dict[str, list[tuple[float, float]]] = {}
    for sample in samples:
        for key, value in sample.items():
            if key != "t" and value:
                series.setdefault(key, []).append((sample["t"], value))
    summary: dict[str, Any] = {}
    for key, points in series.items():
        values = [v for _, v in points]
        settled = values[len(values) // 4] if len(values) >= 4 else values[0]
        growth = values[-1] - settled
        summary[key] = {
            "first_mb": values[0],
            "after_warmup_mb": settled,
            "last_mb": values[-1],
            "max_mb": max(values),
            "growth_after_warmup_mb": round(growth, 1),
            "flat": growth <= max(0.10 * settled, 20.0),
            "samples": len(values),
        }
    return summary


# --- Locust --------------------------------------------------------------------------------------


def run_locust(base: str, accounts_path: Path, args: argparse.Namespace) -> tuple[int, Path]:
    prefix = CACHE / "load"
    for old in CACHE.glob("load_*.csv"):
        old.unlink()
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--users",
        str(args.users),
        "--spawn-rate",
        f"{args.spawn_rate:g}",
        "--run-time",
        f"{int(args.duration)}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    env = {
        **os.environ,
        "HARBORLINE_LOAD_ACCOUNTS": str(accounts_path),
        "HARBORLINE_LOAD_CASEWORKER_WEIGHT": str(CASEWORKER_WEIGHT),
        "HARBORLINE_LOAD_COORDINATOR_WEIGHT": str(COORDINATOR_WEIGHT),
    }
    log = CACHE / "load-locust.log"
    with log.open("w", encoding="utf-8") as out:
        try:
            status = subprocess.run(
                command,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                timeout=args.duration + 120,
                check=False,
            ).returncode
        except subprocess.TimeoutExpired:
            status = -1
    return status, prefix


def read_stats(prefix: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    pages: dict[str, dict[str, Any]] = {}
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = "total" if row["Name"] == "Aggregated" else row["Name"]
            pages[name] = {
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "mean_ms": round(float(row["Average Response Time"]), 1),
                "rps": round(float(row["Requests/s"]), 2),
            }
    failures = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            failures = [
                {
                    "request": f"{r['Method']} {r['Name']}",
                    "error": r["Error"],
                    "count": int(r["Occurrences"]),
                }
                for r in csv.DictReader(handle)
            ]
    return pages, failures


# --- After the run -------------------------------------------------------------------------------


def task_results(since: datetime) -> dict[str, int]:
    """Background tasks queued since `since` (the catch-up sweep's and the run's), by status:
    `ready` and `running` left at the end are the worker's backlog."""
    from django.db import connections
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = (
        DBTaskResult.objects.filter(enqueued_at__gte=since)
        .values("status")
        .annotate(n=Count("id"))
        .order_by("status")
    )
    counts = {row["status"].lower(): row["n"] for row in rows}
    connections.close_all()
    return counts


def verify_audit(env: dict[str, str]) -> dict[str, Any]:
    began = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "harborline"), "verify-audit"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return {
        "ok": done.returncode == 0,
        "output": (done.stdout + done.stderr).strip()[-300:],
        "seconds": round(time.perf_counter() - began, 1),
    }


def catch_up_sweep(env: dict[str, str]) -> dict[str, Any]:
    """One deadline sweep before the load (`harborline check-deadlines`): a data set just built
    holds obligations that fell due long ago and shares that have ended, which the first sweep
    after an outage of the worker handles all at once. Measured on its own, so that the sweeps
    under load are the steady state; the reminders it queues are sent by the worker during the
    run."""
    say("Deadline sweep before the load (catching up with the data set's clock)...")
    began = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "harborline"), "check-deadlines"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"harborline check-deadlines failed: {done.stderr.strip()[-500:]}")
    seconds = round(time.perf_counter() - began, 1)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    say(f"  {seconds} s: {summary}")
    return {"seconds": seconds, "summary": summary}


def worker_log_summary(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    return {
        "sweeps": sum("Reminders sent:" in line for line in lines),
        "failures": [line for line in lines if "failed" in line or "Traceback" in line][:20],
        "last_sweep": next((ln for ln in reversed(lines) if "Reminders sent:" in ln), ""),
    }


def server_errors(path: Path) -> int:
    """5xx answers in the server's access log."""
    count = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split('" ')
        if len(parts) > 1 and parts[1][:1] == "5":
            count += 1
    return count


def print_pages(pages: dict[str, dict[str, Any]]) -> None:
    header = ("request", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s")
    rows = [header] + [
        (
            name,
            str(r["requests"]),
            str(r["errors"]),
            f"{r['p50_ms']:g}",
            f"{r['p95_ms']:g}",
            f"{r['p99_ms']:g}",
            f"{r['rps']:g}",
        )
        for name, r in pages.items()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        say("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sys.path.insert(0, str(ROOT / "src"))
    server: run.Server | None = None
    worker: Worker | None = None
    sampler: MemorySampler | None = None
    began_at = prepared_at = datetime.now(UTC)
    try:
        ensure_database()
        data = run.choose_dataset(args.seed, args.scale)
        env = run.configure_environment(data)
        env["HARBORLINE_EMAIL_BACKEND"] = QUIET_MAIL
        os.environ["HARBORLINE_EMAIL_BACKEND"] = QUIET_MAIL
        run.ensure_dataset(data, rebuild=args.rebuild)
        prepared_at = datetime.now(UTC)
        catch_up = catch_up_sweep(env)
        counts = run.dataset_counts()
        version = run.database_version()
        wanted = max(
            1, round(args.users * CASEWORKER_WEIGHT / (CASEWORKER_WEIGHT + COORDINATOR_WEIGHT))
        )
        caseworkers = pick_caseworkers(wanted)
        coordinators = pick_coordinators(max(1, args.users - wanted))
        port = run.free_port()
        command = run.server_command(port, args.workers, env)
        say(f"Starting the server: {' '.join([Path(command[0]).name, *command[1:]])}")
        server = run.Server(command, env, port)
        server.wait_until_up()
        say(f"Signing in {len(caseworkers)} caseworkers and {len(coordinators)} coordinators...")
        accounts = {
            "caseworkers": sign_in_all(server.base, caseworkers),
            "coordinators": sign_in_all(server.base, coordinators),
        }
        accounts_path = CACHE / "load-accounts.json"
        accounts_path.touch(mode=0o600)
        accounts_path.write_text(json.dumps(accounts), encoding="utf-8")
        say(f"Starting the worker (deadline sweep every {args.sweep:g} s)...")
        worker = Worker(env, args.sweep)
        worker.wait_until_up()
        sampler = MemorySampler(server.process.pid, worker.process.pid, args.sample)
        sampler.start()
        began_at = datetime.now(UTC)
        say(
            f"Locust: {args.users} virtual users for {args.duration:g} s against {server.base} "
            f"(log: {(CACHE / 'load-locust.log').relative_to(ROOT)})..."
        )
        locust_status, prefix = run_locust(server.base, accounts_path, args)
        sampler.stop()
        if worker.process.poll() is not None:
            raise BenchError(f"the worker exited early; see {worker.log_path}")
        worker_status = worker.stop()
        server.stop()
        server_5xx = server_errors(server.log_path)
        server = None
        if not Path(f"{prefix}_stats.csv").exists():
            raise BenchError(f"Locust wrote no statistics (exit {locust_status}); see its log")
        pages, failures = read_stats(prefix)
        tasks = task_results(prepared_at)
        audit = {"skipped": True} if args.no_verify_audit else verify_audit(env)
    except BenchError as problem:
        print(f"bench-load: FAILED: {problem}", file=sys.stderr)
        return 2
    finally:
        if sampler is not None and sampler.is_alive():
            sampler.stop()
        if worker is not None and worker.process.poll() is None:
            worker.stop()
        if server is not None:
            server.stop()

    memory = memory_summary(sampler.samples if sampler else [])
    total = pages.get("total", {})
    errors = int(total.get("errors", 0))
    failed_tasks = tasks.get("failed", 0)
    result = {
        "name": args.name or f"load-{data.vendor}",
        "when": began_at.isoformat(timespec="seconds"),
        "machine": run.machine(data.vendor, version),
        "load": {
            "tool": "Locust (bench/locustfile.py), headless, on the same machine",
            "virtual_users": args.users,
            "mix": f"caseworkers : coordinators = {CASEWORKER_WEIGHT} : {COORDINATOR_WEIGHT}",
            "accounts": {"caseworkers": len(caseworkers), "coordinators": len(coordinators)},
            "spawn_rate": args.spawn_rate,
            "seconds": args.duration,
            "think_time_s": "1-3 between requests of one virtual user",
            "server": f"harborline serve --workers {args.workers} ({run.SERVER_THREADS} threads)",
            "worker": f"harborline worker --interval {args.sweep:g}",
        },
        "dataset": {
            "scale": "state",
            "factor": args.scale,
            "seed": args.seed,
            "database": data.label,
            "built_this_run": data.built_now,
            "build_seconds": data.build_seconds,
            "counts": counts,
        },
        "pages": pages,
        "failures": failures,
        "server_5xx": server_5xx,
        "locust_exit": locust_status,
        "catch_up_sweep": catch_up,
        "worker": {
            "exit": worker_status,
            "tasks": tasks,
            **worker_log_summary(CACHE / "load-worker.log"),
        },
        "memory_mb": memory,
        "memory_samples": sampler.samples if sampler else [],
        "audit_chain": audit,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{result['name']}.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    say("")
    print_pages(pages)
    say("\nMemory (RSS, MB): first / after warm-up / last / max")
    for key, m in memory.items():
        verdict = "flat" if m["flat"] else "GROWING"
        say(
            f"  {key}: {m['first_mb']} / {m['after_warmup_mb']} / {m['last_mb']} / {m['max_mb']}"
            f" ({verdict})"
        )
    say(f"Worker: {result['worker']['sweeps']} sweeps, tasks {tasks}")
    say(f"Audit chain: {audit}")
    say(f"Written to {out.relative_to(ROOT)}.")
    problems = []
    if errors > args.max_errors:
        problems.append(f"{errors} requests failed: {failures[:5]}")
    if server_5xx:
        problems.append(f"the server answered {server_5xx} requests with 5xx")
    if failed_tasks:
        problems.append(f"{failed_tasks} background tasks failed")
    if worker_status not in (0, None) or result["worker"]["failures"]:
        problems.append(f"the worker reported failures: {result['worker']['failures'][:3]}")
    if not total.get("requests"):
        problems.append("no request was made")
    if audit.get("ok") is False:
        problems.append("the audit chain does not verify")
    for problem in problems:
        print(f"bench-load: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

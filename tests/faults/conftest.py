"""Fault tests: the real server and worker against a PostgreSQL cluster of the test's own.

They never touch the machine's shared PostgreSQL (other test runs use it): each module starts a
private cluster (initdb + pg_ctl from /usr/lib/postgresql/*/bin, in a temporary directory, on a
free loopback port; as the `postgres` user when the tests run as root, since initdb refuses
root), and stops and deletes it afterwards. Everything runs on 127.0.0.1.

They run with `-m faults` (`make bench-faults`) and whenever DATABASE_URL names PostgreSQL (CI's
PostgreSQL step); in the SQLite run of the suite they are skipped, since they would only repeat
the same minute of work."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: fault tests with a private PostgreSQL cluster (make bench-faults)"
    )


def _pg_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: [int(x) for x in p.parts[-3].split(".") if x.isdigit()],
    )
    return found[-1].parent if found else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = "faults" in (config.getoption("markexpr") or "")
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    reason = ""
    if _pg_bin() is None:
        if on_postgres or asked:
            # Where the fault tests are meant to run (CI's PostgreSQL step, make bench-faults), a
            # machine without the server programs is a failure, not a silent skip.
            raise pytest.UsageError(
                "the fault tests need PostgreSQL's server programs (initdb, pg_ctl under "
                "/usr/lib/postgresql/*/bin); install the postgresql package"
            )
        reason = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    elif not (asked or on_postgres):
        reason = "fault tests run in the PostgreSQL step (DATABASE_URL=postgres://...) or -m faults"
    if not reason:
        return
    for item in items:
        if item.get_closest_marker("faults") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """A throwaway PostgreSQL cluster: start, stop, restart, connect."""

    def __init__(self) -> None:
        pg_bin = _pg_bin()
        assert pg_bin is not None
        self.bin = pg_bin
        self.dir = Path(tempfile.mkdtemp(prefix="hl-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[Any]:
        return psycopg.connect(self.url(database), autocommit=True)

    def create_database(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    pg = PrivateCluster()
    try:
        pg.start()
        yield pg
    finally:
        pg.destroy()


def app_env(url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a real Harborline process (not the test settings)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HARBORLINE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "harborline.config.settings",
            "HARBORLINE_SECRET_KEY": "faults-" + "k" * 50,
            "HARBORLINE_FIELD_KEYS": FIELD_KEY,
            "HARBORLINE_AUDIT_KEYS": AUDIT_KEY,
            "HARBORLINE_VAR_DIR": str(var_dir),
            "HARBORLINE_SECURE_COOKIES": "0",
            "HARBORLINE_SSL_REDIRECT": "0",
            "HARBORLINE_EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            **extra,
        }
    )
    return env


FIELD_KEY = Fernet.generate_key().decode()
AUDIT_KEY = Fernet.generate_key().decode()  # 32 random bytes, url-safe base64


def harborline(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [str(BIN / "harborline"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, f"harborline {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


@dataclass
class Site:
    """A migrated, demo-seeded database in the private cluster and the environment to use it."""

    cluster: PrivateCluster
    database: str
    env: dict[str, str]
    var_dir: Path

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.cluster.connect(self.database) as conn:
            return conn.execute(sql, params).fetchall()


def make_site(cluster: PrivateCluster, name: str, **extra: str) -> Site:
    url = cluster.create_database(name)
    var_dir = cluster.dir / f"var-{name}"
    var_dir.mkdir()
    env = app_env(url, var_dir, **extra)
    harborline(env, "migrate")
    harborline(env, "seed", "--scale", "demo")
    return Site(cluster, name, env, var_dir)


class Process:
    """A `harborline` process (serve, worker) in its own process group, logging to a file."""

    def __init__(self, env: dict[str, str], args: list[str], log: Path) -> None:
        self.log_path = log
        self._log = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(BIN / "harborline"), *args],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, to the whole process group: no handler runs, nothing is cleaned up."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def serve(site: Site, *, workers: int = 2) -> tuple[Process, str]:
    port = free_port()
    server = Process(
        {**site.env, "HARBORLINE_THREADS": "4"},
        ["serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
        site.var_dir / "server.log",
    )
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.alive(), server.output()
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return server, base
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"the server did not come up: {server.output()}")


def demo_email(role: str) -> str:
    return f"{role}@demo.example.org"


def sign_in(site: Site, base: str, email: str) -> httpx.Client:
    """Through the real pages: password, then the code from the account's authenticator key."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    [(key, step, t0, digits, drift)] = site.query(
        "SELECT d.key, d.step, d.t0, d.digits, d.drift FROM otp_totp_totpdevice d "
        "JOIN people_user u ON u.id = d.user_id WHERE u.email = %s AND d.confirmed",
        (email,),
    )
    user = bench.VirtualUser(email, "", 0, bytes.fromhex(key), step, t0, digits, drift)
    return bench.sign_in(base, user)


def api_token(site: Site, email: str) -> str:
    return harborline(site.env, "token", "create", "--email", email, "--days", "1").strip()


def first_case(site: Site, email: str) -> int:
    """A case the user's organization owns (the owner sees every compartment)."""
    [(case_id,)] = site.query(
        "SELECT c.id FROM cases_case c JOIN people_membership m ON m.organization_id = c.owner_id "
        "JOIN people_user u ON u.id = m.user_id WHERE u.email = %s AND c.status = 'open' "
        "ORDER BY c.id LIMIT 1",
        (email,),
    )
    return int(case_id)


def dump(data: Any) -> str:
    """Data for an assertion message; a Counter keyed by tuples is written with its keys joined."""
    if isinstance(data, dict):
        data = {" ".join(map(str, k)) if isinstance(k, tuple) else k: v for k, v in data.items()}
    return json.dumps(data, indent=1, default=str)[:4000]

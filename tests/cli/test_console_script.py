"""The installed `harborline` console script, end to end in separate processes: the production
settings, an embedded database in a temporary var/, and a real gunicorn server."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HARBORLINE = shutil.which("harborline", path=str(Path(sys.executable).parent))


@pytest.fixture
def env(tmp_path):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HARBORLINE_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="harborline.config.settings",
        HARBORLINE_VAR_DIR=str(tmp_path / "var"),
    )
    return environment


def run(env, *argv, stdin=None):
    assert HARBORLINE, "the harborline console script is not installed in this venv"
    return subprocess.run(
        [HARBORLINE, *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_console_script_help_and_one_line_errors(env):
    done = run(env, "--help")
    assert done.returncode == 0
    assert "verify-audit" in done.stdout
    done = run(env, "org", "create", "--name", "X", "--type", "medical", "--county", "washoe")
    assert done.returncode == 2
    assert done.stderr == (
        "harborline org create: error: the following arguments are required: --slug\n"
    )
    assert done.stdout == ""


def test_a_database_that_is_not_migrated_is_one_line(env):
    done = run(
        env,
        "org",
        "create",
        "--slug",
        "x",
        "--name",
        "X",
        "--type",
        "medical",
        "--county",
        "washoe",
    )
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("harborline org create: error: database: ")
    assert "harborline migrate" in done.stderr


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, token=None):
    request = urllib.request.Request(url)  # noqa: S310 - always http://127.0.0.1
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def test_keys_migrate_create_and_serve_with_gunicorn(env):
    refused = run(env, "serve", "--port", str(free_port()))
    assert refused.returncode == 2
    assert "HARBORLINE_SECRET_KEY is not set" in refused.stderr

    keys = run(env, "keys", "generate")
    assert keys.returncode == 0
    env.update(line.split("=", 1) for line in keys.stdout.splitlines())
    assert run(env, "check").returncode == 0

    assert run(env, "migrate").returncode == 0
    assert (
        run(
            env,
            "org",
            "create",
            "--slug",
            "carson-cw",
            "--name",
            "Carson City Child Welfare",
            "--type",
            "child_welfare",
            "--county",
            "Carson City",
        ).returncode
        == 0
    )
    made = run(
        env,
        "user",
        "create",
        "--email",
        "kim@example.org",
        "--org",
        "carson-cw",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="a long enough passphrase here\n",
    )
    assert made.returncode == 0, made.stderr
    token = run(env, "token", "create", "--email", "kim@example.org")
    assert token.returncode == 0, token.stderr
    raw = token.stdout.strip()
    audit = run(env, "verify-audit")
    assert audit.returncode == 0
    assert audit.stdout.startswith("audit chain intact: 3 records, head ")

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [HARBORLINE, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        status, _, body = wait_for_health(server, base)
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})

        status, _, body = get(f"{base}/api/v1/me", raw)
        assert status == 200
        me = json.loads(body)
        assert (me["email"], me["organization"], me["role"]) == (
            "kim@example.org",
            "carson-cw",
            "supervisor",
        )

        status, content_type, body = get(f"{base}/api/v1/me", "hl_wrong")
        assert (status, content_type) == (401, "application/problem+json")
        status, content_type, body = get(f"{base}/api/v1/does-not-exist", raw)
        assert (status, content_type) == (404, "application/problem+json")
        assert json.loads(body)["title"] == "Not found"
    finally:
        server.terminate()
        server.communicate(timeout=30)


def wait_for_health(server, base):
    deadline = time.monotonic() + 30
    while True:
        try:
            return get(f"{base}/healthz")
        except OSError:
            assert server.poll() is None, server.stdout.read()
            assert time.monotonic() < deadline, "the server did not start in 30 s"
            time.sleep(0.2)


def test_demo_switches_demo_mode_on_before_settings_load(env, tmp_path):
    """In a fresh process with no keys in the environment: demo mode and the demo keys from
    var/demo.env must be in place before Django reads its settings, or serving would refuse.
    (The database already has an organization, so the synthetic generator is not run here;
    writing it needs an audit key, as every audited change does.)"""
    assert run(env, "migrate").returncode == 0
    assert (
        run(
            {**env, "HARBORLINE_AUDIT_KEYS": os.environ["HARBORLINE_AUDIT_KEYS"]},
            "org",
            "create",
            "--slug",
            "elko-cw",
            "--name",
            "Elko Child Welfare",
            "--type",
            "child_welfare",
            "--county",
            "elko",
        ).returncode
        == 0
    )
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [HARBORLINE, "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, _, body = wait_for_health(server, f"http://127.0.0.1:{port}")
        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok"})
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Demo data is already loaded" in output
    assert f"Serving Harborline on http://127.0.0.1:{port} (demo mode) with 1 worker(s)" in output
    assert "MFA" in output
    demo_env = (tmp_path / "var" / "demo.env").read_text()
    assert "HARBORLINE_FIELD_KEYS=" in demo_env and "HARBORLINE_SECRET_KEY=" in demo_env

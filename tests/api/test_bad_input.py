"""Input no endpoint can handle is refused in one place (config/request_guard.py), before any view
reads it: a body over the limit is 413 (and read, so a keep-alive connection goes on working),
text that is not valid Unicode or holds NUL is 422 naming the field by its JSON path or
parameter name (pages: a plain 400 page). None of it may ever be a 500."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client

from harborline.people import services as people

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
LIMIT = 2_621_440  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, which Harborline keeps
SURROGATE = '"\\ud800"'  # a lone surrogate, as JSON writes it
LATER = (datetime.now(UTC) + timedelta(days=30)).isoformat()


@pytest.fixture
def world(db):
    """A child-welfare supervisor with a case, a law-enforcement agency with a user, and an API
    client for the supervisor."""
    owner = people.create_organization(
        actor=None, slug="carson-cw", name="Carson City Child Welfare", type="child_welfare"
    )
    police = people.create_organization(
        actor=None, slug="carson-pd", name="Carson City Police", type="law_enforcement"
    )
    supervisor = people.create_user(
        actor=None, email="sam@carson-cw.example.org", organization=owner, role="supervisor"
    )
    detective = people.create_user(
        actor=None, email="dee@carson-pd.example.org", organization=police, role="caseworker"
    )
    _, raw = people.create_token(actor=None, user=supervisor, days=1, name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    r = client.post(
        "/api/v1/cases",
        {"youth": {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    return {
        "client": client,
        "case": r.json()["id"],
        "owner": owner,
        "police": police,
        "supervisor": supervisor,
        "detective": detective,
    }


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body):
    return [e["field"] for e in body.get("errors", [])]


# --- 413 ---------------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/v1/cases"),
    ("post", "/api/v1/cases/{case}/notes"),
    ("patch", "/api/v1/cases/{case}/youth"),
    ("post", "/api/v1/cases/{case}/meetings"),
    ("patch", "/api/v1/me"),
    ("post", "/api/v1/taskforces"),
    ("post", "/api/v1/training-records"),
    ("post", "/api/v1/protocols/nevada/instruments/nrit/evaluate"),
]


def big_json(size: int) -> bytes:
    return json.dumps({"text": "x" * size}).encode()


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_body_over_the_limit_is_413_and_read_to_the_end(world, method, path):
    body = big_json(LIMIT + 1000)
    send = getattr(world["client"], method)
    r = send(path.format(case=world["case"]), body, content_type="application/json")
    problem = assert_problem(r, 413)
    assert fields(problem) == ["body"]
    assert str(LIMIT) in problem["detail"]
    # The whole body was consumed, so the server finds the next request where it expects it.
    assert len(r.wsgi_request.environ["wsgi.input"]) == 0


def test_a_body_over_the_limit_is_413_even_without_a_token(client):
    r = client.post("/api/v1/cases", big_json(LIMIT + 1), content_type="application/json")
    assert_problem(r, 413)


def test_a_body_just_under_the_limit_reaches_validation(world):
    r = world["client"].post(
        f"/api/v1/cases/{world['case']}/notes",
        big_json(LIMIT - 100),
        content_type="application/json",
    )
    problem = assert_problem(r, 422)
    assert "text" in fields(problem) or "compartment" in fields(problem)


def test_a_page_form_over_the_limit_is_a_plain_413_page(client):
    r = client.post(
        "/login",
        b"email=a%40example.org&password=" + b"x" * (LIMIT + 10),
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 413
    assert r["Content-Type"].startswith("text/html")
    assert "<h1>Too large to send</h1>" in r.content.decode()
    assert r["Content-Security-Policy"] and r["X-Frame-Options"] == "DENY"


def test_a_spreadsheet_upload_over_the_form_limit_still_reaches_the_page(client):
    """Imports accept files of up to 5 MB (tabular.MAX_BYTES); the guard lets larger multipart
    bodies through so the page can say how large a file may be."""
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + b"a,b\r\n" * (LIMIT // 5 + 100)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    r = client.post("/login", body, content_type=f"multipart/form-data; boundary={boundary}")
    assert r.status_code != 413


# --- 413 on a real server: the next request on the same connection works ----------------------

HARBORLINE = shutil.which("harborline", path=str(Path(sys.executable).parent))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`harborline serve` (gunicorn, gthread workers) on a free loopback port, with its own
    keys and an embedded database nothing here needs: the requests below are answered before
    any table is read."""
    assert HARBORLINE, "the harborline console script is not installed in this venv"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HARBORLINE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="harborline.config.settings",
        HARBORLINE_VAR_DIR=str(tmp_path_factory.mktemp("served") / "var"),
    )
    keys = subprocess.run(  # noqa: S603
        [HARBORLINE, "keys", "generate"], env=env, capture_output=True, text=True, check=True
    )
    env.update(line.split("=", 1) for line in keys.stdout.splitlines() if "=" in line)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [HARBORLINE, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the server did not start in 30 s"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_after_a_413_the_next_request_on_the_same_connection_is_answered(served):
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    try:
        connection.connect()
        sock = connection.sock
        for method, path in [
            ("POST", "/api/v1/cases"),
            ("PATCH", "/api/v1/me"),
            ("POST", "/api/v1/cases/1/notes"),
            ("POST", "/api/v1/taskforces"),
        ]:
            connection.request(
                method, path, big_json(LIMIT + 10_000), {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            body = response.read()
            assert response.status == 413, body
            assert response.getheader("Content-Type") == PROBLEM
            assert response.getheader("Connection") == "keep-alive"
        connection.request("GET", "/api/v1/me")
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status == 401 and body["title"] == "Authentication required"
        assert connection.sock is sock  # the same connection, not a new one
    finally:
        connection.close()


def test_after_a_413_page_the_next_page_on_the_same_connection_is_answered(served):
    connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    try:
        connection.connect()
        sock = connection.sock
        connection.request(
            "POST",
            "/login",
            b"password=" + b"x" * (LIMIT + 10_000),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        assert response.status == 413
        assert b"Too large to send" in response.read()
        connection.request("GET", "/api/v1/me")
        response = connection.getresponse()
        response.read()
        assert response.status == 401
        assert connection.sock is sock
    finally:
        connection.close()


# --- 422: text that is not valid Unicode, named by its JSON path --------------------------------


def _share(organization: str) -> str:
    return (
        f'{{"organization": {organization}, "compartments": ["identity"], "purpose": "safety '
        f'planning", "basis": {{"type": "court_order", "reference": "JV-1"}}, '
        f'"expires_at": "{LATER}"}}'
    )


SURROGATE_BODIES = [
    pytest.param(
        "/cases/{case}/meetings",
        f'{{"kind": "plan", "held_at": "2026-03-02T10:00:00Z", "attendees": [{SURROGATE}]}}',
        "attendees[0]",
        id="meeting-attendees",
    ),
    pytest.param(
        "/cases/{case}/meetings",
        f'{{"kind": "plan", "held_at": "2026-03-02T10:00:00Z", "decisions": {SURROGATE}}}',
        "decisions",
        id="meeting-decisions",
    ),
    pytest.param(
        "/cases/{case}/meetings",
        '{"kind": "plan", "held_at": "2026-03-02T10:00:00Z", "actions": [{"text": "call", '
        f'"due_on": "2026-03-09", "owner": {SURROGATE}}}]}}',
        "actions[0].owner",
        id="meeting-action-owner",
    ),
    pytest.param(
        "/cases/{case}/team",
        f'{{"organization": {SURROGATE}, "role_on_case": "detective"}}',
        "organization",
        id="team-organization",
    ),
    pytest.param(
        "/cases/{case}/team",
        f'{{"organization": "carson-pd", "role_on_case": "detective", "user": {SURROGATE}}}',
        "user",
        id="team-user",
    ),
    pytest.param("/cases/{case}/shares", _share(SURROGATE), "organization", id="share-org"),
    pytest.param(
        "/cases/{case}/consents",
        '{"kind": "youth_assent", "given_by": "Ana", "recipients": ["carson-pd", '
        f'{SURROGATE}], "compartments": ["identity"], "purpose": "safety planning", '
        '"evidence": "attestation", "attestation": "Ana said yes"}',
        "recipients[1]",
        id="consent-recipients",
    ),
    pytest.param(
        "/cases/{case}/notes",
        f'{{"compartment": "identity", "text": {SURROGATE}}}',
        "text",
        id="note-text",
    ),
    pytest.param(
        "/cases",
        f'{{"youth": {{"first_name": "Ana", "last_name": {SURROGATE}}}}}',
        "youth.last_name",
        id="youth-nested",
    ),
    pytest.param(
        "/protocols/nevada/instruments/nrit/evaluate",
        f'{{"answers": {{{SURROGATE}: true}}}}',
        "answers.\\ud800",
        id="a-key",
    ),
]


@pytest.mark.parametrize(("path", "body", "field"), SURROGATE_BODIES)
def test_a_lone_surrogate_is_422_naming_the_field(world, path, body, field):
    r = world["client"].post(
        "/api/v1" + path.format(case=world["case"]), body, content_type="application/json"
    )
    problem = assert_problem(r, 422)
    assert fields(problem) == [field]
    assert "Unicode" in problem["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        pytest.param(
            b'{"compartment": "identity", "text": "caf\xc3"}', "text", "Unicode", id="bad-byte"
        ),
        pytest.param(
            b'{"compartment": "identity", "text": "\xed\xa0\x80"}',
            "text",
            "Unicode",
            id="encoded-surrogate",
        ),
        pytest.param(b'{"compartment": "identity", "text": "a\\u0000b"}', "text", "NUL", id="nul"),
    ],
)
def test_bytes_that_are_not_utf8_and_nul_are_422_naming_the_field(world, body, field, words):
    r = world["client"].post(
        f"/api/v1/cases/{world['case']}/notes", body, content_type="application/json"
    )
    problem = assert_problem(r, 422)
    assert fields(problem) == [field]
    assert words in problem["errors"][0]["message"]


def test_several_bad_fields_are_all_named(world):
    body = (
        '{"kind": "plan", "held_at": "2026-03-02T10:00:00Z", '
        f'"attendees": ["sam@carson-cw.example.org", {SURROGATE}], "decisions": {SURROGATE}}}'
    )
    r = world["client"].post(
        f"/api/v1/cases/{world['case']}/meetings", body, content_type="application/json"
    )
    assert set(fields(assert_problem(r, 422))) == {"attendees[1]", "decisions"}


def test_valid_text_beyond_the_basic_plane_is_accepted(world):
    """A surrogate pair is how JSON writes one character beyond U+FFFF: valid, and stored."""
    r = world["client"].post(
        f"/api/v1/cases/{world['case']}/notes",
        '{"compartment": "identity", "text": "Ana \\ud83c\\udf3b \\u00e9"}',
        content_type="application/json",
    )
    assert r.status_code == 201, r.content


@pytest.mark.parametrize(
    ("url", "field"),
    [
        pytest.param("/api/v1/training-courses?pack=%ED%A0%80", "pack", id="query-surrogate"),
        pytest.param("/api/v1/training-courses?pack=nev%FFada", "pack", id="query-bad-byte"),
        pytest.param("/api/v1/training-courses?pack=a%00", "pack", id="query-nul"),
        pytest.param("/api/v1/training-courses?pack=nevada&%FF=1", "\ufffd", id="query-name"),
        pytest.param("/api/v1/protocols/%ED%A0%80/instruments/nrit", "pack", id="path-surrogate"),
        pytest.param(
            "/api/v1/protocols/nevada/instruments/nr%FFit/schema", "instrument", id="path-byte"
        ),
        pytest.param("/api/v1/cases/1%00", "case_id", id="path-nul"),
    ],
)
def test_bad_text_in_query_strings_and_paths_is_422_naming_the_parameter(world, url, field):
    problem = assert_problem(world["client"].get(url), 422)
    assert fields(problem) == [field]
    assert "Unicode" in problem["detail"] or "NUL" in problem["detail"]


# --- pages -------------------------------------------------------------------------------------


def test_a_page_form_with_undecodable_text_is_a_plain_400_page(client):
    r = client.post(
        "/login",
        b"email=dana%ED%A0%80%40example.org&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400
    assert "<h1>Bad request</h1>" in r.content.decode()


@pytest.mark.parametrize("url", ["/login?next=%FF", "/login%ED%A0%80", "/login?next=%00"])
def test_a_page_url_with_undecodable_text_is_a_plain_400_page(client, url):
    r = client.get(url)
    assert r.status_code == 400
    assert "<h1>Bad request</h1>" in r.content.decode()


def test_a_multipart_form_with_undecodable_text_is_not_a_server_error(client):
    body = (
        b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\n'
        b"dana\xed\xa0\x80\xff@example.org\r\n--b--\r\n"
    )
    r = client.post("/login", body, content_type="multipart/form-data; boundary=b")
    assert r.status_code < 500


def test_schema_errors_name_fields_by_the_same_json_path(world):
    r = world["client"].post(
        "/api/v1/cases",
        {"youth": {"first_name": "Ana", "last_name": "Reyes", "aliases": ["Nina", 7]}},
        content_type="application/json",
    )
    assert fields(assert_problem(r, 422)) == ["youth.aliases[1]"]


def test_a_body_nested_too_deeply_is_422_on_body(world):
    body = '{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}"
    r = world["client"].post(
        "/api/v1/protocols/nevada/instruments/nrit/evaluate", body, content_type="application/json"
    )
    problem = assert_problem(r, 422)
    assert fields(problem) == ["body"]


# --- Instants PostgreSQL cannot store as sent ---------------------------------------------------
# ISO 8601 allows UTC offsets up to ±23:59; PostgreSQL's timestamptz refuses offsets beyond
# ±15:59. Found by the contract tests (a share expiring at 3412-01-21T18:44:27.6-16:22 was a 500
# on PostgreSQL): every instant a request sends is held in UTC before it reaches a service.


def share_body(world, expires_at: str) -> dict:
    return {
        "organization": "carson-pd",
        "compartments": ["identity"],
        "purpose": "joint investigation",
        "basis": {"type": "mandated_report", "reference": "CR-1"},
        "expires_at": expires_at,
    }


@pytest.mark.parametrize("offset", ["-16:22", "+23:59", "-23:59"])
def test_an_offset_beyond_postgresqls_range_is_stored_as_the_same_instant(world, offset):
    r = world["client"].post(
        f"/api/v1/cases/{world['case']}/shares",
        share_body(world, f"3412-01-21T18:44:27.6{offset}"),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    from harborline.access.models import Share

    sent = datetime.fromisoformat(f"3412-01-21T18:44:27.6{offset}")
    assert Share.objects.get(pk=r.json()["id"]).expires_at == sent


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("shares", {"expires_at": "9999-12-31T23:00:00-05:00"}, "expires_at"),
        ("screenings", {"identified_at": "0001-01-01T01:00:00+05:00"}, "identified_at"),
        ("screenings", {"identified_at": "9999-12-31T23:30:00"}, "identified_at"),
    ],
)
@pytest.mark.usefixtures("nevada_home")  # the screening takes the home pack's instrument: NRIT
def test_an_instant_with_no_utc_equivalent_is_422_naming_the_field(world, path, body, field):
    base = (
        share_body(world, LATER)
        if path == "shares"
        else {"answers": {}, "identified_by": "law_enforcement", "identified_at": LATER}
    )
    r = world["client"].post(
        f"/api/v1/cases/{world['case']}/{path}", {**base, **body}, content_type="application/json"
    )
    assert field in fields(assert_problem(r, 422))


def test_a_reason_that_is_ten_characters_only_with_separators_is_refused_by_the_schema(world):
    """JSON Schema's \\S matches the separators \\x1c-\\x1f that Python's strip removes: the
    schema's pattern must not allow what the service refuses (found by the contract tests)."""
    from harborline.api.cases import AT_LEAST_10

    assert re.search(AT_LEAST_10, "\x1cabcdefgh\x1c") is None
    assert re.search(AT_LEAST_10, "not needed") is not None

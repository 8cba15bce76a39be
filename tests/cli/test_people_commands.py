"""org / user / token create, and using the token on the API."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from harborline.audit.models import Action, AuditEvent
from harborline.people.models import ApiToken, Membership, Organization, User, hash_token

pytestmark = pytest.mark.django_db


def create_user(cli, email="dana@example.org", role="supervisor", org="washoe-so", *extra):
    result = cli("user", "create", "--email", email, "--org", org, "--role", role, *extra)
    assert result.code == 0, result.err
    return result


def create_token(cli, email="dana@example.org", *extra):
    result = cli("token", "create", "--email", email, *extra)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 1, "the token must be alone on stdout"
    return lines[0]


def test_org_user_token_then_me_answers_email_org_and_role(cli, washoe_org, client):
    create_user(cli, "Dana@Example.org", "supervisor", "washoe-so", "--name", "Dana Whitfield")
    raw = create_token(cli)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["email"], body["organization"], body["role"]) == (
        "dana@example.org",
        "washoe-so",
        "supervisor",
    )
    assert body["full_name"] == "Dana Whitfield"


def test_org_create_takes_a_county_slug_or_name(cli, geography):
    for slug, county in [
        ("a-org", "washoe"),
        ("b-org", "Washoe County"),
        ("c-org", "washoe county"),
    ]:
        result = cli(
            "org",
            "create",
            "--slug",
            slug,
            "--name",
            slug,
            "--type",
            "medical",
            "--county",
            county,
            "--time-zone",
            "America/Denver",
        )
        assert result.code == 0, result.err
        org = Organization.objects.get(slug=slug)
        assert org.county.slug == "washoe"
        assert org.region.slug == "northern"
        assert org.time_zone == "America/Denver"
    assert "Washoe County" in result.out


def test_writes_are_audited_as_the_cli_with_no_actor(cli, washoe_org):
    create_user(cli)
    create_token(cli)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.action for e in events] == [Action.CREATE, Action.USER_CREATE, Action.TOKEN_CREATE]
    assert {(e.actor_id, e.actor_email) for e in events} == {(None, "cli")}


def test_token_is_printed_once_and_stored_hashed(cli, washoe_org):
    create_user(cli)
    raw = create_token(cli, "dana@example.org", "--days", "7", "--name", "reporting")
    assert raw.startswith("hl_")
    token = ApiToken.objects.get()
    assert token.digest == hash_token(raw)
    assert raw not in {token.digest, token.prefix, token.name}
    assert token.name == "reporting"
    assert timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= timedelta(days=7)


def test_token_defaults_to_90_days(cli, washoe_org):
    create_user(cli)
    create_token(cli)
    left = ApiToken.objects.get().expires_at - timezone.now()
    assert timedelta(days=89, hours=23) < left <= timedelta(days=90)


def test_expired_and_revoked_cli_tokens_are_401_problem(cli, washoe_org, client):
    create_user(cli)
    expired, revoked = create_token(cli), create_token(cli)
    ApiToken.objects.filter(digest=hash_token(expired)).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    ApiToken.objects.filter(digest=hash_token(revoked)).update(revoked_at=timezone.now())
    for raw in (expired, revoked):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert {"title", "status", "detail"} <= set(response.json())


def test_user_without_password_is_told_how_to_get_one(cli, washoe_org):
    result = create_user(cli)
    assert "no usable password" in result.out
    assert "set-password link" in result.out
    user = User.objects.get(email="dana@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organization == washoe_org


def test_user_password_from_stdin(cli, washoe_org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    result = create_user(cli, "dana@example.org", "caseworker", "washoe-so", "--password-stdin")
    assert "no usable password" not in result.out
    assert User.objects.get(email="dana@example.org").check_password("correct horse battery staple")


def one_error(result, start):
    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert result.err_lines[0].startswith(start), result.err
    assert "Traceback" not in result.err


def test_short_password_from_stdin_is_one_line_error(cli, washoe_org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    result = cli(
        "user",
        "create",
        "--email",
        "e@example.org",
        "--org",
        "washoe-so",
        "--role",
        "caseworker",
        "--password-stdin",
    )
    one_error(result, "harborline user create: error: password: ")
    assert not User.objects.filter(email="e@example.org").exists()


def test_empty_stdin_password_is_refused(cli, washoe_org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = cli(
        "user",
        "create",
        "--email",
        "e@example.org",
        "--org",
        "washoe-so",
        "--role",
        "caseworker",
        "--password-stdin",
    )
    one_error(result, "harborline user create: error: --password-stdin: no password")


def test_a_coordinator_is_made_only_in_a_task_force_organization(cli, washoe_org):
    """The command line acts for the operator (as a system administrator) and goes through
    the same grant rule as the pages (people/grants.py)."""
    refused = cli(
        "user", "create", "--email", "c@example.org", "--org", "washoe-so", "--role", "coordinator"
    )
    one_error(refused, "harborline user create: error: --role: A coordinator belongs to a task")
    assert not User.objects.filter(email="c@example.org").exists()
    made = cli(
        "org",
        "create",
        "--slug",
        "tf-northern",
        "--name",
        "TF",
        "--type",
        "task_force",
        "--county",
        "washoe",
    )
    assert made.code == 0, made.err
    create_user(cli, "c@example.org", "coordinator", "tf-northern")
    assert User.objects.get(email="c@example.org").membership.role == "coordinator"


def test_unknown_org_is_one_line(cli, db):
    one_error(
        cli("user", "create", "--email", "a@b.org", "--org", "nope", "--role", "caseworker"),
        "harborline user create: error: --org: no organization with slug 'nope'",
    )


def test_bad_email_is_one_line(cli, washoe_org):
    one_error(
        cli(
            "user",
            "create",
            "--email",
            "not-an-email",
            "--org",
            "washoe-so",
            "--role",
            "caseworker",
        ),
        "harborline user create: error: --email: 'not-an-email' is not an email address",
    )


def test_duplicate_user_and_org_are_one_line(cli, washoe_org):
    create_user(cli)
    one_error(
        cli(
            "user",
            "create",
            "--email",
            "DANA@example.org",
            "--org",
            "washoe-so",
            "--role",
            "caseworker",
        ),
        "harborline user create: error: A user with email dana@example.org already exists.",
    )
    one_error(
        cli(
            "org",
            "create",
            "--slug",
            "washoe-so",
            "--name",
            "Again",
            "--type",
            "medical",
            "--county",
            "washoe",
        ),
        "harborline org create: error: An organization with slug 'washoe-so' already exists.",
    )


def test_invalid_org_fields_print_one_line_per_field(cli, geography):
    result = cli(
        "org",
        "create",
        "--slug",
        "Not A Slug",
        "--name",
        "  ",
        "--type",
        "medical",
        "--county",
        "Atlantis",
        "--time-zone",
        "Mars/Olympus",
    )
    assert result.code == 2
    assert result.err_lines == [
        "harborline org create: error: --slug: use 1-60 lower-case letters, digits and hyphens",
        "harborline org create: error: --name: give the organization's name",
        "harborline org create: error: --county: no county named 'Atlantis' is loaded",
        "harborline org create: error: --time-zone: 'Mars/Olympus' is not a known time zone",
    ]
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_token_for_unknown_or_disabled_user_or_too_long_is_one_line(cli, washoe_org):
    one_error(
        cli("token", "create", "--email", "ghost@example.org"),
        "harborline token create: error: --email: no user with email 'ghost@example.org'",
    )
    create_user(cli)
    one_error(
        cli("token", "create", "--email", "dana@example.org", "--days", "400"),
        "harborline token create: error: --days: must be between 1 and 366",
    )
    User.objects.filter(email="dana@example.org").update(is_active=False)
    one_error(
        cli("token", "create", "--email", "dana@example.org"),
        "harborline token create: error: --email: the user is disabled",
    )
    assert not ApiToken.objects.exists()

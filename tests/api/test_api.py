"""The JSON API through HTTP: authentication, the problem+json error shape, /me, health and the
OpenAPI description."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from harborline.audit.chain import verify
from harborline.audit.models import Action, AuditEvent
from harborline.people import services
from harborline.people.models import ApiToken

PROBLEM = "application/problem+json"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert "Traceback" not in response.content.decode()
    return body


def test_me_answers_the_tokens_user_org_and_role(client, bearer):
    response = client.get("/api/v1/me", **bearer)
    assert response.status_code == 200
    assert response.json() == {
        "email": "dana@example.org",
        "full_name": "Dana",
        "organization": "washoe-so",
        "organization_name": "Washoe County Sheriff",
        "role": "caseworker",
    }


def test_using_a_token_marks_it_used(client, bearer, token):
    assert token[0].last_used_at is None
    client.get("/api/v1/me", **bearer)
    token[0].refresh_from_db()
    assert token[0].last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Token hl_abc",
        "Basic ZGFuYTpzZWNyZXQ=",
        "Bearer hl_not-a-real-token",
        "Bearer not-even-our-prefix",
    ],
)
def test_missing_malformed_or_wrong_token_is_401_problem(client, token, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get("/api/v1/me", **extra)
    body = assert_problem(response, 401)
    assert body["title"] == "Authentication required"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_every_refused_token_gets_the_same_answer(client, token, user, bearer):
    """docs/api.md: one answer for a missing, malformed, wrong, expired or revoked token and for
    a disabled user's, so the answer does not tell which tokens exist."""

    def answer(extra):
        response = client.get("/api/v1/me", **extra)
        assert_problem(response, 401)
        return response.json(), response["WWW-Authenticate"], response["Content-Type"]

    missing = answer({})
    refused = {
        "malformed": answer({"HTTP_AUTHORIZATION": "Token hl_abc"}),
        "wrong": answer({"HTTP_AUTHORIZATION": "Bearer hl_not-a-real-token"}),
    }
    ApiToken.objects.filter(pk=token[0].pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused["expired"] = answer(bearer)
    ApiToken.objects.filter(pk=token[0].pk).update(expires_at=timezone.now() + timedelta(days=1))
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    refused["disabled user"] = answer(bearer)
    for why, got in refused.items():
        assert got == missing, why


def test_revoked_token_is_401(client, token, bearer):
    services.revoke_token(actor=None, token=token[0])
    assert_problem(client.get("/api/v1/me", **bearer), 401)


def test_expired_token_is_401(client, token, bearer):
    ApiToken.objects.filter(pk=token[0].pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_problem(client.get("/api/v1/me", **bearer), 401)
    assert "expired" in body["detail"]


def test_token_of_a_disabled_user_is_401(client, user, bearer):
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert_problem(client.get("/api/v1/me", **bearer), 401)


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/", "/api/v2/me", "/api/"])
def test_unknown_api_paths_are_404_problem(client, bearer, path, settings):
    assert settings.DEBUG is False
    body = assert_problem(client.get(path, **bearer), 404)
    assert body["title"] == "Not found"


def test_wrong_method_is_405_problem_with_allow(client, bearer):
    response = client.delete("/api/v1/me", **bearer)
    body = assert_problem(response, 405)
    assert "DELETE" in body["detail"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def patch_me(client, bearer, body, content_type="application/json"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.patch("/api/v1/me", data=data, content_type=content_type, **bearer)


def test_patch_me_changes_the_name_stripped_and_audits_it(client, bearer, user):
    response = patch_me(client, bearer, {"full_name": "  Dana Whitfield  "})
    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "Dana Whitfield"
    user.refresh_from_db()
    assert user.full_name == "Dana Whitfield"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == Action.USER_UPDATE
    assert event.actor_id == user.pk
    assert event.object_id == str(user.pk)
    assert event.detail == {"changed": ["full_name"]}
    assert verify().ok


def test_patch_me_with_the_same_name_writes_no_audit_record(client, bearer):
    before = AuditEvent.objects.count()
    assert patch_me(client, bearer, {"full_name": "Dana"}).status_code == 200
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "    "}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"full_name": 7}, "full_name"),
        ({}, "full_name"),
        ({"full_name": "Dana", "email": "new@example.org"}, "email"),
        ([1, 2], "body"),
        ('{"full_name": "Dana"', "body"),
        ("not json at all", "body"),
        (b"\xff\xfe", "body"),
    ],
)
def test_patch_me_invalid_input_is_422_with_field_errors(client, bearer, user, body, field):
    response = patch_me(client, bearer, body)
    problem = assert_problem(response, 422)
    assert problem["title"] == "Some fields need attention"
    assert problem["errors"], problem
    assert all(set(e) == {"field", "message"} and e["message"] for e in problem["errors"])
    assert [e["field"] for e in problem["errors"]] == [field]
    user.refresh_from_db()
    assert user.full_name == "Dana"


def test_patch_me_without_a_token_is_401_even_with_a_bad_body(client, user):
    response = client.patch("/api/v1/me", data="{oops", content_type="application/json")
    assert_problem(response, 401)


def test_name_longer_than_200_after_stripping_is_refused_by_the_service(user):
    from harborline.errors import InvalidInput

    with pytest.raises(InvalidInput) as problem:
        services.update_profile(actor=user, full_name="y" * 201)
    assert problem.value.errors[0].field == "full_name"


def test_unexpected_error_is_500_problem_logged_without_traceback(
    client, bearer, monkeypatch, caplog
):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("harborline.api.urls.services.update_profile", explode)
    with caplog.at_level(logging.ERROR, logger="harborline.api"):
        response = patch_me(client, bearer, {"full_name": "Dana W"})
    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["request_id"] == response["X-Request-ID"]
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


def test_unexpected_error_during_authentication_is_500_problem(client, bearer, monkeypatch):
    def explode(raw):
        raise RuntimeError("database fell over")

    monkeypatch.setattr("harborline.api.auth.authenticate_token", explode)
    assert_problem(client.get("/api/v1/me", **bearer), 500)


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_describes_bearer_auth_and_me(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()
    me = schema["paths"]["/api/v1/me"]
    assert {"get", "patch"} <= set(me)
    assert me["get"]["security"]
    assert me["patch"]["requestBody"]["content"]["application/json"]["schema"]
    problem = schema["components"]["schemas"]["Problem"]
    assert {"title", "status", "detail"} <= set(problem["required"])
    assert me["patch"]["responses"]["422"]["content"]["application/problem+json"]


def test_docs_page_uses_only_our_own_static_files(client, db):
    """The CSP allows scripts and styles from this site only, so the docs page must not load
    Swagger UI from a CDN; WhiteNoise serves the files without collectstatic."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset

"""The answers of config/db_outage.py, in process (on any database): a database error raised by
middleware or by an endpoint is a 503 with Retry-After, problem+json under /api/ and the "try
again" page elsewhere; any other error stays a 500. The real outage, with a PostgreSQL cluster
stopped under traffic, is test_database_restart.py."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client

from harborline.config import db_outage
from harborline.config.db_outage import RETRY_AFTER_SECONDS, TITLE
from harborline.people import services
from tests.factories import give_totp_device, sign_in


@pytest.fixture
def user(db):
    org = services.create_organization(
        actor=None, slug="washoe-cw", name="Washoe County Child Welfare", type="child_welfare"
    )
    person = services.create_user(
        actor=None, email="casey@example.org", organization=org, role="caseworker"
    )
    give_totp_device(person)
    return person


def _client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_whose_session_cannot_be_read_is_the_try_again_page(user, error) -> None:
    client = sign_in(_client(), user)
    lost = error("server closed the connection unexpectedly")
    with mock.patch.object(SessionStore, "load", side_effect=lost):
        response = client.get("/cases/?page=2")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response.headers
    assert response["X-Frame-Options"] == "DENY"
    page = response.content.decode()
    assert f"<h1>{TITLE}</h1>" in page
    assert 'href="/cases/?page=2">Try again</a>' in page
    assert "Signed in as" not in page  # nothing about the user: it was not read


def test_an_api_request_during_an_outage_is_503_problem_json(user) -> None:
    _token, raw = services.create_token(actor=None, user=user, days=1, name="tests")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    with mock.patch("harborline.api.urls._me", side_effect=OperationalError("connection refused")):
        response = client.get("/api/v1/me")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.json()
    assert body["title"] == TITLE and body["status"] == 503
    assert "try again" in body["detail"].lower()


def test_an_api_request_whose_token_cannot_be_checked_is_503(user) -> None:
    _token, raw = services.create_token(actor=None, user=user, days=1, name="tests")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    with mock.patch(
        "harborline.api.auth.BearerToken.authenticate",
        side_effect=InterfaceError("connection already closed"),
    ):
        response = client.get("/api/v1/me")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"


def test_other_errors_are_still_a_500(user, rf) -> None:
    request = rf.get("/cases/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:  # Django calls handler500 while it handles the exception
        response = db_outage.server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    try:
        raise OperationalError("the database went away")
    except OperationalError:
        assert db_outage.server_error(request).status_code == 503
    _token, raw = services.create_token(actor=None, user=user, days=1, name="tests")
    api = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    with mock.patch("harborline.api.urls._me", side_effect=RuntimeError("a bug")):
        response = api.get("/api/v1/me")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers

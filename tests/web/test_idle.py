"""Idle timeout: signed out after IDLE_TIMEOUT_SECONDS without activity; the idle timer's poll
(/session/) does not count as activity; "Stay signed in" (/keepalive) does."""

from __future__ import annotations

import time

import pytest

from harborline.audit.models import Action, AuditEvent
from harborline.people.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db


def _age(client, seconds: float) -> None:
    """Pretend the last activity was `seconds` ago."""
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_signed_out_after_the_configured_idle_time(as_user, settings):
    settings.IDLE_TIMEOUT_SECONDS = 600
    client, user = as_user("caseworker")
    assert client.get("/").status_code == 200
    _age(client, 599)
    assert client.get("/").status_code == 200  # just inside the limit, and renewed
    _age(client, 601)
    response = client.get("/org/audit?x=1")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=%2Forg%2Faudit%3Fx%3D1"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=Action.IDLE_TIMEOUT, actor_id=user.pk).count() == 1
    assert not AuditEvent.objects.filter(action=Action.LOGOUT).exists()
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 10 minutes without activity" in page
    assert "signed out after" not in client.get("/login").content.decode()  # shown once


def test_htmx_request_after_timeout_gets_hx_redirect(as_user):
    client, _ = as_user("org_admin")
    _age(client, 10_000)
    response = client.post("/org/users/1/unlock", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login")


def test_session_endpoint_reports_seconds_left_without_extending(as_user, settings):
    settings.IDLE_TIMEOUT_SECONDS = 900
    client, _ = as_user("caseworker")
    client.get("/")
    _age(client, 300)
    before = client.session[LAST_SEEN]
    response = client.get("/session/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["authenticated"] is True and 590 <= data["seconds_left"] <= 600
    assert client.session[LAST_SEEN] == before
    assert "no-store" in response["Cache-Control"]


def test_session_poll_does_not_keep_a_session_alive(as_user, settings):
    settings.IDLE_TIMEOUT_SECONDS = 900
    client, _ = as_user("caseworker")
    client.get("/")
    _age(client, 899)
    assert client.get("/session/").json()["seconds_left"] <= 1
    _age(client, 901)
    response = client.get("/session/")
    assert response.status_code == 401 and response.json() == {
        "authenticated": False,
        "seconds_left": 0,
    }
    assert "_auth_user_id" not in client.session


def test_keepalive_renews_the_session(as_user, settings):
    settings.IDLE_TIMEOUT_SECONDS = 900
    client, _ = as_user("caseworker")
    client.get("/")
    _age(client, 800)
    assert client.get("/keepalive").status_code == 405
    response = client.post("/keepalive")
    assert response.status_code == 200 and response.json()["seconds_left"] >= 899
    assert client.get("/session/").json()["seconds_left"] >= 899


def test_session_endpoint_when_signed_out(client):
    response = client.get("/session/")
    assert response.status_code == 401 and response.json()["authenticated"] is False
    assert client.post("/keepalive").status_code == 401


def test_session_endpoint_is_trivial(as_user, django_assert_max_num_queries):
    client, _ = as_user("caseworker")
    client.get("/")
    # session, user, membership (for needs_mfa), OTP device; nothing written.
    with django_assert_max_num_queries(5):
        assert client.get("/session/").status_code == 200


def test_pages_carry_the_idle_timer(as_user, settings):
    client, _ = as_user("caseworker")
    html = client.get("/").content.decode()
    assert f'data-idle-timeout="{settings.IDLE_TIMEOUT_SECONDS}"' in html
    assert 'data-session-url="/session/"' in html and 'data-keepalive-url="/keepalive"' in html
    assert '<script src="/static/web/js/idle.js"></script>' in html
    assert "Stay signed in" in html


def test_activity_is_written_at_most_every_thirty_seconds(as_user, settings):
    settings.IDLE_TIMEOUT_SECONDS = 900
    client, _ = as_user("caseworker")
    client.get("/")
    _age(client, 10)
    before = client.session[LAST_SEEN]
    client.get("/")  # recent activity: the session row is not rewritten
    assert client.session[LAST_SEEN] == before
    _age(client, 31)
    client.get("/")
    assert client.session[LAST_SEEN] >= time.time() - 2  # written: the activity is now
    assert client.get("/session/").json()["seconds_left"] >= 899


def test_keepalive_renews_even_right_after_other_activity(as_user, settings):
    settings.IDLE_TIMEOUT_SECONDS = 900
    client, _ = as_user("caseworker")
    client.get("/")
    _age(client, 10)  # within the 30-second granularity of ordinary activity
    assert client.post("/keepalive").json()["seconds_left"] >= 899

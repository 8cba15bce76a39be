"""Signing in and out, failures, lockout after five failures, and their audit records."""

from __future__ import annotations

import pytest

from harborline.audit.models import Action, AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/login", {"username": email, "password": password, **extra})


def test_login_page_is_accessible_form(client):
    page = client.get("/login")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="en"' in html
    assert "<title>Sign in | Harborline</title>" in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html


def test_head_on_the_login_page_answers_like_get_without_a_body(client):
    """Issue 10, hole 6: HEAD /login answered 405; monitors and link checkers send HEAD."""
    response = client.head("/login")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == client.get("/login")["Content-Type"]
    assert not AuditEvent.objects.exists()


def test_analyst_signs_in_to_home_without_second_factor(client):
    UserFactory(role="analyst", email="ana@example.org")
    response = _login(client, "ANA@example.org ")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action=Action.LOGIN).get()
    assert event.actor_email == "ana@example.org"


def test_caseworker_goes_to_second_factor_after_password(client):
    UserFactory(role="caseworker", email="cw@example.org")
    response = _login(client, "cw@example.org", next="/org/audit")
    assert response.status_code == 302
    assert response["Location"].startswith("/mfa/?next=")
    assert "%2Forg%2Faudit" in response["Location"]


def test_next_pointing_off_site_is_ignored(client):
    UserFactory(role="analyst", email="ana@example.org")
    response = _login(client, "ana@example.org", next="https://evil.example/")
    assert response["Location"] == "/"


def test_wrong_password_is_a_400_with_a_clear_message(client):
    UserFactory(role="analyst", email="ana@example.org")
    response = _login(client, "ana@example.org", "not the password at all")
    assert response.status_code == 400
    assert "The email address or password is not right" in response.content.decode()
    assert "<title>Error: Sign in | Harborline</title>" in response.content.decode()
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.actor_id is None
    assert failed.actor_email == "ana@example.org"
    assert failed.object_type == "people.user"  # the account the attempt was aimed at
    assert "_auth_user_id" not in client.session


def test_failed_login_for_unknown_email_is_audited_without_owner(client):
    response = _login(client, "nobody@example.org", "whatever it is here")
    assert response.status_code == 400
    failed = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert failed.actor_email == "nobody@example.org" and failed.owner_org_id is None


def test_malformed_email_gets_message_next_to_the_field(client):
    response = client.post("/login", {"username": "not-an-email", "password": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_username_error"' in html and "Enter an email address like" in html
    assert 'aria-describedby="id_username_error"' in html and 'aria-invalid="true"' in html
    assert "Enter your password." in html


def test_disabled_account_cannot_sign_in(client):
    user = UserFactory(role="analyst", email="gone@example.org")
    user.is_active = False
    user.save()
    assert _login(client, "gone@example.org").status_code == 400


def test_five_failures_lock_the_account_with_a_429_page(client, settings):
    UserFactory(role="analyst", email="ana@example.org")
    for _ in range(4):
        assert _login(client, "ana@example.org", "wrong password number x").status_code == 400
    locked = _login(client, "ana@example.org", "wrong password number 5")
    html = locked.content.decode()
    assert locked.status_code == 429
    assert "locked for 15 minutes" in html
    assert "contact your organization's administrator" in html
    assert "<h1>This account is locked for now</h1>" in html
    # Even the right password is refused while locked.
    assert _login(client, "ana@example.org").status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=Action.LOCKED_OUT, actor_email="ana@example.org"
    ).exists()


def test_lockout_minutes_follow_the_setting(client, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    UserFactory(role="analyst", email="ana@example.org")
    for _ in range(5):
        response = _login(client, "ana@example.org", "wrong password again!")
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()


def test_sign_out_is_post_only_and_audited(client):
    UserFactory(role="analyst", email="ana@example.org")
    _login(client, "ana@example.org")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response["Location"] == "/login"
    assert "_auth_user_id" not in client.session
    assert (
        AuditEvent.objects.filter(action=Action.LOGOUT, actor_email="ana@example.org").count() == 1
    )
    assert "You are signed out." in client.get("/login").content.decode()


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login?next=/")


def test_header_shows_organization_role_and_sign_out(client):
    user = UserFactory(role="analyst", email="ana@example.org", full_name="Ana Lyst")
    _login(client, "ana@example.org")
    html = client.get("/").content.decode()
    assert user.membership.organization.name in html
    assert "Analyst" in html and "Ana Lyst" in html
    assert 'action="/logout"' in html

"""Organization user management: the permission table, adding users (with a password or an
emailed set-password link), role changes, disabling, unlocking and MFA reset."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from harborline.audit.models import Action, AuditEvent
from harborline.people.models import User
from harborline.people.roles import Role
from tests.factories import PASSWORD, UserFactory, sign_in

pytestmark = pytest.mark.django_db

ACTIONS = {
    "list": ("get", "/org/users", {}),
    "add_form": ("get", "/org/users/add", {}),
    "add": (
        "post",
        "/org/users/add",
        {
            "email": "new@example.org",
            "full_name": "New Person",
            "role": "caseworker",
            "password": "",
        },
    ),
    "role": ("post", "/org/users/{id}/role", {"role": "supervisor"}),
    "disable": ("post", "/org/users/{id}/active", {"is_active": "0"}),
    "unlock": ("post", "/org/users/{id}/unlock", {}),
    "reset_mfa": ("post", "/org/users/{id}/reset-mfa", {}),
}
MANAGERS = {Role.ORG_ADMIN, Role.SYSTEM_ADMIN}


def _do(client, action, target, **extra):
    method, url, data = ACTIONS[action]
    return getattr(client, method)(url.format(id=target.pk), data, **extra)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_permission_table_own_organization(client, make_user, role, action):
    actor = make_user(role, mfa=role != Role.ANALYST)
    target = make_user("caseworker")
    response = _do(sign_in(client, actor), action, target)
    if role in MANAGERS:
        assert response.status_code in (200, 302), response.content[:500]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("action", ["role", "disable", "unlock", "reset_mfa"])
def test_org_admin_gets_404_for_another_organizations_user(client, make_user, other_org, action):
    admin = make_user("org_admin")
    stranger = make_user("caseworker", of=other_org)
    response = _do(sign_in(client, admin), action, stranger)
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active and stranger.membership.role == "caseworker"
    assert TOTPDevice.objects.filter(user=stranger).exists()


def test_org_admin_cannot_open_another_organizations_list(client, make_user, other_org):
    admin = make_user("org_admin")
    sign_in(client, admin)
    assert client.get("/org/users?org=clark-pd").status_code == 404
    assert client.get("/org/users/add?org=clark-pd").status_code == 404


@pytest.mark.parametrize("action", ["role", "disable", "unlock", "reset_mfa"])
def test_system_admin_manages_any_organization(client, make_user, other_org, action):
    sysadmin = make_user("system_admin")
    stranger = make_user("caseworker", of=other_org)
    assert _do(sign_in(client, sysadmin), action, stranger).status_code in (200, 302)
    assert client.get("/org/users?org=clark-pd").status_code == 200


def test_list_shows_role_status_mfa_and_lockout(client, make_user, settings):
    admin = make_user("org_admin", email="admin@example.org")
    make_user("caseworker", mfa=False, email="cw@example.org", full_name="Casey Worker")
    AccessAttempt.objects.create(
        username="cw@example.org",
        failures_since_start=5,
        ip_address="127.0.0.1",
        user_agent="t",
        path_info="/login",
        get_data="",
        post_data="",
    )
    html = sign_in(client, admin).get("/org/users").content.decode()
    row = re.search(r'<tr id="user-\d+">(?:(?!</tr>).)*cw@example.org.*?</tr>', html, re.S).group(0)
    assert "Casey Worker" in row and "Locked out" in row and "Not set up" in row
    assert 'value="caseworker" selected' in row
    assert "Unlock" in row and "Reset second factor" not in row
    admin_row = re.search(
        r'<tr id="user-\d+">(?:(?!</tr>).)*admin@example.org.*?</tr>', html, re.S
    ).group(0)
    assert "Set up" in admin_row and "Locked out" not in admin_row


def test_org_admin_cannot_give_system_admin_role(client, make_user):
    admin = make_user("org_admin")
    target = make_user("caseworker")
    sign_in(client, admin)
    assert 'value="system_admin"' not in client.get("/org/users").content.decode()
    response = client.post(
        f"/org/users/{target.pk}/role", {"role": "system_admin"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "Only a system administrator can give this role" in response.content.decode()
    target.refresh_from_db()
    assert target.membership.role == "caseworker"
    unknown = client.post(f"/org/users/{target.pk}/role", {"role": "boss"}, HTTP_HX_REQUEST="true")
    assert unknown.status_code == 422
    assert "Choose one of the listed roles" in unknown.content.decode()


def test_org_admin_cannot_change_a_system_admin(client, make_user):
    admin = make_user("org_admin")
    boss = make_user("system_admin")
    response = sign_in(client, admin).post(
        f"/org/users/{boss.pk}/active", {"is_active": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert "Only a system administrator" in response.content.decode()
    boss.refresh_from_db()
    assert boss.is_active


def test_role_change_returns_the_updated_row_for_htmx(client, make_user):
    admin = make_user("org_admin")
    target = make_user("caseworker")
    response = sign_in(client, admin).post(
        f"/org/users/{target.pk}/role", {"role": "supervisor"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="user-{target.pk}">')
    assert 'value="supervisor" selected' in html and "Role saved." in html
    assert "<html" not in html
    target.refresh_from_db()
    assert target.membership.role == "supervisor"
    event = AuditEvent.objects.filter(action=Action.USER_UPDATE, object_id=str(target.pk)).get()
    assert event.actor_id == admin.pk and event.detail["role"] == "supervisor"


def test_role_change_without_htmx_redirects_with_message(client, make_user):
    admin = make_user("org_admin")
    target = make_user("caseworker")
    response = sign_in(client, admin).post(
        f"/org/users/{target.pk}/role", {"role": "supervisor"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/org/users"
    assert "Role saved." in response.content.decode()


def test_admin_cannot_change_own_role_or_disable_self(client, make_user):
    admin = make_user("org_admin")
    sign_in(client, admin)
    r1 = client.post(f"/org/users/{admin.pk}/role", {"role": "caseworker"}, HTTP_HX_REQUEST="true")
    r2 = client.post(f"/org/users/{admin.pk}/active", {"is_active": "0"}, HTTP_HX_REQUEST="true")
    assert r1.status_code == 422 and "cannot change your own role" in r1.content.decode()
    assert r2.status_code == 422 and "You cannot disable your own account" in r2.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.membership.role == "org_admin"


def test_disable_and_enable(client, make_user):
    admin = make_user("org_admin")
    target = make_user("caseworker")
    sign_in(client, admin)
    response = client.post(
        f"/org/users/{target.pk}/active", {"is_active": "0"}, HTTP_HX_REQUEST="true"
    )
    assert "Disabled" in response.content.decode() and "Enable" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_active
    client.post(f"/org/users/{target.pk}/active", {"is_active": "1"}, HTTP_HX_REQUEST="true")
    target.refresh_from_db()
    assert target.is_active
    bad = client.post(
        f"/org/users/{target.pk}/active", {"is_active": "maybe"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 422


def test_disabled_user_session_ends(client, make_user):
    from django.test import Client

    admin = make_user("org_admin")
    target = make_user("caseworker")
    theirs = sign_in(Client(), target)
    assert theirs.get("/").status_code == 200
    sign_in(client, admin).post(f"/org/users/{target.pk}/active", {"is_active": "0"})
    assert theirs.get("/").status_code == 302


def test_unlock_lets_a_locked_out_person_sign_in(client, make_user):
    from django.test import Client

    admin = make_user("org_admin")
    target = make_user("analyst", mfa=False, email="locked@example.org")
    visitor = Client()
    for _ in range(5):
        visitor.post("/login", {"username": "locked@example.org", "password": "wrong wrong wrong"})
    assert (
        visitor.post("/login", {"username": "locked@example.org", "password": PASSWORD}).status_code
        == 429
    )
    response = sign_in(client, admin).post(f"/org/users/{target.pk}/unlock", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Unlocked" in response.content.decode()
    assert "Locked out" not in response.content.decode()
    assert (
        visitor.post("/login", {"username": "locked@example.org", "password": PASSWORD}).status_code
        == 302
    )
    assert AuditEvent.objects.filter(
        action=Action.USER_UNLOCK, object_id=str(target.pk), actor_id=admin.pk
    ).exists()


def test_reset_mfa_removes_devices_and_forces_enrolment(client, make_user):
    from django.test import Client

    from harborline.people import services

    admin = make_user("org_admin")
    target = make_user("caseworker")
    services.regenerate_recovery_codes(user=target)
    theirs = sign_in(Client(), target)
    response = sign_in(client, admin).post(
        f"/org/users/{target.pk}/reset-mfa", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Not set up" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not target.staticdevice_set.exists()
    # Their current session loses its second factor; they must enrol again.
    assert theirs.get("/").status_code == 302
    assert theirs.get("/mfa/").headers["Location"].startswith("/mfa/enrol")
    event = AuditEvent.objects.get(
        action=Action.USER_UPDATE, object_id=str(target.pk), actor_id=admin.pk
    )
    assert event.detail == {"changed": ["mfa_reset"]}


def test_admin_cannot_reset_own_mfa(client, make_user):
    admin = make_user("org_admin")
    response = sign_in(client, admin).post(
        f"/org/users/{admin.pk}/reset-mfa", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_add_user_with_initial_password(client, make_user, org):
    admin = make_user("org_admin")
    response = sign_in(client, admin).post(
        "/org/users/add",
        {
            "email": "Fresh@Example.org",
            "full_name": "Fresh Person",
            "role": "supervisor",
            "password": "a sufficiently long passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="fresh@example.org")
    assert user.membership.organization == org and user.membership.role == "supervisor"
    assert user.check_password("a sufficiently long passphrase")
    assert mail.outbox == []


def test_add_user_without_password_emails_a_set_password_link(client, make_user):
    admin = make_user("org_admin")
    sign_in(client, admin).post(
        "/org/users/add",
        {
            "email": "invitee@example.org",
            "full_name": "In Vitee",
            "role": "caseworker",
            "password": "",
        },
    )
    user = User.objects.get(email="invitee@example.org")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["invitee@example.org"]
    link = re.search(r"http://testserver(/password/set/\S+)", mail.outbox[0].body).group(1)

    from django.test import Client

    visitor = Client()
    assert visitor.get(link).status_code == 200
    short = visitor.post(link, {"password1": "short", "password2": "short"})
    assert short.status_code == 400 and "Use at least 15 characters" in short.content.decode()
    differ = visitor.post(
        link, {"password1": "a sufficiently long one", "password2": "another long one!!"}
    )
    assert differ.status_code == 400 and "The two passwords differ" in differ.content.decode()
    done = visitor.post(
        link, {"password1": "a sufficiently long one", "password2": "a sufficiently long one"}
    )
    assert done.status_code == 302 and done["Location"] == "/login"
    user.refresh_from_db()
    assert user.check_password("a sufficiently long one")
    # The link works once.
    again = visitor.get(link)
    assert again.status_code == 400 and "This link no longer works" in again.content.decode()


def test_set_password_link_with_bad_token_is_400(client, make_user):
    target = make_user("caseworker")
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(target.pk))
    assert client.get(f"/password/set/{uid}/nonsense-token").status_code == 400
    assert client.get("/password/set/!!!/nonsense").status_code == 400


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"email": "", "full_name": "X", "role": "caseworker"},
            "email",
            "Enter the person&#x27;s work email",
        ),
        (
            {"email": "bad", "full_name": "X", "role": "caseworker"},
            "email",
            "Enter an email address like",
        ),
        (
            {"email": "a@example.org", "full_name": "  ", "role": "caseworker"},
            "full_name",
            "Enter the person&#x27;s name",
        ),
        (
            {"email": "a@example.org", "full_name": "X", "role": "emperor"},
            "role",
            "Choose one of the listed roles",
        ),
        (
            {"email": "a@example.org", "full_name": "X", "role": "caseworker", "password": "short"},
            "password",
            "Use at least 15",
        ),
    ],
)
def test_add_user_bad_input_gets_message_by_the_field(client, make_user, data, field, message):
    admin = make_user("org_admin")
    response = sign_in(client, admin).post("/org/users/add", data)
    html = response.content.decode()
    assert 400 <= response.status_code < 500
    assert f'id="id_{field}_error"' in html
    error = re.search(rf'id="id_{field}_error">([^<]*)<', html).group(1)
    assert message in error
    assert not User.objects.filter(email="a@example.org").exists()


def test_add_user_duplicate_email_is_409_beside_the_field(client, make_user):
    admin = make_user("org_admin")
    make_user("caseworker", email="taken@example.org")
    response = sign_in(client, admin).post(
        "/org/users/add",
        {"email": "taken@example.org", "full_name": "Someone", "role": "caseworker"},
    )
    assert response.status_code == 409
    assert re.search(r'id="id_email_error">already registered<', response.content.decode())


def test_system_admin_adds_user_to_chosen_organization(client, make_user, other_org):
    sysadmin = make_user("system_admin")
    sign_in(client, sysadmin)
    form = client.get("/org/users/add?org=clark-pd").content.decode()
    assert 'name="org" value="clark-pd"' in form
    client.post(
        "/org/users/add",
        {
            "org": "clark-pd",
            "email": "cop@example.org",
            "full_name": "C",
            "role": "system_admin",
            "password": "",
        },
    )
    assert User.objects.get(email="cop@example.org").membership.organization == other_org


def test_list_is_paged_fifty_at_a_time_with_a_constant_number_of_queries(
    client, make_user, org, django_assert_max_num_queries
):
    admin = make_user("org_admin", email="admin@example.org")
    for i in range(60):
        UserFactory(role="caseworker", org=org, email=f"worker{i:02d}@example.org")
    sign_in(client, admin)
    with django_assert_max_num_queries(15):
        first = client.get("/org/users").content.decode()
    assert "Showing 1–50 of 61 users" in first
    assert "worker00@example.org" in first and "worker59@example.org" not in first
    second = client.get("/org/users", {"page": 2}).content.decode()
    assert "Showing 51–61 of 61 users" in second
    assert "worker59@example.org" in second and "worker00@example.org" not in second
    assert "Page 2 of 2" in second


def test_list_finds_people_by_name_or_email(client, make_user, org):
    admin = make_user("org_admin", email="admin@example.org")
    UserFactory(role="caseworker", org=org, email="rosa@example.org", full_name="Rosa Park")
    UserFactory(role="caseworker", org=org, email="tom@example.org", full_name="Tom Reyes")
    sign_in(client, admin)
    html = client.get("/org/users", {"q": "reyes"}).content.decode()
    assert "tom@example.org" in html and "rosa@example.org" not in html
    html = client.get("/org/users", {"q": "nobody-here"}).content.decode()
    assert "No one matches" in html

"""The second factor: who must pass it, enrolment with a real TOTP code, verification,
recovery codes, throttling and the demo-mode code."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from harborline.audit.models import Action, AuditEvent
from harborline.people.roles import ROLE_RULES, Role
from tests.factories import PASSWORD, UserFactory, give_totp_device, totp_code

pytestmark = pytest.mark.django_db


def _password_step(client, user):
    response = client.post("/login", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_second_factor_required_exactly_for_roles_that_see_youth_data(client, role):
    user = UserFactory(role=role)
    _password_step(client, user)
    response = client.get("/org/audit")
    if ROLE_RULES[role].sees_youth_data:
        assert response.status_code == 302
        assert response["Location"] == "/mfa/?next=%2Forg%2Faudit"
    else:
        assert role == Role.ANALYST
        assert response.status_code in (200, 404)  # reached the page itself (404: not its page)
        assert client.get("/").status_code == 200


def test_htmx_request_without_second_factor_gets_hx_redirect(client):
    user = UserFactory(role="org_admin")
    _password_step(client, user)
    response = client.post("/org/users/1/unlock", HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/mfa/")


def test_mfa_entry_sends_to_enrolment_then_to_verification(client):
    user = UserFactory(role="caseworker")
    _password_step(client, user)
    assert client.get("/mfa/?next=/").headers["Location"] == "/mfa/enrol?next=%2F"
    give_totp_device(user)
    assert client.get("/mfa/?next=/").headers["Location"] == "/mfa/verify?next=%2F"


def test_enrolment_shows_qr_svg_and_key_then_confirms_with_real_code(client):
    user = UserFactory(role="caseworker")
    _password_step(client, user)
    page = client.get("/mfa/enrol")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code' in html and "<path" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r'id="setup-key"[^>]*>([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    import base64

    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    # Reloading keeps the same pending device, so a scanned code stays valid.
    client.get("/mfa/enrol")
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post("/mfa/enrol?next=/org/audit", {"code": totp_code(device), "next": "/"})
    assert response.status_code == 302 and response["Location"].startswith("/mfa/recovery-codes")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"])
    codes = re.findall(
        r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", codes_page.content.decode()
    )
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "no-store" in codes_page["Cache-Control"]
    # Shown once only.
    assert "<li><code>" not in client.get("/mfa/recovery-codes").content.decode()
    assert client.get("/").status_code == 200  # verified in this session
    assert AuditEvent.objects.filter(action=Action.MFA_ENROL, actor_id=user.pk).count() == 1


def test_enrolment_wrong_code_is_400_with_message(client):
    user = UserFactory(role="caseworker")
    _password_step(client, user)
    client.get("/mfa/enrol")
    response = client.post("/mfa/enrol", {"code": "12345"})
    assert response.status_code == 400
    assert "Enter the six digits" in response.content.decode()
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/mfa/enrol", {"code": wrong})
    assert response.status_code == 400
    assert "That code did not match" in response.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_enrolment_refused_once_a_device_is_confirmed(client):
    """A password alone must never be enough to add a new authenticator."""
    user = UserFactory(role="caseworker")
    give_totp_device(user)
    _password_step(client, user)
    response = client.get("/mfa/enrol")
    assert response.status_code == 302 and response["Location"].startswith("/mfa/verify")
    assert client.post("/mfa/enrol", {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_verify_with_totp_signs_in_fully_and_audits(client):
    user = UserFactory(role="supervisor")
    device = give_totp_device(user)
    _password_step(client, user)
    response = client.post("/mfa/verify", {"code": totp_code(device), "next": "/org/audit"})
    assert response.status_code == 302 and response["Location"] == "/org/audit"
    assert client.get("/org/audit").status_code == 200
    assert AuditEvent.objects.filter(action=Action.MFA_VERIFY, actor_id=user.pk).count() == 1


def test_verify_wrong_code_is_audited_and_throttled(client):
    user = UserFactory(role="caseworker")
    device = give_totp_device(user)
    _password_step(client, user)
    wrong = f"{(int(totp_code(device)) + 7) % 1_000_000:06d}"
    response = client.post("/mfa/verify", {"code": wrong})
    assert response.status_code == 400
    assert "That code did not work" in response.content.decode()
    assert AuditEvent.objects.filter(action=Action.MFA_FAILED, actor_id=user.pk).count() == 1
    # django-otp's throttling: straight after a failure even the right code must wait.
    response = client.post("/mfa/verify", {"code": totp_code(device)})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302


def test_recovery_code_works_exactly_once(client):
    from harborline.people import services

    user = UserFactory(role="mentor_advocate")
    give_totp_device(user)
    codes = services.regenerate_recovery_codes(user=user)
    _password_step(client, user)
    response = client.post("/mfa/verify", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=Action.MFA_RECOVERY, actor_id=user.pk).count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post("/logout")
    _password_step(client, user)
    again = client.post("/mfa/verify", {"code": codes[0]})
    assert again.status_code == 400
    assert "Recovery codes work once each" in again.content.decode()


def test_regenerating_recovery_codes_cancels_old_ones(client):
    from harborline.people import services

    user = UserFactory(role="caseworker")
    device = give_totp_device(user)
    old = services.regenerate_recovery_codes(user=user)
    _password_step(client, user)
    client.post("/mfa/verify", {"code": totp_code(device)})
    page = client.post("/mfa/recovery-codes")
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == {c.replace("-", "") for c in new}


def test_recovery_codes_page_needs_a_verified_session(client):
    user = UserFactory(role="caseworker")
    give_totp_device(user)
    _password_step(client, user)
    response = client.post("/mfa/recovery-codes")
    assert response.status_code == 302 and response["Location"].startswith("/mfa/")
    assert not StaticToken.objects.exists()


def test_demo_code_shown_only_in_demo_mode(client, settings):
    user = UserFactory(role="caseworker")
    device = give_totp_device(user)
    _password_step(client, user)
    settings.DEMO_MODE = False
    html = client.get("/mfa/verify").content.decode()
    assert "Demo mode" not in html and totp_code(device) not in html
    assert 'id="demo-code"' not in html
    settings.DEMO_MODE = True
    html = client.get("/mfa/verify").content.decode()
    assert 'id="demo-code"' in html and "Demo mode" in html
    assert totp_code(device) in html


def test_analyst_may_enrol_voluntarily(client):
    user = UserFactory(role="analyst")
    _password_step(client, user)
    assert client.get("/mfa/enrol").status_code == 200

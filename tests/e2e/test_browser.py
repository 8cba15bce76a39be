"""The paths a person takes, in Debian's Chromium: sign in, enrol an authenticator, sign in
with a TOTP code, manage users with htmx, the idle warning. `axe_page` tests run axe-core
(no serious or critical WCAG 2.0/2.1 A/AA violation allowed) and take the user guide's
screenshots; `page` tests run under the real Content-Security-Policy and fail on any console
error, which is where a CSP violation shows."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, OrganizationFactory, UserFactory, give_totp_device, totp_code

from .conftest import DESKTOP, PHONE, run_axe, screenshot

pytestmark = pytest.mark.e2e

CODE_LABEL = "Code from your authenticator app, or a recovery code"


def _sign_in_with_password(page, email):
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_in_with_totp(page, email, device, steps_ahead=0):
    _sign_in_with_password(page, email)
    page.wait_for_url(re.compile(r"/mfa/verify"))
    page.get_by_label(CODE_LABEL).fill(totp_code(device, steps_ahead=steps_ahead))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))


def test_login_page_accessible_at_phone_and_desktop_width(axe_page):
    page = axe_page
    page.goto("/login")
    assert page.title() == "Sign in | Harborline"
    assert run_axe(page) == []
    screenshot(page, "login.png")
    page.set_viewport_size(DESKTOP)
    page.reload()
    assert run_axe(page) == []
    screenshot(page, "login-desktop.png")


def test_wrong_password_message_is_accessible(axe_page):
    UserFactory(role="analyst", email="ana@example.org")
    page = axe_page
    page.goto("/login")
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password").fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    assert "The email address or password is not right" in page.get_by_role("alert").inner_text()
    assert run_axe(page) == []


def test_enrolment_verify_and_home_are_accessible(axe_page):
    page = axe_page
    org = OrganizationFactory(name="Reno Youth Services")
    user = UserFactory(
        role="caseworker", org=org, email="casey@example.org", full_name="Casey Lane"
    )
    _sign_in_with_password(page, "casey@example.org")
    page.wait_for_url(re.compile(r"/mfa/enrol"))
    assert page.locator(".hl-qr svg[role=img]").is_visible()
    assert run_axe(page) == []
    screenshot(page, "mfa-enrol.png")

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Six-digit code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/mfa/recovery-codes"))
    assert run_axe(page) == []
    screenshot(page, "recovery-codes.png")
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("button", name="Sign out").click()

    device.refresh_from_db()
    _sign_in_with_password(page, "casey@example.org")
    page.wait_for_url(re.compile(r"/mfa/verify"))
    assert run_axe(page) == []
    screenshot(page, "mfa-verify.png")
    page.get_by_label(CODE_LABEL).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/$"))
    assert run_axe(page) == []
    screenshot(page, "home.png")


def test_enrol_then_sign_in_with_totp_under_the_real_csp(page):
    org = OrganizationFactory(name="Reno Youth Services")
    user = UserFactory(
        role="caseworker", org=org, email="casey@example.org", full_name="Casey Lane"
    )
    _sign_in_with_password(page, "casey@example.org")
    page.wait_for_url(re.compile(r"/mfa/enrol"))
    assert page.title() == "Set up your authenticator app | Harborline"
    # The vendored USWDS stylesheet and fonts load from this server (no CDN) despite the CSP.
    assert "Source Sans Pro Web" in page.evaluate("getComputedStyle(document.body).fontFamily")

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Six-digit code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/mfa/recovery-codes"))
    assert page.locator(".hl-codes li").count() == 10
    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_url(re.compile(r"/$"))
    assert "Welcome, Casey Lane" in page.locator("h1").inner_text()

    # Sign out and back in: now the second step asks for a code from the app.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert "You are signed out." in page.get_by_role("status").inner_text()
    device.refresh_from_db()
    # The enrolment used this 30-second step's code: totp_code gives the next (or waits).
    _sign_in_with_totp(page, "casey@example.org", device)
    assert page.locator("#demo-code").count() == 0
    assert "Reno Youth Services" in page.locator(".hl-identity").inner_text()
    assert page.console_errors == []


def test_org_admin_manages_users_with_htmx(axe_page, page):
    org = OrganizationFactory(name="Washoe Child Welfare")
    admin = UserFactory(role="org_admin", org=org, email="admin@example.org", full_name="Ada Admin")
    device = give_totp_device(admin)
    target = UserFactory(
        role="caseworker", org=org, email="casey@example.org", full_name="Casey Lane"
    )
    give_totp_device(target)
    UserFactory(role="supervisor", org=org, email="sam@example.org", full_name="Sam Supervisor")

    # Accessibility and screenshots.
    _sign_in_with_totp(axe_page, "admin@example.org", device)
    assert run_axe(axe_page) == []
    axe_page.goto("/org/users")
    assert axe_page.title() == "Users of Washoe Child Welfare | Harborline"
    assert run_axe(axe_page) == []
    # On a phone each person is a card: nothing scrolls sideways (issue 13, item 6).
    assert axe_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(axe_page, "org-users-phone.png")
    axe_page.set_viewport_size(DESKTOP)
    axe_page.reload()
    assert run_axe(axe_page) == []
    screenshot(axe_page, "org-users.png")
    axe_page.goto("/org/users/add")
    assert run_axe(axe_page) == []
    axe_page.goto("/org/audit")
    assert run_axe(axe_page) == []
    screenshot(axe_page, "audit-log.png")

    # htmx under the real CSP: the row is replaced in place.
    _sign_in_with_totp(page, "admin@example.org", device)
    page.goto("/org/users")
    row = page.locator(f"#user-{target.pk}")
    row.get_by_label("Role for casey@example.org").select_option("supervisor")
    row.get_by_role("button", name="Save role for casey@example.org").click()
    page.locator(f"#user-{target.pk} .hl-row-message").wait_for()
    assert "Role saved." in page.locator(f"#user-{target.pk}").inner_text()
    target.refresh_from_db()
    assert target.membership.role == "supervisor"

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#user-{target.pk}").get_by_role(
        "button", name="Reset second factor of casey@example.org"
    ).click()
    page.locator(f"#user-{target.pk}").get_by_text("Not set up").wait_for()
    assert not TOTPDevice.objects.filter(user=target).exists()

    own = page.locator(f"#user-{admin.pk}")
    own.get_by_role("button", name="Disable admin@example.org").click()
    page.locator(f"#user-{admin.pk} .usa-error-message").wait_for()
    assert "You cannot disable your own account" in page.locator(f"#user-{admin.pk}").inner_text()
    # The refusal is a 422 on purpose (htmx swaps it in); nothing else may show up.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_idle_warning_and_stay_signed_in(page, e2e_settings):
    e2e_settings.IDLE_TIMEOUT_SECONDS = 122  # the warning shows at two minutes left
    UserFactory(role="analyst", email="ana@example.org")
    _sign_in_with_password(page, "ana@example.org")
    page.wait_for_url(re.compile(r"/$"))
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=15_000)
    assert "Stay signed in" in dialog.inner_text()
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden", timeout=5_000)
    assert page.console_errors == []


def test_signed_out_in_the_browser_when_time_is_up(page, e2e_settings):
    e2e_settings.IDLE_TIMEOUT_SECONDS = 3
    UserFactory(role="analyst", email="ana@example.org")
    _sign_in_with_password(page, "ana@example.org")
    page.wait_for_url(re.compile(r"/$"))
    page.wait_for_url(re.compile(r"/login\?next="), timeout=20_000)
    assert "without activity" in page.locator("main").inner_text()

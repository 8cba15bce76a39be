"""The pages issue 15 added for administrators, in Chromium with axe-core: the organizations list,
registering an agency (with its refusal) and the agency policy (saving a shorter clock). No
serious or critical WCAG 2.0/2.1 A/AA violation on any of them, at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harborline.protocols.geography import load_geography
from harborline.response.models import AgencyPolicy
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import run_axe
from .test_cases import _sign_in

# About a Nevada county and Nevada's agency-policy bounds:
# Nevada's pack whatever the home pack (make test-packs).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]


def test_organizations_and_agency_policy_pages_are_accessible(axe_page):
    page = axe_page
    load_geography("nevada")
    org = OrganizationFactory(slug="washoe-hs", name="Washoe Human Services", type="child_welfare")
    admin = UserFactory(role="system_admin", org=org, email="admin@example.org")
    give_totp_device(admin)
    _sign_in(page, "admin@example.org")

    page.goto("/organizations/new")
    page.get_by_role("button", name="Register the agency").click()  # nothing filled in
    expect(page.locator("[data-error-summary]")).to_have_count(1)  # waits for the answer
    assert run_axe(page) == []
    page.get_by_label("Name", exact=True).fill("Reno Police Department")
    page.get_by_label("Short name").fill("reno-pd")
    page.get_by_label("What the agency does").select_option(label="Law enforcement")
    page.get_by_label("County").select_option("nevada/washoe")
    page.get_by_role("button", name="Register the agency").click()
    page.wait_for_url(re.compile(r"/organizations/#org-reno-pd$"))
    assert "Northern" in page.locator("#org-reno-pd").inner_text()
    assert run_axe(page) == []

    page.goto("/org/policy")
    assert run_axe(page) == []
    page.locator("#id_choice_rescreen_on_return").select_option("business_days")
    page.locator("#id_amount_rescreen_on_return").fill("1")
    page.locator("label[for='id_screeners_0']").click()
    page.get_by_role("button", name="Save the policy").click()
    page.wait_for_url(re.compile(r"/org/policy$"))
    assert "policy is saved" in page.locator("main").inner_text()
    policy = AgencyPolicy.objects.get(organization=org)
    assert policy.clocks == {"rescreen_on_return": {"business_days": 1}}
    assert policy.screeners == ["caseworker"]
    assert run_axe(page) == []

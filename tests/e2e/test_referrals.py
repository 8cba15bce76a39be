"""A referral's whole life in Debian's Chromium (issue 14's done-when): from a service-plan task,
a caseworker finds a service for the need (ranked, with reasons) and refers the youth; the
shelter's caseworker sees it in the inbox, accepts, starts and completes it; the referrer sees
the outcome and the task is done; the shelter's access to the case ends with the referral.
axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation on any page, at 375 px with
no horizontal scrolling."""

from __future__ import annotations

import re

import pytest

from harborline.cases import services as case_services
from harborline.directory import extensions as ext
from harborline.directory import services as directory
from harborline.directory.models import Provider, Referral
from harborline.people.models import User
from harborline.response import plans
from harborline.response.models import PlanTask
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import DESKTOP, run_axe, screenshot
from .test_cases import _sign_in

pytestmark = pytest.mark.e2e
CRISIS = ext.term_id("nevada.holistic_service_network", "crisis_response")


def _check(page) -> None:
    assert run_axe(page) == [], page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (page.url, width)


def _world():
    owner = OrganizationFactory(
        slug="washoe-hs", name="Washoe County Human Services", type="child_welfare"
    )
    shelter = OrganizationFactory(
        slug="harbor-shelter", name="Harbor Youth Shelter", type="service_provider"
    )
    for email, org in (("casey@example.org", owner), ("sam@example.org", shelter)):
        give_totp_device(UserFactory(role="caseworker", org=org, email=email))
    directory.ensure_taxonomies()
    directory.save_rows(
        [
            ("organization", {"id": "o1", "name": "Harbor Youth Shelter", "description": "x"}),
            (
                "service",
                {
                    "id": "s1",
                    "organization_id": "o1",
                    "name": "Emergency youth bed",
                    "status": "active",
                    "minimum_age": 12,
                    "maximum_age": 17,
                },
            ),
            (
                "attribute",
                {"id": "a1", "link_id": "s1", "link_entity": "service", "taxonomy_term_id": CRISIS},
            ),
        ]
    )
    Provider.objects.filter(hsds_id="o1").update(organization=shelter)
    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey,
        youth={"first_name": "Mara", "last_name": "Quill", "dob": "2011-05-01"},
        pack="nevada",
    )
    plans.create_service_plan(
        actor=casey,
        case_id=case.pk,
        outcomes=[
            {
                "title": "Safe place to sleep",
                "priority": 1,
                "tasks": [
                    {
                        "text": "Find an emergency bed",
                        "target_on": "2027-01-15",
                        "responsible": "Casey",
                    }
                ],
            }
        ],
    )
    return case


def test_a_referral_from_a_plan_task_to_its_outcome(axe_page):
    page = axe_page
    case = _world()
    _sign_in(page, "casey@example.org")
    page.goto(f"/cases/{case.pk}/referrals/")
    _check(page)
    page.get_by_label("Need", exact=True).select_option("crisis_response")
    page.get_by_role("button", name="Find services").click()
    page.wait_for_url(re.compile(r"need=crisis_response"))
    assert "serves ages 12–17" in page.content()
    _check(page)
    page.set_viewport_size(DESKTOP)
    screenshot(page, "referral-matches.png")
    page.get_by_role("link", name="Refer to Emergency youth bed").click()
    page.wait_for_url(re.compile(r"/referrals/to/\d+"))
    _check(page)
    page.locator('label[for="id_compartments_0"]').click()  # identity; USWDS hides the box
    page.locator('label[for="id_basis_type_1"]').click()  # court order
    page.get_by_label("Reference (order, report or MOU)").fill("JV-2026-118")
    page.get_by_label("Service-plan task it serves").select_option(str(PlanTask.objects.get().pk))
    page.get_by_label("Who walks the youth over (warm handoff)").fill("Casey")
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    assert "Requested" in page.content()
    _check(page)
    referral = Referral.objects.get()

    page.context.clear_cookies()
    _sign_in(page, "sam@example.org")
    page.goto("/referrals/")
    _check(page)
    page.get_by_role("link", name="Emergency youth bed").first.click()
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    _check(page)
    for label in ("Accept", "Start the service"):
        page.get_by_role("button", name=label).click()
        page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    page.get_by_label("Outcome").fill("Placed in an emergency bed; settled in")
    page.get_by_role("button", name="Mark completed").click()
    page.wait_for_url(re.compile(rf"/referrals/{referral.pk}/$"))
    screenshot(page, "referral-completed.png")
    assert page.goto(f"/cases/{case.pk}/").status == 404  # access ended with the referral

    page.context.clear_cookies()
    _sign_in(page, "casey@example.org")
    page.goto(f"/referrals/{referral.pk}/")
    text = page.content()
    assert "Completed" in text and "settled in" in text
    assert PlanTask.objects.get().done_at is not None
    _check(page)

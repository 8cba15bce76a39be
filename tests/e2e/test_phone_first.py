"""Phone-first (issue 13, item 6), in Debian's Chromium at 375 px wide: the case list of 20 cases
and a screened case page fit a height budget and never scroll sideways, with no serious or
critical axe violation. Before this change the list was 9,308 px and the case page 5,461 px on
this data; after, 5,520 and 4,641 (lists as compact cards, sections with no notes folded into a
line). The task-force menu's disclosure and attendance's row of choices with "Mark everyone
present" are driven at phone width by tests/e2e/test_taskforce.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harborline.cases import services as case_services
from harborline.response import services as response
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import run_axe, screenshot
from .test_cases import _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]  # Nevada's case

NARROW = {"width": 375, "height": 812}
# Budgets at 375 px (issue 13: the case list was 9,955 px for 20 cases on the demo), a little
# above what the pages measure after the change, so a longer name does not fail them.
CASE_LIST_BUDGET = 6_000
CASE_PAGE_BUDGET = 5_200
NAMES = [
    ("Ana", "Reyes"), ("Bea", "Lund"), ("Cal", "Moss"), ("Dee", "Park"), ("Eli", "Cruz"),
    ("Fay", "Ng"), ("Gus", "Hale"), ("Hal", "Ortiz"), ("Ivy", "Stone"), ("Jo", "Vance"),
    ("Kai", "West"), ("Lea", "Young"), ("Max", "Zane"), ("Nia", "Abbott"), ("Oz", "Baker"),
    ("Pia", "Chen"), ("Quin", "Diaz"), ("Rae", "Ellis"), ("Sol", "Ford"), ("Tia", "Grant"),
]  # fmt: skip


def _world():
    org = OrganizationFactory(slug="washoe-hs", name="Washoe County Human Services",
                              type="child_welfare")  # fmt: skip
    casey = UserFactory(role="caseworker", org=org, email="casey@example.org", full_name="Casey")
    give_totp_device(casey)
    ids = []
    for first, last in NAMES:
        case = case_services.open_case(
            actor=casey, youth={"first_name": first, "last_name": last, "dob": "2010-05-01"}
        )
        response.record_screening(
            actor=casey,
            case_id=case.pk,
            instrument="nrit",
            answers={"cv_law_enforcement": True},
            identified_by="law_enforcement",
            identified_at=datetime.now(UTC) - timedelta(hours=1),
        )
        ids.append(case.pk)
    return casey, ids


def _fits(page) -> int:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"], (page.url, width)
    assert run_axe(page) == [], page.url
    return page.evaluate("document.documentElement.scrollHeight")


def test_case_list_and_case_page_fit_a_phone(axe_page):
    page = axe_page
    page.set_viewport_size(NARROW)
    casey, ids = _world()
    _sign_in(page, "casey@example.org")
    page.goto("/cases/")
    height = _fits(page)
    print(f"case list at 375 px: {height} px")
    assert height <= CASE_LIST_BUDGET
    screenshot(page, "phone-case-list.png")
    page.goto(f"/cases/{ids[0]}/")
    height = _fits(page)
    print(f"case page at 375 px: {height} px")
    assert height <= CASE_PAGE_BUDGET
    screenshot(page, "phone-case-page.png")

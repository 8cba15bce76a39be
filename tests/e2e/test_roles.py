"""Every role walks its menu (issue 13, "done when"): each of the seven roles signs in with its
second factor and opens every page its menu offers — the main menu and the task-force submenu,
read from the page, not from a list here — at 1280 px and at 375 px. Every page answers (a menu
shows only what the role can open: no "Not found"), has no serious or critical axe violation and
never scrolls sideways on a phone. The home page of each role is screenshotted at both widths."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from harborline.cases import services as case_services
from harborline.people.roles import Role
from harborline.response import services as response
from harborline.sharing import services as sharing
from harborline.taskforce import services as taskforce
from tests.factories import (
    PASSWORD,
    OrganizationFactory,
    UserFactory,
    give_totp_device,
    totp_code,
)

from .conftest import DESKTOP, run_axe, screenshot
from .test_cases import CODE_LABEL

# Each role's menu walk screens a youth with the NRIT:
# Nevada's pack whatever the home pack (make test-packs).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]

NARROW = {"width": 375, "height": 812}
# Where each role works (a coordinator sits in a task-force organization).
ORG_OF = {
    Role.CASEWORKER: "cw",
    Role.SUPERVISOR: "cw",
    Role.MENTOR_ADVOCATE: "adv",
    Role.ORG_ADMIN: "cw",
    Role.COORDINATOR: "tf",
    Role.ANALYST: "tf",
    Role.SYSTEM_ADMIN: "cw",
}


def _world() -> None:
    orgs = {
        "cw": OrganizationFactory(
            slug="washoe-hs", name="Washoe Human Services", type="child_welfare"
        ),  # fmt: skip
        "pd": OrganizationFactory(slug="reno-pd", name="Reno Police", type="law_enforcement"),
        "adv": OrganizationFactory(
            slug="safe-harbor", name="Safe Harbor Advocates", type="community_advocacy"
        ),  # fmt: skip
        "tf": OrganizationFactory(
            slug="nn-tf", name="Northern Nevada Task Force", type="task_force"
        ),  # fmt: skip
    }
    users = {}
    for role, key in ORG_OF.items():
        users[role] = UserFactory(
            role=role, org=orgs[key], email=f"{role}@example.org", full_name=f"{role} person"
        )
        give_totp_device(users[role])
    worker = users[Role.CASEWORKER]
    case = case_services.open_case(
        actor=worker, youth={"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}
    )
    response.record_screening(
        actor=worker,
        case_id=case.pk,
        instrument="nrit",
        answers={"cv_law_enforcement": True},
        identified_by="law_enforcement",
        identified_at=datetime.now(UTC) - timedelta(hours=1),
    )
    sharing.create_share(
        actor=worker,
        case_id=case.pk,
        organization="safe-harbor",
        compartments=["screening", "safety"],
        purpose="mentoring",
        basis_type="court_order",
        basis_reference="JV-1",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    taskforce.create_taskforce(
        actor=users[Role.COORDINATOR],
        name="Northern Nevada",
        region="Washoe",
        pack="nevada",
        kind="regional",
    )


def _sign_in(page, email: str) -> None:
    """Password, then the second factor where the role is asked for one (an analyst, who sees no
    youth data, is not)."""
    from harborline.people.models import User

    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The home page, or the second factor (with ?next= when the server remembers where to go).
    page.wait_for_url(re.compile(r"/(mfa/verify(\?.*)?)?$"))
    if "/mfa/verify" in page.url:
        device = User.objects.get(email=email).totpdevice_set.get()
        page.get_by_label(CODE_LABEL).fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r"/$"))


def _menu(page) -> list[str]:
    """The pages the menu offers, main menu and submenus alike (hidden ones too)."""
    hrefs = page.eval_on_selector_all(
        'nav[aria-label="Main"] a[href^="/"]', "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))


def _check(page, url: str, width: int) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, width)
    assert run_axe(page) == [], (url, width)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (url, width, scroll)


@pytest.mark.parametrize("role", list(ORG_OF))
def test_each_role_walks_its_menu_at_both_widths(axe_page, role):
    page = axe_page
    _world()
    page.set_viewport_size(DESKTOP)
    _sign_in(page, f"{role}@example.org")
    pages = _menu(page)
    assert pages, role
    for width, size in ((DESKTOP["width"], DESKTOP), (NARROW["width"], NARROW)):
        page.set_viewport_size(size)
        for url in ["/", *pages]:
            _check(page, url, width)
        page.goto("/")
        screenshot(page, f"home-{role}-{width}.png")
    print(f"{role}: {len(pages)} menu pages")

"""Menus show only what the role can open (issue 13, item 7): for every role, as the demo gives
it, every link of the main menu and the task-force menu answers — none is 404 or 403 — and the
home page says what the role can do now."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from harborline.people.roles import Role
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db

# Each role in the kind of organization the demo gives it.
DEMO_ROLES = [
    (Role.CASEWORKER, "child_welfare"),
    (Role.SUPERVISOR, "child_welfare"),
    (Role.MENTOR_ADVOCATE, "community_advocacy"),
    (Role.ORG_ADMIN, "law_enforcement"),
    (Role.COORDINATOR, "task_force"),
    (Role.ANALYST, "statistical_center"),
    (Role.SYSTEM_ADMIN, "statistical_center"),
]


def _menu_links(html: str) -> list[str]:
    nav = html.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    return sorted(set(re.findall(r'href="(/[^"]*)"', nav)))


@pytest.mark.parametrize(("role", "org_type"), DEMO_ROLES, ids=[r for r, _ in DEMO_ROLES])
def test_every_menu_link_opens_for_the_role(role, org_type):
    org = OrganizationFactory(type=org_type)
    user = UserFactory(role=role, org=org)
    give_totp_device(user)
    client = sign_in(Client(), user)
    home = client.get("/")
    assert home.status_code == 200
    links = _menu_links(home.content.decode())
    assert "/" in links and len(links) >= 3
    answers = {link: client.get(link).status_code for link in links}
    assert {link: code for link, code in answers.items() if code in (403, 404)} == {}
    assert all(code == 200 for code in answers.values()), answers

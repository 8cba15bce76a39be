"""The timeline page: every kind in time order for the owner, a filter by kind, no safety entry
for a viewer without `safety`, 404 for a stranger, no table (a list usable at 375 px), and a
link from the case page."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from harborline.missing.timeline import KINDS
from tests.factories import give_totp_device, sign_in

from .conftest import ADDRESS, seed, share


def _browser(user: Any) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


def _kinds(html: str) -> list[str]:
    return re.findall(r'data-kind="([a-z_]+)"', html)


def test_the_page_lists_every_kind_in_time_order(world):
    seed(world, 2)
    page = _browser(world.caseworker)
    r = page.get(f"/cases/{world.case_id}/timeline/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<table" not in html
    assert ADDRESS not in html
    assert set(_kinds(html)) == set(KINDS)
    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert times == sorted(times)
    filtered = page.get(f"/cases/{world.case_id}/timeline/?kind=placement").content.decode()
    assert set(_kinds(filtered)) == {"placement"}
    assert page.get(f"/cases/{world.case_id}/timeline/?kind=nope").status_code == 422


def test_the_case_page_links_to_the_timeline(world):
    page = _browser(world.caseworker)
    html = page.get(f"/cases/{world.case_id}/").content.decode()
    assert f"/cases/{world.case_id}/timeline/" in html


def test_without_safety_no_safety_entries_and_stranger_not_found(world, make_org, make_user):
    seed(world, 1)
    police = make_org("law_enforcement")
    officer = make_user(police, "caseworker")
    page = _browser(officer)
    assert page.get(f"/cases/{world.case_id}/timeline/").status_code == 404
    share(world, police, ["identity", "screening"])
    html = page.get(f"/cases/{world.case_id}/timeline/").content.decode()
    assert set(_kinds(html)) == {"screening", "obligation"}
    assert 'value="safety_plan"' not in html

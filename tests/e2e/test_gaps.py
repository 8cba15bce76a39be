"""The community response plan in Chromium (issue 14, item 6): an analyst opens the gaps page for
a county at 1280 and 375 px — what falls short, the chart and its table — with no serious or
critical axe violation and no sideways scroll on a phone; the screenshot feeds the user guide."""

from __future__ import annotations

import pytest

from harborline.directory import services
from harborline.protocols.geography import load_geography
from harborline.protocols.models import County
from tests.directory.test_gaps import directory_rows
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import DESKTOP, run_axe, screenshot
from .test_roles import NARROW, _sign_in

pytestmark = pytest.mark.e2e


def test_an_analyst_reads_the_gaps_of_a_county(axe_page):
    page = axe_page
    load_geography("nevada")
    services.ensure_taxonomies()
    county = County.objects.get(pack="nevada", slug="washoe")
    services.save_rows(directory_rows(county, ("s1",)))
    org = OrganizationFactory(slug="nn-tf", name="Northern Nevada Task Force", type="task_force")
    give_totp_device(UserFactory(role="analyst", org=org, email="ana@example.org"))
    _sign_in(page, "ana@example.org")
    for size in (DESKTOP, NARROW):
        page.set_viewport_size(size)
        response = page.goto(f"/directory/gaps/?county={county.qualified}")
        assert response is not None and response.status == 200
        assert "no service offered in the county" in page.locator("#shortfalls").inner_text()
        assert page.locator("#gaps-table").is_visible()
        assert run_axe(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        if size == DESKTOP:
            screenshot(page, "directory-gaps-1280.png")

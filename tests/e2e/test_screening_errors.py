"""The NRIT in a browser (issue 13): sent with errors, the summary is focused and its links move
to their fields, with no serious or critical axe violation at 1280 and 375 px; then completed
through check-your-answers, which lists the clocks before confirming starts them."""

from __future__ import annotations

import re

import pytest

from harborline.cases import services as case_services

from .conftest import run_axe, screenshot
from .test_cases import _people, _sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("nevada_home")]  # the NRIT's errors


def test_nrit_errors_then_check_your_answers(axe_page):
    page = axe_page
    _people()
    from harborline.people.models import User

    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey, youth={"first_name": "Ola", "last_name": "Brant", "dob": "2009-01-02"}
    )
    _sign_in(page, "casey@example.org")
    for width, height in ((1280, 900), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/cases/{case.pk}/screen")
        assert page.locator("input[name='youth_name']").input_value() == "Ola Brant"
        page.get_by_role("button", name="Continue").click()
        summary = page.locator("[data-error-summary]")
        summary.wait_for()
        assert page.evaluate("document.activeElement.id") == "form-errors"
        assert "Select who identified the youth" in summary.inner_text()
        assert run_axe(page) == [], (width, page.url)
        summary.get_by_role("link", name=re.compile("Identified by")).click()
        assert page.evaluate("document.activeElement.name") == "identified_by"
    screenshot(page, "screening-errors.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("select[name='identified_by']", "law_enforcement")
    page.locator("label[for='f-cv_law_enforcement']").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your answers before the clocks start").wait_for()
    assert page.locator("#check-clocks").count() == 1
    assert run_axe(page) == []
    screenshot(page, "screening-check-answers.png")
    page.locator("#screen-confirm").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/screenings/\d+$"))
    assert "Convene a Rapid Response MDT on scene" in page.content()

"""A caseworker working in English prints a youth's copy of the safety plan in Spanish (decision
0064), in Debian's Chromium: on the case's Safety and plans page she chooses Español as the
language of the printout and opens the copy; it is a Spanish document (`<html lang="es">`, its
title and words in Spanish, the staff bar above it marked English and never printed), axe-core
finds no serious or critical WCAG 2.0/2.1 A/AA violation, and the plans page offers Spanish
first the next time."""

from __future__ import annotations

import re

import pytest

from harborline.cases import services as case_services
from harborline.people.models import User
from harborline.response import plans
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import print_in_spanish, run_axe
from .test_cases import _sign_in

pytestmark = pytest.mark.e2e


def test_a_youths_copy_printed_in_spanish(axe_page):
    page = axe_page
    owner = OrganizationFactory(
        slug="washoe-dfs", name="Washoe County Human Services", type="child_welfare"
    )
    give_totp_device(
        UserFactory(role="caseworker", org=owner, email="casey@example.org", full_name="Casey")
    )
    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey,
        youth={"first_name": "Ana", "last_name": "Reyes", "dob": "2010-03-04"},
        pack="nevada",
    )
    plans.record_safety_plan(
        actor=casey,
        case_id=case.pk,
        answers={
            "youth_name": "Ana Reyes",
            "staff_name": "Casey",
            "pre_call_911": True,
            "pre_go_bag": True,
            "post_avoid_social_media": True,
            "post_trusted_person": True,
            "post_trusted_person_name": "Tía Lia",
            "post_trusted_person_phone": "775-555-0142",
        },
    )
    _sign_in(page, "casey@example.org")

    page.goto(f"/cases/{case.pk}/plans/")
    print_in_spanish(
        page,
        language=page.get_by_label("Language of the printout"),
        button="Open the youth-safe copy",
        url=r"/youth-copy\?lang=es$",
        title="Mi plan de seguridad",
        says=(
            "Mi plan de seguridad",
            "En una emergencia: llama al 9-1-1",
            "Si estoy en peligro ahora mismo, llamo al 9-1-1.",
            "Tengo una bolsa lista con mis documentos y una muda de ropa.",
            "Por ahora no uso las redes sociales ni internet.",
            "Alguien de confianza: Tía Lia 775-555-0142",
        ),
        never=("Ana Reyes", "Casey", "My safety plan"),
        printed_heading="Mi plan de seguridad",
    )

    page.get_by_role("link", name="Back to safety and plans").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/plans/$"))
    assert page.get_by_label("Language of the printout").input_value() == "es"
    assert run_axe(page) == [], page.url

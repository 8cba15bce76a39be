"""A caseworker working in English prints a consent form in Spanish for a youth's mother to read
and sign (decision 0064), in Debian's Chromium: on the case's Sharing and consent page she chooses
Español as the language of the printout beside the consent record and opens the form; it is a
Spanish document (`<html lang="es">`, its title and words in Spanish, the signature lines the
pack's rule asks for, the staff bar marked English and never printed), axe-core finds no serious
or critical WCAG 2.0/2.1 A/AA violation, and the blank form for the next family comes in Spanish
too."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from harborline.cases import services as case_services
from harborline.people.models import User
from harborline.sharing import services as sharing
from tests.factories import OrganizationFactory, UserFactory, give_totp_device

from .conftest import print_in_spanish, run_axe, screenshot
from .test_cases import _sign_in

pytestmark = pytest.mark.e2e


def test_a_consent_form_printed_in_spanish(axe_page):
    page = axe_page
    owner = OrganizationFactory(
        slug="washoe-dfs", name="Washoe County Human Services", type="child_welfare"
    )
    OrganizationFactory(slug="sierra-clinic", name="Sierra Clinic", type="medical")
    give_totp_device(
        UserFactory(role="caseworker", org=owner, email="casey@example.org", full_name="Casey")
    )
    casey = User.objects.get(email="casey@example.org")
    case = case_services.open_case(
        actor=casey,
        youth={"first_name": "Ana", "last_name": "Reyes", "dob": "2011-03-04"},
        pack="nevada",
    )
    consent = sharing.record_consent(
        actor=casey,
        case_id=case.pk,
        kind="parent_guardian",
        given_by="Marta Reyes",
        recipients=["sierra-clinic"],
        compartments=["identity", "medical"],
        purpose="Medical follow-up",
        evidence="signed_form",
        evidence_reference="F-7",
        expires_at=datetime(2031, 3, 3, 12, tzinfo=UTC),
    )
    _sign_in(page, "casey@example.org")

    page.goto(f"/cases/{case.pk}/sharing")
    print_in_spanish(
        page,
        language=page.locator(f"#printout-lang-{consent.pk}"),
        button=f"Print the consent form of record {consent.pk}",
        url=rf"/consents/{consent.pk}/form\?lang=es$",
        title="Consentimiento para compartir información",
        says=(
            "Consentimiento para compartir información",
            "Marta Reyes",
            "Atención médica y de salud",
            "Sierra Clinic",
            "Hasta el 3 de marzo de 2031, a menos que lo retires antes.",
            "Tus derechos",
            "Puedes decir que no. Si dices que no, Washoe County Human Services te seguirá "
            "ayudando.",
            "Madre, padre o tutor legal",
            "Miembro del personal que explicó este formulario",
        ),
        never=("Casey", "casey@example.org", "Consent to share information"),
        printed_heading="Firmas",
    )
    screenshot(page, "consent-form-es.png", height=1400)

    page.get_by_role("link", name="Back to sharing and consent").click()
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/sharing#consents$"))
    assert page.locator("#printout-lang-blank").input_value() == "es"
    page.get_by_role("button", name="Print a blank consent form").click()
    page.wait_for_url(re.compile(r"/sharing/consent-form\?lang=es$"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert (
        "Marca cada tipo de información que se puede compartir."
        in page.locator("main").inner_text()
    )
    assert run_axe(page) == [], page.url

"""The youth-safe copy in the language of the printout (decision 0064): Spanish when asked
(Harborline's words from the catalogue, the strategies from the pack's list), English as before,
the page a document in that language, the PDF tagged with it, the choice remembered per case."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from harborline.cases.models import Case
from harborline.cases.services import update_youth
from harborline.protocols.packs import get_pack
from harborline.protocols.translations import named_list
from harborline.response import plans
from harborline.response.youth_copy import STRATEGY_LIST, build, strategy_parts
from tests.factories import give_totp_device, sign_in

from .test_youth_copy import NEVER, PLAN, plan_id  # noqa: F401 - the fixture

SPANISH = (
    "Mi plan de seguridad",
    "Formas de mantenerme a salvo y personas a quienes puedo llamar",
    "En una emergencia: llama al 9-1-1",
    "Línea Directa Nacional contra la Trata de Personas: 1-888-373-7888",
    "Si estoy pensando en irme",
    "Si estoy en peligro ahora mismo, llamo al 9-1-1.",
    "Tengo una bolsa lista con mis documentos y una muda de ropa.",
    "Sé a quién avisar o pedirle ayuda.",
    "Mi teléfono y mi seguridad en internet",
    "Por ahora no uso las redes sociales ni internet.",
    "Personas a quienes puedo llamar",
    "Mi mentor/a de apoyo: Jordan Vale",
    "Versión 1",
)
ENGLISH = (
    "My safety plan",
    "Ways to stay safe and people to call if I feel uncomfortable or in danger.",
    "In an emergency: call 9-1-1",
    "National Human Trafficking Hotline: 1-888-373-7888 (text 233733, TTY 711)",
    "If I am thinking about leaving",
    "If I am in danger right now, I call 9-1-1.",
    "I have a bag packed with my papers and a change of clothes.",
    "My phone and online safety",
    "People I can call",
    "My mentor-advocate: Jordan Vale",
    "Version 1",
)


def _client(user) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


def test_the_copy_in_spanish_says_it_all_in_spanish(world, plan_id):  # noqa: F811
    copy, _, _ = plans.youth_copy(actor=world.caseworker, plan_id=plan_id, lang="es")
    text = copy.text()
    for phrase in SPANISH:
        assert phrase in text, phrase
    for phrase in ENGLISH:
        assert phrase not in text, phrase
    for word in NEVER:
        assert word not in text, word


def test_the_copy_in_english_is_unchanged(world, plan_id):  # noqa: F811
    copy, _, _ = plans.youth_copy(actor=world.caseworker, plan_id=plan_id, lang="en")
    assert [h for h, _ in copy.sections] == [
        "If I am thinking about leaving",
        "After I leave",
        "My phone and online safety",
    ]
    for phrase in ENGLISH:
        assert phrase in copy.text(), phrase


def test_the_page_is_a_spanish_document_and_the_staff_bar_stays_english(world, plan_id):  # noqa: F811
    client = _client(world.caseworker)
    html = client.get(f"/safety-plans/{plan_id}/youth-copy?lang=es").content.decode()
    assert re.search(r'<html lang="es"', html)
    assert "<title>Mi plan de seguridad</title>" in html
    assert 'class="hl-printout-bar hl-no-print" lang="en"' in html
    for phrase in SPANISH:
        assert phrase in html, phrase
    for word in NEVER:
        assert word not in html, word
    # No menu and no staff name on the printout: only the copy and the (unprinted) bar.
    assert "Signed in as" not in html and world.caseworker.email not in html
    assert 'aria-label="Main"' not in html
    english = client.get(f"/safety-plans/{plan_id}/youth-copy?lang=en").content.decode()
    assert '<html lang="en"' in english and "<title>My safety plan</title>" in english
    for phrase in ENGLISH:
        assert phrase in english, phrase


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pdf_is_in_the_language_asked_for(world, plan_id, lang):  # noqa: F811
    client = _client(world.caseworker)
    body = client.get(f"/safety-plans/{plan_id}/youth-copy.pdf?lang={lang}")
    assert body.status_code == 200
    assert body["Content-Disposition"].endswith(f'-{lang}.pdf"')
    raw = body.content.decode("latin-1")
    assert f"/Lang ({lang})" in raw
    expected = SPANISH if lang == "es" else ENGLISH
    # fpdf2 writes Latin-1 text as it is, so the accents can be looked for in the file.
    for phrase in (
        ("Mi plan de seguridad", "Tengo una bolsa lista") if lang == "es" else expected[:2]
    ):
        assert phrase in raw, phrase


def test_the_language_chosen_is_remembered_for_the_case(world, plan_id):  # noqa: F811
    client = _client(world.caseworker)
    page = client.get(f"/cases/{world.case_id}/plans/").content.decode()
    assert "Language of the printout" in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    client.get(f"/safety-plans/{plan_id}/youth-copy.pdf?lang=es")
    page = client.get(f"/cases/{world.case_id}/plans/").content.decode()
    assert '<option value="es" lang="es" selected>Español</option>' in page


def test_the_youths_preferred_language_is_the_first_choice_until_another_is_chosen(world, plan_id):  # noqa: F811
    case = Case.objects.get(pk=world.case_id)
    update_youth(
        actor=world.caseworker,
        case_id=case.pk,
        version=case.version,
        changes={"preferred_language": "es"},
    )
    client = _client(world.caseworker)
    page = client.get(f"/cases/{world.case_id}/plans/").content.decode()
    assert '<option value="es" lang="es" selected>Español</option>' in page
    client.get(f"/safety-plans/{plan_id}/youth-copy.pdf?lang=en")
    page = client.get(f"/cases/{world.case_id}/plans/").content.decode()
    assert '<option value="en" lang="en" selected>English</option>' in page


def test_a_pack_without_the_list_prints_the_forms_own_words():
    pack = get_pack("nevada")
    form = pack.instruments["safety_plan"]
    parts = strategy_parts(None, form, "es")
    copy = build({"pre_go_bag": True}, number=2, lang="es", unsafe_names=[], parts=parts)
    assert copy.sections == [
        (
            "When thinking about leaving a trafficking situation",
            ["Prepare a bag with any important documents/items and a change of clothes."],
        )
    ]
    assert copy.title == "Mi plan de seguridad" and copy.version == "Versión 2"
    # With the list, the same answer is the youth's words in Spanish.
    words = named_list(pack, STRATEGY_LIST)
    listed = build(
        {"pre_go_bag": True},
        number=2,
        lang="es",
        unsafe_names=[],
        parts=strategy_parts(words, form, "es"),
    )
    assert listed.sections == [
        (
            "Si estoy pensando en irme",
            ["Tengo una bolsa lista con mis documentos y una muda de ropa."],
        )
    ]

"""The referral handout for the youth or the family (decision 0064): where to go, the phone and
hours from the service's directory entry, what to bring and whom to call, in Spanish or English
(page and PDF), from the referral's page; nothing about the youth, the referral's needs or basis,
or a confidential site's address; whoever may not open the referral gets 404; each print is
audited (a read; the PDF an export)."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from harborline.audit.models import Action, AuditEvent
from harborline.directory import referrals
from harborline.directory import services as directory
from harborline.directory.handout import build
from harborline.directory.models import Location, Provider, Referral, Service
from tests.cases.conftest import Api, make_org, make_user, open_case  # noqa: F401
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db

ROWS = [
    ("organization", {"id": "o1", "name": "Harbor House", "description": "x"}),
    ("service", {"id": "s1", "organization_id": "o1", "name": "Youth drop-in center"}),
    ("location", {"id": "l1", "organization_id": "o1", "name": "Drop-in"}),
    (
        "address",
        {
            "id": "ad1",
            "location_id": "l1",
            "address_1": "100 Lake Street",
            "city": "Reno",
            "state_province": "NV",
            "postal_code": "89501",
            "country": "US",
            "address_type": "physical",
        },
    ),
    ("service_at_location", {"id": "sal1", "service_id": "s1", "location_id": "l1"}),
    ("phone", {"id": "p1", "service_id": "s1", "number": "775-555-0100"}),
    (
        "schedule",
        {
            "id": "sc1",
            "service_id": "s1",
            "freq": "WEEKLY",
            "byday": "MO,TU",
            "opens_at": "09:00",
            "closes_at": "17:00",
        },
    ),
    (
        "required_document",
        {"id": "rd1", "service_id": "s1", "document": "A photo ID, if you have one"},
    ),
    ("language", {"id": "lg1", "service_id": "s1", "name": "Spanish", "code": "es"}),
]

SPANISH = (
    "Tu referido",
    "Washoe Human Services te ha referido a este servicio.",
    "El servicio",
    "Youth drop-in center",
    "Lo ofrece",
    "Harbor House",
    "Dónde",
    "100 Lake Street, Reno, NV 89501",
    "Teléfono",
    "775-555-0100",
    "Horario",
    "lunes, martes: de 09:00 a 17:00",
    "Qué llevar",
    "A photo ID, if you have one",
    "Este papel.",
    "A quién llamar",
    "Preguntas sobre este referido: Washoe Human Services, la agencia que te dio este papel.",
    "Alguien de Washoe Human Services te acompañará la primera vez.",
    "En una emergencia: llama al 9-1-1",
    "Guarda este papel solo si es seguro para ti tenerlo.",
    "Referido el",
)
ENGLISH = (
    "Your referral",
    "Washoe Human Services has referred you to this service. Here is how to reach it.",
    "Offered by",
    "Monday, Tuesday: 9 a.m. to 5 p.m.",
    "What to bring",
    "Who to call",
    "Someone from Washoe Human Services will go with you the first time.",
    "In an emergency: call 9-1-1",
    "Keep this paper only if it is safe for you to have it.",
)
# What the handout never carries: the youth, the referral's needs, what the service may see,
# its legal basis, the staff member who walks the youth over.
NEVER = ("Ana", "Reyes", "crisis_response", "identity", "JV-9", "Sam Ortiz")


@pytest.fixture
def world(make_org, make_user, settings):  # noqa: F811
    settings.DEMO_MODE = False
    directory.ensure_taxonomies()
    directory.save_rows(ROWS)
    owner = make_org("child_welfare", slug="washoe-hs", name="Washoe Human Services")
    house = make_org("service_provider", slug="harbor-house", name="Harbor House")
    Provider.objects.filter(hsds_id="o1").update(organization=house)
    worker, receiver, outsider = make_user(owner), make_user(house), make_user(make_org())
    for user in (worker, receiver, outsider):
        give_totp_device(user)
    case_id = open_case(Api(worker))
    referral = referrals.create_referral(
        actor=worker,
        case_id=case_id,
        service=Service.objects.get(hsds_id="s1").pk,
        needs=["crisis_response"],
        compartments=["identity"],
        basis_type="court_order",
        basis_reference="JV-9",
        warm_handoff="Sam Ortiz (mentor-advocate)",
    )
    return {"worker": worker, "receiver": receiver, "outsider": outsider, "referral": referral}


def _get(user, url: str):
    return sign_in(Client(), user).get(url)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_handout_in_spanish(world):
    r = world["referral"]
    response = _get(world["worker"], f"/referrals/{r.pk}/handout?lang=es")
    assert response.status_code == 200
    page = _text(response)
    assert '<html lang="es"' in page and "<title>Tu referido</title>" in page
    for phrase in SPANISH:
        assert phrase in page, phrase
    main = page.split('<main id="main-content"', 1)[1]
    for phrase in ENGLISH:
        assert phrase not in main, phrase
    for word in NEVER:
        assert word not in main, word
    assert world["worker"].email not in page and 'aria-label="Main"' not in page


def test_the_handout_in_english(world):
    r = world["referral"]
    page = _text(_get(world["worker"], f"/referrals/{r.pk}/handout?lang=en"))
    assert '<html lang="en"' in page
    for phrase in ENGLISH:
        assert phrase in page, phrase
    main = page.split('<main id="main-content"', 1)[1]
    for word in NEVER:
        assert word not in main, word


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pdf_and_its_audit(world, lang):
    r = world["referral"]
    response = _get(world["worker"], f"/referrals/{r.pk}/handout.pdf?lang={lang}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    raw = response.content.decode("latin-1")
    assert f"/Lang ({lang})" in raw and "775-555-0100" in raw
    assert ("Tu referido" if lang == "es" else "Your referral") in raw
    for word in NEVER:
        assert word not in raw, word
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == Action.EXPORT
    assert (event.object_type, event.object_id) == ("directory.referral", str(r.pk))
    assert event.detail["printout"] == "referral_handout" and event.detail["lang"] == lang
    assert event.youth_id == r.case.youth_id


def test_the_page_read_is_audited_and_the_language_remembered(world):
    r = world["referral"]
    client = sign_in(Client(), world["worker"])
    page = client.get(f"/referrals/{r.pk}/").content.decode()
    assert "Handout for the youth or family" in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    client.get(f"/referrals/{r.pk}/handout?lang=es")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == Action.VIEW and event.object_type == "directory.referral"
    page = client.get(f"/referrals/{r.pk}/").content.decode()
    assert '<option value="es" lang="es" selected>Español</option>' in page
    # The same memory as the case's other printouts.
    sharing = client.get(f"/cases/{r.case_id}/sharing").content.decode()
    assert '<option value="es" lang="es" selected>Español</option>' in sharing


def test_the_receiver_may_print_it_and_anyone_else_gets_404(world):
    r = world["referral"]
    assert _get(world["receiver"], f"/referrals/{r.pk}/handout?lang=es").status_code == 200
    before = AuditEvent.objects.filter(detail__printout="referral_handout").count()
    for url in (f"/referrals/{r.pk}/handout?lang=es", f"/referrals/{r.pk}/handout.pdf"):
        response = _get(world["outsider"], url)
        assert response.status_code == 404, url
        assert "Harbor House" not in response.content.decode()
    assert _get(world["worker"], f"/referrals/{r.pk + 99}/handout").status_code == 404
    assert AuditEvent.objects.filter(detail__printout="referral_handout").count() == before


def test_a_confidential_site_address_is_never_printed(world):
    Location.objects.filter(hsds_id="l1").update(confidential=True)
    referral = Referral.objects.select_related("service", "referrer", "case__owner").get()
    for lang in ("en", "es"):
        text = build(referral, lang=lang).text()
        assert "100 Lake Street" not in text
    assert (
        "La dirección no se imprime, para proteger el lugar." in build(referral, lang="es").text()
    )
    # Not even when the site's own staff print it.
    page = _text(_get(world["receiver"], f"/referrals/{referral.pk}/handout?lang=en"))
    assert "100 Lake Street" not in page
    assert "The address is not printed, to keep the place safe." in page

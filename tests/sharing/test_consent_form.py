"""The consent form for the youth and the family (decision 0064): a consent record printed in
Spanish or English (page and PDF), a blank form to sign before the consent is recorded, the
signature lines the pack's age rule asks for, the language remembered per case, the same access
rule as the sharing page (another organization: 404; a reader of a shared case: 403) and an
audit record of each print (a read; the PDF an export)."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from harborline.audit.models import Action, AuditEvent
from harborline.cases.selectors import case_for
from harborline.sharing import services as sharing
from harborline.sharing.consent_form import build
from tests.cases.conftest import Api, make_org, make_user, open_case  # noqa: F401
from tests.factories import give_totp_device, sign_in

pytestmark = pytest.mark.django_db

UNTIL = datetime(2031, 3, 3, 12, tzinfo=UTC)

SPANISH = (
    "Consentimiento para compartir información",
    "Este formulario dice qué información sobre ti se puede compartir",
    "De quién es la información",
    "Ana Reyes",
    "Quién da este consentimiento",
    "Dado por",
    "Maria Reyes",
    "la madre, el padre o el tutor legal",
    "Para compartir también se necesita el consentimiento del o de la joven, dado por separado.",
    "Qué se puede compartir",
    "Quién eres: tu nombre, tu fecha de nacimiento y otros nombres que usas",
    "Atención médica y de salud",
    "Quién puede recibirla",
    "Sierra Clinic",
    "Medical follow-up at the clinic",
    "Hasta el 3 de marzo de 2031, a menos que lo retires antes.",
    "Tus derechos",
    "Puedes decir que no. Si dices que no, Washoe Human Services te seguirá ayudando.",
    "Puedes cambiar de opinión en cualquier momento.",
    "La ley obliga a informar algunas cosas",
    "No se le debe pedir a un familiar ni a un amigo que interprete.",
    "Firmas",
    "El o la joven",
    "Madre, padre o tutor legal",
    "Relación con el o la joven",
    "Miembro del personal que explicó este formulario",
)
ENGLISH = (
    "Consent to share information",
    "This form says what information about you may be shared",
    "Whose information",
    "Who gives this consent",
    "a parent or guardian",
    "Sharing also needs the youth's own consent, given separately.",
    "Who you are: your name, date of birth and other names you use",
    "Medical and health care",
    "Until 3 March 2031, unless you withdraw it sooner.",
    "Your rights",
    "You can say no. If you say no, Washoe Human Services will still help you.",
    "You can change your mind at any time.",
    "The law requires some things to be reported",
    "A family member or a friend should not be asked to interpret.",
    "Parent or guardian",
    "Relationship to the youth",
    "Staff member who explained this form",
)


@pytest.fixture
def world(make_org, make_user, settings):  # noqa: F811
    settings.DEMO_MODE = False
    owner = make_org("child_welfare", slug="washoe-hs", name="Washoe Human Services")
    clinic = make_org("medical", slug="sierra-clinic", name="Sierra Clinic")
    worker, reader, outsider = make_user(owner), make_user(clinic), make_user(make_org())
    for user in (worker, reader, outsider):
        give_totp_device(user)
    case_id = open_case(Api(worker), dob="2011-05-01")  # 14 to 17: the youth and an adult
    consent = sharing.record_consent(
        actor=worker,
        case_id=case_id,
        kind="parent_guardian",
        given_by="Maria Reyes",
        recipients=["sierra-clinic"],
        compartments=["identity", "medical"],
        purpose="Medical follow-up at the clinic",
        evidence="signed_form",
        evidence_reference="F-1",
        expires_at=UNTIL,
    )
    return {
        "worker": worker,
        "reader": reader,
        "outsider": outsider,
        "case": case_id,
        "consent": consent,
        "clinic": clinic,
    }


def _client(user) -> Client:
    return sign_in(Client(), user)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _url(world, suffix: str = "") -> str:
    return f"/cases/{world['case']}/sharing/consents/{world['consent'].pk}/form{suffix}"


def test_the_form_in_spanish_is_a_spanish_document(world):
    client = _client(world["worker"])
    response = client.get(_url(world) + "?lang=es")
    assert response.status_code == 200
    page = _text(response)
    assert re.search(r'<html lang="es"', page)
    assert "<title>Consentimiento para compartir información</title>" in page
    assert 'class="hl-printout-bar hl-no-print" lang="en"' in page
    for phrase in SPANISH:
        assert phrase in page, phrase
    main = page.split('<main id="main-content"', 1)[1]
    for phrase in ENGLISH:
        assert phrase not in main, phrase
    # No menu and no staff name on the form; nothing of the youth's record but name and birth.
    assert world["worker"].email not in page and 'aria-label="Main"' not in page
    assert "víctima" not in page.lower()


def test_the_form_in_english(world):
    client = _client(world["worker"])
    page = _text(client.get(_url(world) + "?lang=en"))
    assert '<html lang="en"' in page and "<title>Consent to share information</title>" in page
    for phrase in ENGLISH:
        assert phrase in page, phrase


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pdf_is_in_the_language_asked_for_and_is_an_audited_export(world, lang):
    client = _client(world["worker"])
    response = client.get(_url(world, ".pdf") + f"?lang={lang}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(f'-{lang}.pdf"')
    raw = response.content.decode("latin-1")
    assert f"/Lang ({lang})" in raw
    wanted = (
        ("Consentimiento para compartir informaci", "Atención médica y de salud")
        if lang == "es"
        else ("Consent to share information", "Medical and health care")
    )
    for phrase in wanted:
        assert phrase in raw, phrase
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == Action.EXPORT
    assert (event.object_type, event.object_id) == ("access.consent", str(world["consent"].pk))
    assert event.detail["lang"] == lang and event.detail["printout"] == "consent_form"
    assert event.youth_id is not None and event.actor_id == world["worker"].pk


def test_reading_the_form_is_audited_as_a_read(world):
    client = _client(world["worker"])
    before = AuditEvent.objects.count()
    client.get(_url(world) + "?lang=es")
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() > before
    assert event.action == Action.VIEW and event.object_type == "access.consent"
    assert event.detail == {"printout": "consent_form", "lang": "es", "blank": False}


def test_another_organization_gets_404_and_a_reader_of_the_case_403(world):
    sharing.create_share(
        actor=world["worker"],
        case_id=world["case"],
        organization="sierra-clinic",
        compartments=["identity"],
        purpose="Court-ordered exam",
        basis_type="court_order",
        basis_reference="JV-1",
        expires_at=timezone.now() + timedelta(days=30),
    )
    before = AuditEvent.objects.filter(detail__printout="consent_form").count()
    outsider = _client(world["outsider"])
    for url in (_url(world), _url(world, ".pdf"), f"/cases/{world['case']}/sharing/consent-form"):
        response = outsider.get(url + "?lang=es")
        assert response.status_code == 404, url
        assert "Maria" not in response.content.decode()
    reader = _client(world["reader"])
    assert reader.get(_url(world) + "?lang=es").status_code == 403
    assert reader.get(f"/cases/{world['case']}/sharing").status_code == 403  # the same rule
    assert AuditEvent.objects.filter(detail__printout="consent_form").count() == before


def test_a_consent_of_another_case_is_404(world):
    other = open_case(Api(world["worker"]), first="Lu", last="Diaz")
    client = _client(world["worker"])
    url = f"/cases/{other}/sharing/consents/{world['consent'].pk}/form?lang=en"
    assert client.get(url).status_code == 404


def test_an_unknown_language_is_422_naming_lang(world):
    response = _client(world["worker"]).get(_url(world) + "?lang=fr")
    assert response.status_code == 422
    assert "lang" in response.content.decode()


def test_the_language_is_remembered_for_the_case(world):
    client = _client(world["worker"])
    page = client.get(f"/cases/{world['case']}/sharing").content.decode()
    assert "Print the consent form" in page and "Print a blank consent form" in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    client.get(_url(world, ".pdf") + "?lang=es")
    page = client.get(f"/cases/{world['case']}/sharing").content.decode()
    assert '<option value="es" lang="es" selected>Español</option>' in page
    # And a print without ?lang= takes it.
    assert '<html lang="es"' in client.get(_url(world)).content.decode()


def test_the_blank_form_to_sign_before_the_consent_is_recorded(world):
    client = _client(world["worker"])
    url = f"/cases/{world['case']}/sharing/consent-form?lang=es"
    page = _text(client.get(url))
    assert '<html lang="es"' in page
    # Every kind of information with a box to tick, lines to name the agencies and the purpose,
    # and the signatures the rule for a youth of 14 to 17 asks for.
    assert page.count('class="hl-box"') == 11
    assert "Marca cada tipo de información que se puede compartir." in page
    assert "Escribe el nombre de cada agencia." in page
    assert "Si no se escribe una fecha, hasta que lo retires." in page
    assert "Madre, padre o tutor legal" in page and ">El o la joven<" in page
    assert "Maria Reyes" not in page and "Dado por" not in page
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.object_type, event.object_id) == ("access.sharing", f"case:{world['case']}")
    assert event.detail["blank"] is True
    # From the sharing wizard's choices: the recipient and the information already written in.
    filled = _text(
        client.get(
            f"/cases/{world['case']}/sharing/consent-form?lang=en&to=sierra-clinic&what=medical"
            "&purpose=Follow-up"
        )
    )
    assert "Sierra Clinic" in filled and "Medical and health care" in filled
    assert 'class="hl-box"' not in filled and "Follow-up" in filled
    pdf = client.get(f"/cases/{world['case']}/sharing/consent-form.pdf?lang=es")
    assert pdf.status_code == 200 and "/Lang (es)" in pdf.content.decode("latin-1")


def test_who_signs_follows_the_packs_age_rule(world):
    actor = world["worker"]
    ten = date.today().replace(year=date.today().year - 10, day=1).isoformat()
    young = open_case(Api(actor), first="Mia", last="Soto", dob=ten)
    case, _grant = case_for(actor, young)
    labels = [s.label for s in build(case, lang="en").signatures]
    assert labels == [
        "The youth (agreeing, when they can)",
        "Parent or guardian",
        "Staff member who explained this form",
    ]
    adult = open_case(Api(actor), first="Rae", last="Lin", dob="2000-01-01")
    case, _grant = case_for(actor, adult)
    assert [s.label for s in build(case, lang="es").signatures] == [
        "El o la joven",
        "Miembro del personal que explicó este formulario",
    ]


def test_a_withdrawn_consent_says_so_and_a_court_consent_has_no_signatures(world):
    actor = world["worker"]
    sharing.revoke_consent(actor=actor, consent_id=world["consent"].pk, reason="asked")
    page = _text(_client(actor).get(_url(world) + "?lang=es"))
    assert "Este consentimiento se retiró el" in page
    court = sharing.record_consent(
        actor=actor,
        case_id=world["case"],
        kind="court",
        given_by="Second Judicial District Court",
        recipients=["sierra-clinic"],
        compartments=["medical"],
        purpose="Exam",
        evidence="signed_form",
        evidence_reference="Order JV-22",
    )
    case, _grant = case_for(actor, world["case"])
    doc = build(case, lang="es", consent=court)
    assert doc.signatures == []
    assert "El tribunal dio este consentimiento: Order JV-22" in doc.text()


def test_the_sharing_wizards_consent_step_prints_the_form_filled_in(world):
    client = _client(world["worker"])
    base = f"/cases/{world['case']}/sharing/new/"
    client.get(base)
    client.post(base + "who", {"share-organization": "sierra-clinic"})
    client.post(base + "what", {"share-compartments": ["medical"]})
    later = (timezone.localdate() + timedelta(days=60)).isoformat()
    client.post(
        base + "why",
        {"share-purpose": "Exam", "share-basis_type": "consent", "share-expires_on": later},
    )
    page = client.get(base + "consent").content.decode()
    assert "Print the consent form to sign" in page
    for hidden in ('name="to" value="sierra-clinic"', 'name="what" value="medical"'):
        assert hidden in page, hidden
    assert 'name="purpose" value="Exam"' in page
    form = _text(
        client.get(
            f"/cases/{world['case']}/sharing/consent-form?to=sierra-clinic&what=medical"
            "&purpose=Exam&lang=es"
        )
    )
    assert "Sierra Clinic" in form and "Atención médica y de salud" in form
    assert 'name="to" value="sierra-clinic"' in form  # kept when the language is changed
    assert "to=sierra-clinic" in form and "consent-form.pdf?" in form


def test_a_pack_without_a_consent_rule_asks_the_youth_and_for_a_minor_an_adult(world):
    actor = world["worker"]
    minor = open_case(Api(actor), first="Kai", last="Moss", dob="2011-01-01", pack="washington")
    case, _grant = case_for(actor, minor)
    assert [s.label for s in build(case, lang="en").signatures] == [
        "The youth",
        "Parent or guardian",
        "Staff member who explained this form",
    ]
    adult = open_case(Api(actor), first="Kai", last="Moss", dob="2001-01-01", pack="washington")
    case, _grant = case_for(actor, adult)
    assert [s.label for s in build(case, lang="en").signatures] == [
        "The youth",
        "Staff member who explained this form",
    ]

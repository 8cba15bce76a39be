"""The printouts' first language follows the youth (decision 0064, issue 15 review): without a
choice for the case in the session, the consent form and the referral handout open in the youth's
preferred language; an explicit ?lang= still wins and is remembered; printing in the default
language remembers nothing, so a language recorded later is not hidden; the case page shows and
edits it with the identity; the receiving side of a referral that does not see the identity is
not told it by its first choice."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from harborline.cases import services as case_services
from harborline.directory import referrals
from harborline.directory import services as directory
from harborline.directory.models import Provider, Service
from tests.directory.test_referral_handout import ROWS
from tests.factories import OrganizationFactory, sign_in

YOUTH = {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}


@pytest.fixture
def worker(make_user):
    return make_user("caseworker")


def _open(worker, **youth):
    return case_services.open_case(actor=worker, youth={**YOUTH, **youth})


def _selected(html: str) -> list[str]:
    return re.findall(r'<option value="(\w+)" lang="\w+" selected>', html)


def _lang_of(response) -> str:
    found = re.search(r'<html lang="(\w+)"', response.content.decode())
    assert found is not None, response.content[:300]
    return found.group(1)


def test_without_a_choice_the_printouts_open_in_the_youths_language(worker):
    case = _open(worker, preferred_language="es")
    client = sign_in(Client(), worker)
    sharing = client.get(f"/cases/{case.pk}/sharing").content.decode()
    assert set(_selected(sharing)) == {"es"}
    assert _lang_of(client.get(f"/cases/{case.pk}/sharing/consent-form")) == "es"
    pdf = client.get(f"/cases/{case.pk}/sharing/consent-form.pdf")
    assert pdf["Content-Disposition"].endswith('-es.pdf"')
    # Another youth's case with none recorded stays English.
    other = _open(worker, first_name="Lu", last_name="Diaz")
    assert _lang_of(client.get(f"/cases/{other.pk}/sharing/consent-form")) == "en"


def test_an_explicit_choice_wins_and_is_remembered_for_the_case(worker):
    case = _open(worker, preferred_language="es")
    client = sign_in(Client(), worker)
    assert _lang_of(client.get(f"/cases/{case.pk}/sharing/consent-form?lang=en")) == "en"
    assert set(_selected(client.get(f"/cases/{case.pk}/sharing").content.decode())) == {"en"}
    assert _lang_of(client.get(f"/cases/{case.pk}/sharing/consent-form")) == "en"
    # Choosing the youth's language again forgets the other choice: the youth's is the default.
    client.get(f"/cases/{case.pk}/sharing/consent-form?lang=es")
    assert f"printout_lang:{case.pk}" not in client.session


def test_a_print_in_the_default_language_does_not_hide_one_recorded_later(worker):
    case = _open(worker)
    client = sign_in(Client(), worker)
    assert _lang_of(client.get(f"/cases/{case.pk}/sharing/consent-form?lang=en")) == "en"
    case.refresh_from_db()
    case_services.update_youth(
        actor=worker, case_id=case.pk, version=case.version, changes={"preferred_language": "es"}
    )
    assert set(_selected(client.get(f"/cases/{case.pk}/sharing").content.decode())) == {"es"}
    assert _lang_of(client.get(f"/cases/{case.pk}/sharing/consent-form")) == "es"


def test_the_case_page_shows_it_with_the_identity_and_edits_it(worker):
    case = _open(worker, preferred_language="es")
    client = sign_in(Client(), worker)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert '<dt>Preferred language for printouts</dt><dd lang="es">Español</dd>' in page
    assert re.search(r'<option value="es" selected>Español</option>', page)
    form = {**YOUTH, "version": case.version}
    refused = client.post(f"/cases/{case.pk}/identity", {**form, "preferred_language": "fr"})
    assert refused.status_code == 422
    assert 'id="id_preferred_language_error"' in refused.content.decode()
    saved = client.post(f"/cases/{case.pk}/identity", {**form, "preferred_language": ""})
    assert saved.status_code == 302
    case.youth.refresh_from_db()
    assert case.youth.preferred_language == ""
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<dt>Preferred language for printouts</dt><dd>Not recorded</dd>" in page


def test_a_receiver_who_does_not_see_the_identity_is_not_told_it(worker, make_user):
    directory.ensure_taxonomies()
    directory.save_rows(ROWS)
    house = OrganizationFactory(slug="harbor-house", name="Harbor House", type="service_provider")
    Provider.objects.filter(hsds_id="o1").update(organization=house)
    receiver = make_user("caseworker", of=house)
    case = _open(worker, preferred_language="es")
    referral = referrals.create_referral(
        actor=worker,
        case_id=case.pk,
        service=Service.objects.get(hsds_id="s1").pk,
        needs=["crisis_response"],
        compartments=["education"],
        basis_type="court_order",
        basis_reference="JV-9",
    )
    mine = sign_in(Client(), worker)
    assert set(_selected(mine.get(f"/referrals/{referral.pk}/").content.decode())) == {"es"}
    assert _lang_of(mine.get(f"/referrals/{referral.pk}/handout")) == "es"
    theirs = sign_in(Client(), receiver)
    assert set(_selected(theirs.get(f"/referrals/{referral.pk}/").content.decode())) == {"en"}
    assert _lang_of(theirs.get(f"/referrals/{referral.pk}/handout")) == "en"
    assert _lang_of(theirs.get(f"/referrals/{referral.pk}/handout?lang=es")) == "es"

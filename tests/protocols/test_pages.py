"""The protocol pages: the pack browser and every instrument as a fillable, accessible preview
that scores answers without storing them; instruments not about a youth can be submitted."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from harborline.audit.models import AuditEvent
from harborline.instruments.models import InstrumentResponse
from harborline.protocols.packs import get_pack, registry
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

from .conftest import minimal_answers

NRIT = "/protocols/nevada/nrit/"


@pytest.fixture(autouse=True)
def _no_demo(settings):
    settings.DEMO_MODE = False


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare")


@pytest.fixture
def worker(org):
    user = UserFactory(role="caseworker", org=org, email="casey@example.org")
    give_totp_device(user)
    return user


@pytest.fixture
def browser(client: Client, worker) -> Client:
    return sign_in(client, worker)


def html(response) -> str:
    return response.content.decode()


def test_pages_need_sign_in(client, db):
    for url in ("/protocols/", NRIT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login")


def test_pages_need_the_second_factor_for_roles_that_see_youth_data(client, org):
    user = UserFactory(role="caseworker", org=org)
    client.force_login(user)
    assert client.get("/protocols/").status_code == 302


def test_an_analyst_without_mfa_may_browse(client, org):
    client.force_login(UserFactory(role="analyst", org=org))
    assert client.get("/protocols/").status_code == 200
    assert client.get(NRIT).status_code == 200


def test_browser_lists_every_pack_and_instrument(browser):
    response = browser.get("/protocols/")
    assert response.status_code == 200
    page = html(response)
    assert "<h1>Protocols</h1>" in page
    for name, pack in registry().items():
        assert f'id="pack-{name}"' in page
        assert pack.manifest.title in page
        for instrument in pack.instruments:
            assert f'href="/protocols/{name}/{instrument}/"' in page
    assert 'href="/protocols/"' in page  # in the navigation


def test_browser_shows_obligations_code_book_training_contacts_and_lists(browser, sample_pack):
    page = html(browser.get("/protocols/"))
    section = page[page.index('id="pack-sample"') :]
    assert "Report to child protective services" in section
    assert "within 24 hours" in section
    assert "Sample Code 1.2; L10-12" in section
    assert "Sample code book: 1 variables (source L20)" in section
    assert "1 Police; 2 School" in section
    assert "Introduction to CSEC" in section and "2 hours" in section
    assert "Patrol officers: basic level, at least 2 per agency" in section
    hotline = section[section.index("Sample Youth Hotline") :][:200]
    assert "Verify before use" in hotline
    er = section[section.index("Sample Emergency Room") :][:120]
    assert "Verify before use" not in er
    assert "Guiding principles (1; source L50)" in section
    assert "Victim-centered practice" in section


@pytest.mark.parametrize(
    ("pack", "instrument"),
    [(p, i) for p, pk in sorted(registry().items()) for i in sorted(pk.instruments)],
)
def test_every_shipped_instrument_renders_as_a_form(browser, pack, instrument):
    definition = get_pack(pack).instrument(instrument)
    response = browser.get(f"/protocols/{pack}/{instrument}/")
    assert response.status_code == 200
    page = html(response)
    assert page.count('<fieldset class="usa-fieldset margin-top-4"') == len(definition.sections)
    for section in definition.sections:
        assert f'id="section-{section.id}"' in page
    for item in definition.all_items():
        if item.type == "check":
            assert f'id="f-{item.id}" type="checkbox" name="{item.id}"' in page
        elif item.type in ("yes_no", "enum", "rating"):
            assert f'type="radio" name="{item.id}"' in page
        elif item.type == "group":
            assert f'name="{item.id}-0-{item.items[0].id}"' in page
        elif item.type != "display":
            assert f'name="{item.id}"' in page
    if definition.about_youth:
        assert "stored on the youth's case, not here" in page
        assert 'value="submit"' not in page
    else:
        assert 'name="intent" value="submit"' in page
    assert "nothing is stored" in page


def test_every_shipped_instrument_previews_its_minimal_answers(browser):
    for name, pack in registry().items():
        for instrument_id, definition in pack.instruments.items():
            form = form_data(minimal_answers(definition))
            response = browser.post(f"/protocols/{name}/{instrument_id}/", form)
            assert response.status_code == 200, (name, instrument_id, html(response)[:3000])
            assert "Results of this preview (not stored)" in html(response)
    assert InstrumentResponse.objects.count() == 0


def form_data(answers: dict) -> dict:
    data: dict = {"intent": "preview"}
    for key, value in answers.items():
        if value is True:
            data[key] = "on"
        elif value in (False, None):
            continue
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for n, entry in enumerate(value):
                for sub, v in entry.items():
                    data[f"{key}-{n}-{sub}"] = str(v)
        else:
            data[key] = value
    return data


def test_nrit_preview_shows_the_notice_sections_and_checkboxes(browser):
    page = html(browser.get(NRIT))
    notice = page[page.index('id="instrument-notice"') :][:600]
    assert "usa-alert--warning" in page[page.index('id="instrument-notice"') - 60 :][:100]
    assert (
        "Do not directly ask the child or family these questions. This is not a questionnaire."
        in notice
    )
    assert page.index('id="instrument-notice"') < page.index(
        '<form class="usa-form usa-form--large hl-instrument"'
    )
    assert '<legend class="usa-legend usa-legend--large">Confirmed indicators</legend>' in page
    assert '<div class="usa-checkbox">' in page
    assert (
        'class="usa-checkbox__input" id="f-cv_self_report" type="checkbox" name="cv_self_report"'
        in page
    )
    assert '<label class="usa-checkbox__label" for="f-cv_self_report">' in page
    assert 'class="usa-checkbox__label-description" id="f-hr_other-hint"' in page  # help text
    assert 'aria-describedby="f-hr_other-hint"' in page
    assert '<textarea class="usa-textarea" id="f-hr_other_explain" name="hr_other_explain"' in page
    assert 'type="date"' in page
    assert "<strong>Do not directly ask the child or family these questions." in page  # display
    assert "Preview results" in page


def test_nrit_preview_scores_without_storing(browser):
    audit_before = AuditEvent.objects.count()
    response = browser.post(
        NRIT, {"intent": "preview", "hr_runaway": "on", "youth_name": "Synthetic"}
    )
    assert response.status_code == 200
    page = html(response)
    assert 'data-result="outcome">High risk</dd>' in page
    assert 'data-result="confirmed_victim">No</dd>' in page
    assert 'data-result="indicators">A history of multiple runaways' in page
    assert "Proceed with safety planning" in page
    assert "(source: L10458-10462)" in page
    assert 'id="f-hr_runaway" type="checkbox" name="hr_runaway" value="on" checked' in page
    assert 'value="Synthetic"' in page  # what was typed stays in the form
    assert InstrumentResponse.objects.count() == 0
    assert AuditEvent.objects.count() == audit_before


def test_nrit_errors_sit_beside_their_fields_with_422(browser):
    response = browser.post(NRIT, {"intent": "preview", "hr_other": "on", "no_indicators": "on"})
    assert response.status_code == 422
    page = html(response)
    assert "<title>Error: Preview:" in page
    assert "There are 2 problems" in page
    assert 'href="#f-no_indicators"' in page and 'href="#f-hr_other_explain"' in page
    assert 'id="f-no_indicators-error">&quot;No indicators&quot; cannot be checked together' in page
    assert 'id="f-hr_other_explain-error">Enter \u201cExplain\u201d</span>' in page
    assert 'aria-describedby="f-hr_other_explain-error"' in page
    assert "Results of this preview" not in page


def test_nothing_checked_is_422_on_no_indicators(browser):
    response = browser.post(NRIT, {"intent": "preview"})
    assert response.status_code == 422
    assert 'id="f-no_indicators-error">Check every indicator that applies' in html(response)


def test_youth_instruments_cannot_be_submitted_from_the_page(browser):
    response = browser.post(NRIT, {"intent": "submit", "no_indicators": "on"})
    assert response.status_code == 403
    assert InstrumentResponse.objects.count() == 0


def test_unknown_pack_or_instrument_is_404(browser):
    assert browser.get("/protocols/atlantis/nrit/").status_code == 404
    assert browser.get("/protocols/nevada/horoscope/").status_code == 404


def test_every_item_type_renders_and_reads_back(browser, sample_pack):
    page = html(browser.get("/protocols/sample/survey/"))
    assert '<p class="usa-prose">' not in page
    assert "Thank you for taking part." in page
    assert 'id="f-useful-yes" type="radio" name="useful" value="yes"' in page
    assert 'class="usa-radio__input" id="f-quality-good"' in page
    assert (
        'class="usa-checkbox__input" id="f-topics-law" type="checkbox" name="topics" value="law"'
        in page
    )
    assert 'type="datetime-local"' in page and 'type="tel"' in page and 'type="email"' in page
    assert 'type="number" value="" step="any" min="0.0" max="10.0"' in page
    assert 'type="number" value="" step="1" min="1.0"' in page
    assert page.count("Sessions: entry") == 3
    assert 'maxlength="40"' in page
    response = browser.post(
        "/protocols/sample/survey/",
        {
            "intent": "preview",
            "useful": "no",
            "format": "online",
            "topics": ["law", "trauma"],
            "quality": "fair",
            "trainer": "Synthetic Trainer",
            "held_on": "2026-02-01",
            "started_at": "2026-02-01T09:30",
            "phone": "775-555-0100",
            "email": "t@example.org",
            "rating_out_of_ten": "7.5",
            "attendees": "12",
            "sessions-0-name": "Morning",
            "sessions-0-hours": "2",
            "sessions-1-name": "",
            "sessions-2-name": "Afternoon",
        },
    )
    assert response.status_code == 200, html(response)[:4000]
    page = html(response)
    assert 'data-result="quality_score">2</dd>' in page
    assert 'data-result="verdict">Review the course</dd>' in page
    assert 'value="2026-02-01T09:30"' in page  # shown back in the pack's time zone
    assert 'id="f-topics-trauma" type="checkbox" name="topics" value="trauma" checked' in page
    assert 'name="sessions-1-name" type="text" value="Afternoon"' in page  # blanks dropped


def test_bad_values_are_named_beside_their_fields(browser, sample_pack):
    response = browser.post(
        "/protocols/sample/survey/",
        {
            "intent": "preview",
            "rating_out_of_ten": "eleven",
            "attendees": "0",
            "email": "not an email",
            "sessions-1-hours": "3",
        },
    )
    assert response.status_code == 422
    page = html(response)
    # In words for people (instruments.forms.page_message): the item's label, then the rule.
    for name, words in (
        ("rating_out_of_ten", "must be a number"),
        ("attendees", "must be at least 1"),
        ("email", "must be an email address"),
        ("sessions-0-name", "Enter \u201c"),  # the entry with hours only
    ):
        assert re.search(rf'id="f-{name}-error">\u201c?[^<]*{words}', page), name


def test_non_youth_instruments_can_be_submitted_and_confirmed(browser, worker, sample_pack):
    response = browser.post(
        "/protocols/sample/survey/", {"intent": "submit", "useful": "yes", "quality": "good"}
    )
    assert response.status_code == 302
    stored = InstrumentResponse.objects.get()
    assert response["Location"] == f"/protocols/sample/survey/submitted/{stored.pk}"
    assert (stored.pack, stored.pack_version, stored.submitted_by) == ("sample", "2.3.4", worker)
    page = html(browser.get(response["Location"]))
    assert "Sample training survey submitted" in page
    assert "scored with sample version 2.3.4" in page
    assert 'data-result="verdict">Keep the course</dd>' in page
    assert f"Reference number {stored.pk}" in page


def test_submit_with_errors_stores_nothing(browser, sample_pack):
    response = browser.post("/protocols/sample/survey/", {"intent": "submit"})
    assert response.status_code == 422
    page = html(response)
    assert re.search(r'id="f-useful-error">(Select|Enter|Tick)[^<]+</span>', page)
    assert 'href="#f-useful-yes"' in page  # a radio group's error links to its first radio
    assert InstrumentResponse.objects.count() == 0


def test_a_user_without_an_organization_cannot_submit(client, db, sample_pack):
    loner = UserFactory(role=None)
    client.force_login(loner)
    response = client.post("/protocols/sample/survey/", {"intent": "submit", "useful": "yes"})
    assert response.status_code == 403
    assert "Only a member of an organization can submit" in html(response)
    assert InstrumentResponse.objects.count() == 0


def test_confirmation_of_another_organization_is_404(browser, sample_pack):
    other = UserFactory(role="caseworker", org=OrganizationFactory(slug="clark-pd"))
    from harborline.instruments import services

    theirs = services.submit(
        actor=other, pack=get_pack("sample"), instrument="survey", answers={"useful": "yes"}
    )
    assert browser.get(f"/protocols/sample/survey/submitted/{theirs.pk}").status_code == 404
    assert browser.get(f"/protocols/sample/screen/submitted/{theirs.pk}").status_code == 404


def test_pages_use_no_inline_script_or_style(browser, sample_pack):
    for url in ("/protocols/", NRIT, "/protocols/sample/survey/"):
        page = html(browser.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert " style=" not in page and "<style" not in page, url


def test_a_confirmation_keeps_the_labels_of_the_version_that_scored_it(browser, sample_pack):
    """After an upgrade relabels a result's option, a response scored under the earlier version
    is still shown with that version's words (issue 15, item 5)."""
    import copy

    from harborline.protocols.packs import reset_registry
    from harborline.protocols.versions import record_definitions

    from .conftest import SAMPLE_PACK, write_pack

    record_definitions()
    response = browser.post("/protocols/sample/survey/", {"intent": "submit", "useful": "yes"})
    assert response.status_code == 302
    files = copy.deepcopy(SAMPLE_PACK)
    files["pack.yaml"]["version"] = "3.0.0"
    verdict = next(r for r in files["instruments/survey.yaml"]["results"] if r["id"] == "verdict")
    verdict["options"][0]["label"] = "Keep the course as it is"
    write_pack(sample_pack.parent, files)
    reset_registry()
    record_definitions()
    page = html(browser.get(response["Location"]))
    assert "scored with sample version 2.3.4" in page
    assert 'data-result="verdict">Keep the course</dd>' in page
    assert "Keep the course as it is" not in page

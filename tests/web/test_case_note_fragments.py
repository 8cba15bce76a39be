"""The case page fills in its "Add a note" disclosures from fragments rendered once per process
(`web.views.cases_page.NOTE_DISCLOSURES`, issue 11). A fragment holds nothing of a case, a youth
or a viewer — only the section it belongs to — and each page fills in its own CSRF token and
its own case's note address: the page is the same as the template renders it directly, and one
viewer's token or case never reaches another's page."""

from __future__ import annotations

import re

import pytest

from harborline.web.views import cases_page
from tests.web.test_cases_pages import _client, world  # noqa: F401 - fixture

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOTE_FORM = re.compile(r'<form [^>]*action="([^"]+/notes[^"]*)"')


def _tokenless(html: str) -> str:
    """The page with its CSRF token (in every form and the page's meta tag) as T."""
    (token,) = set(TOKEN.findall(html))
    return html.replace(token, "T")


def _page(client, case_id):
    r = client.get(f"/cases/{case_id}/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_page_is_what_the_template_renders_without_the_fragments(world, monkeypatch):  # noqa: F811
    world.note("safety", "Met at school", 2)
    world.note("advocate_privileged", "Privileged", 1)
    for viewer in (world.worker, world.mentor):
        client = _client(viewer)
        cases_page.NOTE_DISCLOSURES.clear()
        fast = _page(client, world.case.pk)
        assert cases_page.NOTE_DISCLOSURES  # filled in from fragments
        again = _page(client, world.case.pk)  # from the fragments kept
        monkeypatch.setattr(cases_page, "_note_disclosure", lambda *a: None)
        slow = _page(client, world.case.pk)  # every disclosure through the include
        monkeypatch.undo()
        same = [_tokenless(html) for html in (fast, again, slow)]
        assert same[0] == same[1] == same[2]
        # One token for the whole page, as before (_tokenless unpacks exactly one).
        assert "Add a note to" in fast


def test_one_viewers_token_and_case_never_reach_another_viewers_page(world):  # noqa: F811
    from harborline.cases import services as case_services

    other_case = case_services.open_case(
        actor=world.officer, youth={"first_name": "Ila", "last_name": "Moss", "dob": "2011-02-03"}
    )
    cases_page.NOTE_DISCLOSURES.clear()
    pages = {
        "worker": _page(_client(world.worker), world.case.pk),
        "officer": _page(_client(world.officer), other_case.pk),
    }
    tokens = {who: set(TOKEN.findall(html)) for who, html in pages.items()}
    assert all(len(found) == 1 for found in tokens.values())
    assert tokens["worker"] != tokens["officer"]
    assert not tokens["worker"] & set(TOKEN.findall(pages["officer"]))
    assert {f"/cases/{world.case.pk}/notes"} == set(NOTE_FORM.findall(pages["worker"]))
    assert {f"/cases/{other_case.pk}/notes"} == set(NOTE_FORM.findall(pages["officer"]))
    assert "Mara" not in pages["officer"] and "Ila" not in pages["worker"]
    # What is kept holds neither token, case nor youth: only markers and the section.
    for html in cases_page.NOTE_DISCLOSURES.values():
        assert not TOKEN.findall(html.replace(cases_page._TOKEN_MARK, ""))
        assert "/cases/" not in html and "Mara" not in html and "Ila" not in html


def test_a_note_sent_back_with_its_error_is_rendered_as_sent(world):  # noqa: F811
    client = _client(world.worker)
    r = client.post(f"/cases/{world.case.pk}/notes", {"compartment": "safety", "n-safety-text": ""})
    html = r.content.decode()
    assert r.status_code == 422
    section = html.split('id="section-safety"', 1)[1].split("</section>", 1)[0]
    assert "usa-form-group--error" in section and "<details open>" in section


@pytest.mark.parametrize("name", ["safety", "medical"])
def test_fragments_are_kept_per_section(world, name):  # noqa: F811
    cases_page.NOTE_DISCLOSURES.clear()
    html = _page(_client(world.worker), world.case.pk)
    assert "Add a note to" in html
    kept = [key for key in cases_page.NOTE_DISCLOSURES if key[2] == name]
    assert len(kept) == 1 and kept[0][1] == f"n-{name}"

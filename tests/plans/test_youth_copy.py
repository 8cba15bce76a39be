"""The youth-safe copy of a safety plan (issue 12): the page and the PDF, in English and Spanish,
carry the strategies and the contacts the youth chose, and never the exploiter's name, an
address, the youth's or the staff member's name, or the free-text notes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from harborline.audit.models import AuditEvent
from harborline.errors import InvalidInput
from harborline.response import plans
from harborline.response.youth_copy import build, pdf
from tests.factories import give_totp_device, sign_in

from .conftest import problem_fields, share

EXPLOITER = "Dex Marlowe"
ADDRESS = "4417 Larkspur Court"
PLAN: dict[str, Any] = {
    "youth_name": "Ana Reyes",
    "staff_name": "Robin Ash",
    "pre_call_911": True,
    "pre_go_bag": True,
    "pre_trusted_contacts": True,
    "pre_trusted_contacts_list": [
        {"name": "Aunt Lia", "phone": "775-555-0142"},
        {"name": EXPLOITER, "phone": "775-555-0199"},  # must never be printed
    ],
    "pre_cma_contact": True,
    "pre_cma_name": "Jordan Vale",
    "pre_cma_phone": "775-555-0110",
    "post_avoid_social_media": True,
    "post_identify_risky_places": True,
    "post_risky_places_notes": f"Stay away from {ADDRESS}, where {EXPLOITER} stays",
    "post_identify_unaware_family": True,
    "post_unaware_family_notes": "Cousin Tam, who knows Dex",
    "youth_signature": "Ana R.",
    "staff_signature": "Robin Ash",
}
NEVER = (
    EXPLOITER,
    "Marlowe",
    ADDRESS,
    "Larkspur",
    "Ana Reyes",
    "Robin Ash",
    "Cousin Tam",
    "Ana R.",
)


@pytest.fixture
def plan_id(world) -> int:
    r = world.client.post(
        f"/cases/{world.case_id}/safety-assessments",
        {"answers": {"trafficker_name": EXPLOITER, "known_associates": "Tam Q., Rell"}},
    )
    assert r.status_code == 201, r.content
    r = world.client.post(f"/cases/{world.case_id}/safety-plans", {"answers": PLAN})
    assert r.status_code == 201, r.content
    return r.json()["id"]


def _page_client(user) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_copy_carries_what_the_youth_chose_and_nothing_unsafe(world, plan_id, lang):
    copy, _, _ = plans.youth_copy(actor=world.caseworker, plan_id=plan_id, lang=lang)
    text = copy.text()
    for word in NEVER:
        assert word not in text, word
    assert "Aunt Lia" in text and "775-555-0142" in text and "Jordan Vale" in text
    assert "775-555-0199" not in text  # the exploiter's entry is left out whole
    assert "1-888-373-7888" in text and "9-1-1" in text
    if lang == "es":
        assert copy.title == "Mi plan de seguridad" and "Tengo una bolsa lista" in text
    else:
        assert copy.title == "My safety plan" and "I have a bag packed" in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_page_and_pdf(world, plan_id, lang):
    client = _page_client(world.caseworker)
    page = client.get(f"/safety-plans/{plan_id}/youth-copy?lang={lang}")
    assert page.status_code == 200
    html = page.content.decode()
    body = client.get(f"/safety-plans/{plan_id}/youth-copy.pdf?lang={lang}")
    assert body.status_code == 200 and body["content-type"] == "application/pdf"
    assert body.content.startswith(b"%PDF")
    raw = body.content.decode("latin-1")
    for word in NEVER:
        assert word not in html, word
        assert word not in raw, word
    assert "Aunt Lia" in html and "Aunt Lia" in raw
    exported = AuditEvent.objects.filter(object_type="response.safetyplan", action="export")
    assert exported.count() == 1 and exported.get().compartments == ["safety"]


def test_unknown_language_is_refused(world, plan_id):
    with pytest.raises(InvalidInput) as raised:
        plans.youth_copy(actor=world.caseworker, plan_id=plan_id, lang="fr")
    assert [e.field for e in raised.value.errors] == ["lang"]
    client = _page_client(world.caseworker)
    assert client.get(f"/safety-plans/{plan_id}/youth-copy.pdf?lang=fr").status_code == 422


def test_without_safety_the_copy_is_refused(world, plan_id, make_org, make_user):
    other = make_org("probation")
    share(world, other, ["identity"])
    reader = make_user(other, "caseworker")
    client = _page_client(reader)
    assert client.get(f"/safety-plans/{plan_id}/youth-copy").status_code == 403
    assert client.get(f"/safety-plans/{plan_id}/youth-copy.pdf").status_code == 403
    stranger = _page_client(make_user(make_org("probation"), "caseworker"))
    assert stranger.get(f"/safety-plans/{plan_id}/youth-copy.pdf").status_code == 404


def test_a_revision_says_what_changed(world, plan_id):
    r = world.client.post(f"/cases/{world.case_id}/safety-plans", {"answers": PLAN})
    assert r.status_code == 422 and "changes" in problem_fields(r)
    r = world.client.post(
        f"/cases/{world.case_id}/safety-plans",
        {"answers": {**PLAN, "post_emergency_phone": True}, "changes": "Emergency phone"},
    )
    assert r.status_code == 201 and r.json()["number"] == 2
    # The API (safety compartment) still holds the whole plan for the team.
    full = world.client.get(f"/safety-plans/{plan_id}").json()
    assert full["answers"]["post_risky_places_notes"].startswith("Stay away")


def test_the_pure_builder_drops_associates_too():
    copy = build(
        {
            "pre_trusted_contacts_list": [
                {"name": "Rell", "phone": "1"},
                {"name": "Mo", "phone": "2"},
            ]
        },
        number=1,
        lang="en",
        unsafe_names=["Rell"],
    )
    assert [who for who, _ in copy.contacts] == ["Mo"]
    assert pdf(copy).startswith(b"%PDF")

"""The needs-assessment pages (issue 12, item 2): the case page and the plans page link them; the
form records the first version and a new one that supersedes it (what changed beside its field
when missing, nothing written); the CANS ratings show as numbers, never item text; another
organization gets the same 404 as a missing case."""

from __future__ import annotations

from django.test import Client

from harborline.response.models import NeedsAssessment
from tests.factories import give_totp_device, sign_in
from tests.plans.conftest import share
from tests.plans.conftest import world as world  # the fixture: a child-welfare case, dob 2010


def _client(user) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


FORM = {
    "immediate_needs-0-area": "basic_needs",
    "immediate_needs-0-urgency": "basic",
    "immediate_needs-0-need": "A place to sleep tonight",
    "immediate_needs-0-youth_words": "Somewhere quiet",
    "strengths-0-area": "talents_interests",
    "strengths-0-strength": "I'm good at drawing",
    "youth_priorities-0-words": "Get back to school",
    "cans_trauma_ace": "r3",
    "cans_strengths": "r1",
}


def test_record_and_revise_through_the_pages(world):
    client = _client(world.caseworker)
    base = f"/cases/{world.case_id}/needs/"
    assert base in client.get(f"/cases/{world.case_id}/").content.decode()
    assert base in client.get(f"/cases/{world.case_id}/plans/").content.decode()
    page = client.get(base)
    assert page.status_code == 200 and "No needs assessment yet" in page.content.decode()
    assert client.get(base + "new").status_code == 200
    r = client.post(base + "new", {**FORM, "version": "0"})
    assert r.status_code == 302, r.content.decode()[:3000]
    page = client.get(base).content.decode()
    assert "Version 1" in page and "Get back to school" in page and "Somewhere quiet" in page
    assert "Potentially traumatic or adverse childhood experiences" in page
    # A new version: what changed is required, beside its field; nothing written.
    r = client.post(base + "new", {**FORM, "version": "1"})
    assert r.status_code == 422 and 'id="changes-error"' in r.content.decode()
    assert NeedsAssessment.objects.count() == 1
    # A bad answer is named beside its field.
    r = client.post(base + "new", {**FORM, "version": "1", "changes": "x", "cans_trauma_ace": "9"})
    assert r.status_code == 422 and "f-cans_trauma_ace" in r.content.decode()
    assert NeedsAssessment.objects.count() == 1
    r = client.post(
        base + "new", {**FORM, "version": "1", "changes": "Re-rated", "cans_trauma_ace": "r2"}
    )
    assert r.status_code == 302
    assert list(NeedsAssessment.objects.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]
    first = NeedsAssessment.objects.get(number=1)
    old = client.get(f"/needs-assessments/{first.pk}/")
    assert old.status_code == 200 and "version 1" in old.content.decode()


def test_another_organization_gets_404(world, make_org, make_user):
    client = _client(world.caseworker)
    client.post(f"/cases/{world.case_id}/needs/new", {**FORM, "version": "0"})
    stranger = _client(make_user(make_org("law_enforcement"), "caseworker"))
    assessment = NeedsAssessment.objects.get()
    for path in (
        f"/cases/{world.case_id}/needs/",
        f"/cases/{world.case_id}/needs/new",
        f"/needs-assessments/{assessment.pk}/",
    ):
        assert stranger.get(path).status_code == 404, path
    assert stranger.post(f"/cases/{world.case_id}/needs/new", FORM).status_code == 404
    assert NeedsAssessment.objects.count() == 1


def test_without_the_safety_compartment_the_page_is_refused(world, make_org, make_user):
    probation = make_org("probation")
    share(world, probation, ["identity", "screening"])
    officer = _client(make_user(probation, "caseworker"))
    assert officer.get(f"/cases/{world.case_id}/needs/").status_code == 403
    assert officer.post(f"/cases/{world.case_id}/needs/new", FORM).status_code == 403
    assert not NeedsAssessment.objects.exists()

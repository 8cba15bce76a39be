"""The agreements pages: list, add, detail, checklist, signatures and DSA duties."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from harborline.agreements.models import Agreement
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

from .factories import make_dsa, make_mou

pytestmark = pytest.mark.django_db


def signed_in(role, org):
    user = UserFactory(role=role, org=org)
    give_totp_device(user)
    return sign_in(Client(), user), user


@pytest.fixture
def orgs():
    return (
        OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare"),
        OrganizationFactory(slug="reno-pd", name="Reno Police", type="law_enforcement"),
    )


def test_org_admin_adds_an_mou_then_signs_and_fills_the_checklist(orgs):
    cw, pd = orgs
    client, _ = signed_in("org_admin", cw)
    page = client.get(reverse("web:agreement_add") + "?kind=mou")
    assert page.status_code == 200
    response = client.post(
        reverse("web:agreement_add"),
        {
            "kind": "mou",
            "reference": "mou-washoe-2026-01",
            "title": "Washoe MDT MOU",
            "parties": [cw.pk, pd.pk],
            "effective_on": "2026-01-01",
            "expires_on": "2027-12-31",
            "compartments": ["identity", "safety"],
            "purposes": ["service_coordination"],
        },
    )
    mou = Agreement.objects.get()
    assert response.status_code == 302 and mou.reference == "MOU-WASHOE-2026-01"
    detail = client.get(reverse("web:agreement_detail", args=[mou.pk]))
    assert b"Awaiting signatures" in detail.content
    assert reverse("web:agreement_sign", args=[mou.pk, cw.pk]).encode() in detail.content
    assert reverse("web:agreement_sign", args=[mou.pk, pd.pk]).encode() not in detail.content
    signed = client.post(
        reverse("web:agreement_sign", args=[mou.pk, cw.pk]),
        {"signatory_name": "Synthetic Director", "signed_on": "2025-12-20"},
    )
    assert signed.status_code == 302
    bad = client.post(
        reverse("web:agreement_checklist", args=[mou.pk]),
        {"version": Agreement.objects.get().version, "present-MOU-1": "1", "location-MOU-1": ""},
    )
    assert bad.status_code == 422 and b"say where in the document" in bad.content
    good = client.post(
        reverse("web:agreement_checklist", args=[mou.pk]),
        {
            "version": Agreement.objects.get().version,
            "present-MOU-1": "1",
            "location-MOU-1": "Section 1",
        },
    )
    assert good.status_code == 302
    assert (
        b"1 of 13 elements covered"
        in client.get(reverse("web:agreement_detail", args=[mou.pk])).content
    )


def test_bad_input_is_shown_beside_the_field(orgs):
    cw, pd = orgs
    client, _ = signed_in("org_admin", cw)
    response = client.post(
        reverse("web:agreement_add"),
        {"kind": "mou", "reference": "!", "title": "x", "parties": [pd.pk]},
    )
    assert response.status_code == 422
    assert b"Include your own organization" in response.content
    assert not Agreement.objects.exists()


def test_pages_hide_agreements_of_other_organizations(orgs):
    cw, pd = orgs
    mou = make_mou([cw, pd])
    client, _ = signed_in("caseworker", OrganizationFactory(slug="x", name="X"))
    assert client.get(reverse("web:agreement_detail", args=[mou.pk])).status_code == 404
    assert b"MOU-WASHOE-2026-01" not in client.get(reverse("web:agreements")).content
    assert client.get(reverse("web:agreement_add")).status_code == 404


def test_coordinator_reads_their_task_forces_agreements_but_cannot_change_one(orgs):
    from harborline.taskforce.models import Member, TaskForce

    cw, pd = orgs
    mou = make_mou([cw, pd])
    tf = OrganizationFactory(slug="tf", name="Task force", type="task_force")
    client, coordinator = signed_in("coordinator", tf)
    assert b"MOU-WASHOE-2026-01" not in client.get(reverse("web:agreements")).content
    assert client.get(reverse("web:agreement_detail", args=[mou.pk])).status_code == 404
    taskforce = TaskForce.objects.create(name="Northern", pack="nevada", coordinator=coordinator)
    Member.objects.create(taskforce=taskforce, organization=cw, category="child_welfare")
    assert b"MOU-WASHOE-2026-01" in client.get(reverse("web:agreements")).content
    assert client.get(reverse("web:agreement_detail", args=[mou.pk])).status_code == 200
    assert client.get(reverse("web:agreement_edit", args=[mou.pk])).status_code == 404


def test_duties_page_flags_the_missed_submission(orgs):
    cw, _ = orgs
    dsa = make_dsa(cw)
    client, _ = signed_in("org_admin", cw)
    page = client.get(reverse("web:dsa_duties"))
    assert page.status_code == 200
    assert b"Overdue" in page.content and b"DSA-SAC-2026-01" in page.content
    response = client.post(
        reverse("web:dsa_submission", args=[dsa.pk]),
        {"due_year": "2025", "submitted_on": "2025-01-29"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("web:dsa_breach", args=[dsa.pk]),
        {"reported_at": "2026-11-20T09:30", "description": "Sent to the wrong mailbox."},
    )
    assert response.status_code == 302
    detail = client.get(reverse("web:agreement_detail", args=[dsa.pk]))
    assert b"Breach log" in detail.content and b"2026-11-20 09:30" in detail.content
    notice = client.post(
        reverse("web:agreement_notice", args=[dsa.pk]),
        {"by_organization": cw.pk, "notice_on": "2026-11-30"},
    )
    assert notice.status_code == 302
    assert Agreement.objects.get(pk=dsa.pk).terminates_on == date(2026, 12, 30)


def test_pages_that_do_not_exist_for_the_person_are_404(orgs):
    """Each refusal the selectors make for a page (issue 11: no `raise Http404` in the views):
    the checklist of a DSA, a DSA's duty pages on an MOU, another party's signature, an
    organization that is no party, and a caseworker's duty and edit pages."""
    cw, pd = orgs
    mou = make_mou([cw, pd], signed=False)
    dsa = make_dsa(cw, signed_on=None)
    admin, _ = signed_in("org_admin", cw)
    assert admin.get(reverse("web:agreement_checklist", args=[mou.pk])).status_code == 200
    assert admin.get(reverse("web:agreement_checklist", args=[dsa.pk])).status_code == 404
    assert admin.get(reverse("web:dsa_submission", args=[dsa.pk])).status_code == 200
    assert admin.get(reverse("web:dsa_submission", args=[mou.pk])).status_code == 404
    assert admin.get(reverse("web:dsa_terms", args=[mou.pk])).status_code == 404
    assert admin.get(reverse("web:agreement_notice", args=[mou.pk])).status_code == 200
    assert admin.get(reverse("web:agreement_sign", args=[mou.pk, cw.pk])).status_code == 200
    assert admin.get(reverse("web:agreement_sign", args=[mou.pk, pd.pk])).status_code == 404
    other = OrganizationFactory(slug="other", name="Other")
    assert admin.get(reverse("web:agreement_sign", args=[mou.pk, other.pk])).status_code == 404
    worker, _ = signed_in("caseworker", cw)
    assert worker.get(reverse("web:agreement_detail", args=[dsa.pk])).status_code == 200
    for page in ("dsa_submission", "dsa_breach", "agreement_notice", "agreement_edit"):
        assert worker.get(reverse(f"web:{page}", args=[dsa.pk])).status_code == 404
    assert worker.post(reverse("web:agreement_add"), {"kind": "mou"}).status_code == 404
    assert admin.get(reverse("web:agreement_add") + "?kind=treaty").status_code == 404

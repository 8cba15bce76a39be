"""Shares through the API: exactly the shared compartments, role-scoped shares, expiry, ending a
share, validation that names the field and writes nothing, the MOU basis, and the audit chain."""

from __future__ import annotations

from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from harborline.access.models import Consent, Share
from harborline.audit.chain import verify
from harborline.audit.models import AuditEvent

from . import factories as f
from .table import COMPARTMENTS, ORG_TYPES, PRIVILEGE_BARRED_ORG_TYPES

pytestmark = pytest.mark.django_db

PARTIAL = ["screening", "safety", "education"]


@pytest.fixture
def owner():
    org = f.org("child_welfare")
    return f.user(org, "caseworker")


def share_body(recipient, names, **extra):
    body = {
        "organization": recipient.slug,
        "compartments": names,
        "purpose": "service coordination",
        "basis": {"type": "court_order", "reference": "24-JV-118"},
        "expires_at": f.later(),
    }
    body.update(extra)
    return body


def sections(client, case_id):
    r = client.get(f"/cases/{case_id}")
    return set(r.json()["sections"]) if r.status_code == 200 else r.status_code


@pytest.mark.parametrize("org_type", ORG_TYPES)
def test_another_organization_sees_exactly_the_shared_compartments(owner, org_type):
    made = f.case(owner)
    other = f.org(org_type)
    caseworker, coordinator = (
        f.Api(f.user(other, "caseworker")),
        f.Api(f.user(other, "coordinator")),
    )
    missing = caseworker.get(f"/cases/{f.MISSING_CASE}")
    assert sections(caseworker, made.pk) == 404
    assert caseworker.get(f"/cases/{made.pk}").json() == missing.json()
    shared = PARTIAL + ([] if org_type in PRIVILEGE_BARRED_ORG_TYPES else ["advocate_privileged"])
    r = f.Api(owner).post(f"/cases/{made.pk}/shares", share_body(other, shared))
    assert r.status_code == 201, r.content
    assert sections(caseworker, made.pk) == set(shared)
    # A coordinator does not hold privileged notes; the rest of the share is theirs too.
    assert sections(coordinator, made.pk) == set(PARTIAL)
    body = caseworker.get(f"/cases/{made.pk}").content.decode()
    for name in set(COMPARTMENTS) - set(shared):
        assert f.note_text(name) not in body


def test_a_share_to_a_role_opens_the_case_to_that_role_only(owner):
    made = f.case(owner)
    other = f.org("mental_health")
    supervisor, caseworker = (f.Api(f.user(other, role)) for role in ("supervisor", "caseworker"))
    r = f.Api(owner).post(
        f"/cases/{made.pk}/shares", share_body(other, ["mental_health"], role="supervisor")
    )
    assert r.status_code == 201, r.content
    assert sections(supervisor, made.pk) == {"mental_health"}
    assert sections(caseworker, made.pk) == 404


def test_a_share_gives_no_access_once_it_expires(owner):
    made = f.case(owner)
    other = f.org("medical")
    reader = f.Api(f.user(other, "caseworker"))
    ends = timezone.now() + timedelta(hours=6)  # within the API token's day
    r = f.Api(owner).post(
        f"/cases/{made.pk}/shares", share_body(other, ["medical"], expires_at=ends.isoformat())
    )
    assert r.status_code == 201, r.content
    assert sections(reader, made.pk) == {"medical"}
    with mock.patch("django.utils.timezone.now", return_value=ends - timedelta(seconds=1)):
        assert sections(reader, made.pk) == {"medical"}
    with mock.patch("django.utils.timezone.now", return_value=ends):
        assert sections(reader, made.pk) == 404
    Share.objects.filter(pk=r.json()["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert sections(reader, made.pk) == 404


def test_deleting_a_share_ends_access_at_once_and_only_the_owner_may(owner):
    made = f.case(owner)
    other = f.org("education")
    reader = f.Api(f.user(other, "caseworker"))
    r = f.Api(owner).post(f"/cases/{made.pk}/shares", share_body(other, ["education"]))
    share_id = r.json()["id"]
    missing = reader.delete(f"/shares/{f.MISSING_CASE}")
    # The recipient cannot withdraw the owner's share (they may open the case: 403).
    assert reader.delete(f"/shares/{share_id}").status_code == 403
    stranger = f.Api(f.user(f.org("medical"), "supervisor"))
    hidden = stranger.delete(f"/shares/{share_id}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert f.Api(owner).delete(f"/shares/{share_id}").status_code == 204
    assert sections(reader, made.pk) == 404
    share = Share.objects.get(pk=share_id)
    assert share.end_reason == "deleted" and share.ended_by == owner


def _counts():
    return Share.objects.count(), Consent.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organization": "no-such-organization"}, "organization"),
        ({"compartments": ["identity", "horoscope"]}, "compartments"),
        ({"compartments": []}, "compartments"),
        ({"role": "detective"}, "role"),
        ({"purpose": "  "}, "purpose"),
        ({"basis": {"type": "hunch", "reference": "X"}}, "basis.type"),
        ({"basis": {"type": "court_order", "reference": ""}}, "basis.reference"),
        ({"expires_at": "2020-01-01T00:00:00+00:00"}, "expires_at"),
        ({"expires_at": "2099-01-01T00:00:00"}, "expires_at"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_bad_share_names_the_field_and_writes_nothing(owner, change, field):
    made = f.case(owner)
    other = f.org("mental_health")
    client = f.Api(owner)
    before = _counts()
    r = client.post(f"/cases/{made.pk}/shares", share_body(other, ["screening"], **change))
    assert r.status_code == 422, r.content
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert field in f.problem_fields(r), r.json()
    assert _counts() == before


def test_sharing_with_the_owning_organization_is_refused(owner):
    made = f.case(owner)
    client = f.Api(owner)
    before = _counts()
    own = owner.membership.organization
    r = client.post(f"/cases/{made.pk}/shares", share_body(own, ["screening"]))
    assert r.status_code == 422
    assert "organization" in f.problem_fields(r)
    assert _counts() == before


def test_advocate_privileged_notes_cannot_be_shared_with_law_enforcement(owner):
    made = f.case(owner)
    police = f.org("law_enforcement")
    client = f.Api(owner)
    before = _counts()
    r = client.post(
        f"/cases/{made.pk}/shares", share_body(police, ["identity", "advocate_privileged"])
    )
    assert r.status_code == 422
    assert "compartments" in f.problem_fields(r)
    assert _counts() == before


# --- the MOU basis (agreements.services.check_mou_basis) ------------------------------------


def _mou(owner_org, recipient):
    from tests.agreements.factories import make_mou

    today = timezone.localdate()
    return make_mou(
        [owner_org, recipient],
        reference="MOU-ACCESS-TEST-1",
        compartments=("identity", "contact", "screening", "safety"),
        purposes=("service_coordination", "safety_planning"),
        effective_on=today - timedelta(days=30),
        expires_on=today + timedelta(days=365),
        signed_on=today - timedelta(days=40),
    )


def test_an_mou_basis_covers_only_the_compartments_it_names(owner):
    made = f.case(owner)
    partner = f.org("community_advocacy")
    mou = _mou(owner.membership.organization, partner)
    client = f.Api(owner)
    basis = {"type": "mou", "reference": mou.reference}
    before = _counts()
    r = client.post(
        f"/cases/{made.pk}/shares",
        share_body(
            partner, ["identity", "mental_health"], basis=basis, purpose="service_coordination"
        ),
    )
    assert r.status_code == 422, r.content
    assert "mental_health" in f.problem_fields(r)["compartments"]
    assert _counts() == before
    r = client.post(
        f"/cases/{made.pk}/shares",
        share_body(partner, ["identity", "safety"], basis=basis, purpose="safety_planning"),
    )
    assert r.status_code == 201, r.content
    reader = f.Api(f.user(partner, "mentor_advocate"))
    assert sections(reader, made.pk) == {"identity", "safety"}


def test_an_mou_the_recipient_is_not_party_to_is_no_basis(owner):
    made = f.case(owner)
    partner, outsider = f.org("community_advocacy"), f.org("medical")
    mou = _mou(owner.membership.organization, partner)
    client = f.Api(owner)
    before = _counts()
    r = client.post(
        f"/cases/{made.pk}/shares",
        share_body(
            outsider,
            ["identity"],
            basis={"type": "mou", "reference": mou.reference},
            purpose="service_coordination",
        ),
    )
    assert r.status_code == 422
    assert "basis.reference" in f.problem_fields(r)
    assert _counts() == before


# --- the audit chain ------------------------------------------------------------------------


def _events(case, action, object_type):
    return list(
        AuditEvent.objects.filter(
            youth_id=case.youth_id, action=action, object_type=object_type
        ).order_by("seq")
    )


def test_every_share_consent_revoke_delete_note_and_read_is_in_the_audit_chain(owner):
    made = f.case(owner, dob=(date.today() - timedelta(days=365 * 10)).isoformat())
    owner_org = owner.membership.organization
    other = f.org("mental_health")
    reader = f.Api(f.user(other, "caseworker"))
    client = f.Api(owner)

    r = client.post(
        f"/cases/{made.pk}/consents",
        {
            "kind": "parent_guardian",
            "given_by": "Synthetic Parent",
            "recipients": [other.slug],
            "compartments": ["screening", "mental_health"],
            "purpose": "therapy",
            "evidence": "signed_form",
            "evidence_reference": "FORM-1",
        },
    )
    assert r.status_code == 201, r.content
    consent_id = r.json()["id"]
    r = client.post(
        f"/cases/{made.pk}/shares",
        share_body(
            other,
            ["screening", "mental_health"],
            purpose="therapy",
            basis={"type": "consent", "reference": ""},
        ),
    )
    assert r.status_code == 201, r.content
    consent_share = r.json()["id"]
    r = client.post(f"/cases/{made.pk}/shares", share_body(other, ["education"]))
    order_share = r.json()["id"]
    assert reader.get(f"/cases/{made.pk}").status_code == 200
    r = reader.post(f"/cases/{made.pk}/notes", {"compartment": "mental_health", "text": "Seen."})
    assert r.status_code == 201, r.content
    note_id = r.json()["id"]
    assert client.post(f"/consents/{consent_id}/revoke", {"reason": "withdrawn"}).status_code == 200
    assert client.delete(f"/shares/{order_share}").status_code == 204

    def one(action, object_type, object_id):
        rows = [e for e in _events(made, action, object_type) if e.object_id == str(object_id)]
        assert len(rows) == 1, (action, object_type, object_id, rows)
        event = rows[0]
        assert event.owner_org_id == owner_org.pk
        assert event.youth_id == made.youth_id
        return event

    consent_event = one("create", "access.consent", consent_id)
    assert consent_event.compartments == ["mental_health", "screening"]
    assert consent_event.actor_id == owner.pk

    shared = one("share", "access.share", consent_share)
    assert shared.compartments == ["mental_health", "screening"]
    assert shared.legal_basis == f"consent:{consent_id}"
    assert shared.purpose == "therapy"
    assert shared.detail["recipient"] == other.slug

    ordered = one("share", "access.share", order_share)
    assert ordered.legal_basis == "court_order:24-JV-118"
    assert ordered.compartments == ["education"]

    revoked = one("update", "access.consent", consent_id)
    assert revoked.detail["revoked"] is True
    assert revoked.detail["shares_ended"] == [consent_share]

    deleted = one("delete", "access.share", order_share)
    assert deleted.compartments == ["education"]

    note = one("create", "cases.note", note_id)
    assert note.compartments == ["mental_health"]
    assert note.org_id == other.pk
    assert "court_order:24-JV-118" in note.legal_basis
    assert f"consent:{consent_id}" in note.legal_basis

    (read,) = [e for e in _events(made, "view", "cases.case") if e.actor_id == reader.user.pk]
    assert read.compartments == ["education", "mental_health", "screening"]
    assert read.org_id == other.pk
    assert "court_order:24-JV-118" in read.legal_basis

    assert verify().ok

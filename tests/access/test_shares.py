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
from harborline.cases.models import Case
from harborline.errors import InvalidInput

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
    # The owner's share (on a court order) never opens advocate-privileged notes: they belong
    # to the advocates' organizations (decision 0043); the rest of the share is the
    # caseworker's and the coordinator's alike.
    assert sections(caseworker, made.pk) == set(PARTIAL)
    assert sections(coordinator, made.pk) == set(PARTIAL)
    body = caseworker.get(f"/cases/{made.pk}").content.decode()
    for name in set(COMPARTMENTS) - set(PARTIAL):
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
    # The field, or an item of it by its JSON path (`compartments[1]`).
    named = f.problem_fields(r)
    assert any(name == field or name.startswith(f"{field}[") for name in named), r.json()
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


# --- a share reads and adds notes; changing the owner's record needs the owner's grant ---------

CHANGES = {
    "identity": ("patch", "/cases/{id}/youth", {"first_name": "Changed"}),
    "contact": ("patch", "/cases/{id}/youth", {"contacts": [{"kind": "phone", "value": "1"}]}),
    "placement_address": ("put", "/cases/{id}/placement", {"address": "Somewhere else"}),
    "legal": ("post", "/cases/{id}/references", {"kind": "le_report", "value": "LE-1"}),
    "identity (UNITY ID)": ("post", "/cases/{id}/references", {"kind": "unity", "value": "U-1"}),
}


def _change(client, case_id, what):
    method, path, body = CHANGES[what]
    if method != "post":
        body = {**body, "version": Case.objects.get(pk=case_id).version}
    return getattr(client, method)(path.replace("{id}", str(case_id)), body)


def _record(made):
    made.refresh_from_db()
    youth = made.youth
    youth.refresh_from_db()
    return (
        youth.first_name,
        youth.contacts,
        made.placement_address,
        sorted(r.value for r in made.references.all()),
        made.version,
    )


@pytest.mark.parametrize("what", list(CHANGES))
def test_a_share_without_the_grant_reads_and_adds_notes_but_changes_nothing(owner, what):
    """Issue 10, hole 4: with a share of identity and contact, a law-enforcement caseworker's
    PATCH /cases/{id}/youth answered 200."""
    made = f.case(owner)
    police = f.org("law_enforcement")
    detective = f.Api(f.user(police, "caseworker"))
    r = f.Api(owner).post(
        f"/cases/{made.pk}/shares",
        share_body(police, ["identity", "contact", "placement_address", "legal"]),
    )
    assert r.status_code == 201, r.content
    assert Share.objects.get(pk=r.json()["id"]).may_edit is False  # off unless asked for
    seen = detective.get(f"/cases/{made.pk}").json()
    assert {"identity", "contact"} <= set(seen["sections"]) and seen["editable"] == []
    before = _record(made)
    refused = _change(detective, made.pk, what)
    assert refused.status_code == 403, refused.content
    assert "only the organization that owns the case may change it" in refused.json()["detail"]
    assert _record(made) == before
    note = detective.post(f"/cases/{made.pk}/notes", {"compartment": "identity", "text": "Seen."})
    assert note.status_code == 201


@pytest.mark.parametrize("what", list(CHANGES))
def test_the_owners_explicit_grant_lets_the_other_organization_change_what_is_shared(owner, what):
    made = f.case(owner)
    police = f.org("law_enforcement")
    detective = f.Api(f.user(police, "caseworker"))
    shared = ["identity", "contact", "placement_address", "legal"]
    r = f.Api(owner).post(f"/cases/{made.pk}/shares", share_body(police, shared, may_edit=True))
    assert r.status_code == 201, r.content
    assert detective.get(f"/cases/{made.pk}").json()["editable"] == shared
    before = _record(made)
    changed = _change(detective, made.pk, what)
    assert changed.status_code in (200, 201), changed.content
    assert _record(made) != before
    event = AuditEvent.objects.filter(actor_id=detective.user.pk).latest("seq")
    assert event.action in ("update", "create") and event.legal_basis == "court_order:24-JV-118"


def test_the_grant_covers_only_the_shared_compartments_and_only_case_managers(owner):
    made = f.case(owner)
    police = f.org("law_enforcement")
    detective = f.Api(f.user(police, "caseworker"))
    coordinator = f.Api(f.user(police, "coordinator"))
    owner_api = f.Api(owner)
    r = owner_api.post(f"/cases/{made.pk}/shares", share_body(police, ["legal"], may_edit=True))
    assert r.status_code == 201
    r = owner_api.post(f"/cases/{made.pk}/shares", share_body(police, ["identity", "contact"]))
    assert r.status_code == 201
    assert detective.get(f"/cases/{made.pk}").json()["editable"] == ["legal"]
    assert _change(detective, made.pk, "legal").status_code == 201
    for what in ("identity", "contact", "identity (UNITY ID)"):
        assert _change(detective, made.pk, what).status_code == 403, what
    # Identity and contacts in one change need the right to change both.
    both = detective.patch(
        f"/cases/{made.pk}/youth",
        {"version": made.version, "first_name": "X", "contacts": [{"value": "1"}]},
    )
    assert both.status_code == 403
    # A coordinator sees the shared compartments but does not do case work.
    assert coordinator.get(f"/cases/{made.pk}").json()["editable"] == []
    assert _change(coordinator, made.pk, "legal").status_code == 403
    # The case itself — team, status, sharing — stays the owner's, whatever the grant.
    r = detective.post(
        f"/cases/{made.pk}/shares", share_body(f.org("medical"), ["legal"], may_edit=True)
    )
    assert r.status_code == 403
    r = detective.post(f"/cases/{made.pk}/status", {"version": made.version, "status": "closed"})
    assert r.status_code == 403


def test_break_glass_reads_but_never_changes_the_record(owner):
    made = f.case(owner)
    opener = f.Api(f.user(f.org("medical"), "supervisor"))
    r = opener.post(f"/cases/{made.pk}/break-glass", {"reason": "Youth missing since last night."})
    assert r.status_code == 201
    assert opener.get(f"/cases/{made.pk}").json()["editable"] == []
    before = _record(made)
    for what in CHANGES:
        assert _change(opener, made.pk, what).status_code == 403, what
    assert _record(made) == before


def test_the_owners_case_managers_change_the_record_and_its_other_roles_do_not(owner):
    made = f.case(owner)
    supervisor = f.Api(f.user(owner.membership.organization, "supervisor"))
    coordinator = f.Api(f.user(owner.membership.organization, "coordinator"))
    assert supervisor.get(f"/cases/{made.pk}").json()["editable"] == [
        "identity",
        "contact",
        "placement_address",
        "screening",
        "safety",
        "medical",
        "mental_health",
        "substance_use",
        "education",
        "legal",
    ]  # a child-welfare supervisor is no advocate: no privileged notes (decision 0043)
    assert _change(supervisor, made.pk, "identity").status_code == 200
    assert coordinator.get(f"/cases/{made.pk}").json()["editable"] == []
    assert _change(coordinator, made.pk, "identity").status_code == 403
    note = coordinator.post(f"/cases/{made.pk}/notes", {"compartment": "safety", "text": "Met."})
    assert note.status_code == 201


def test_the_grant_is_recorded_in_the_audit_chain_and_defaults_to_off(owner):
    made = f.case(owner)
    owner_api = f.Api(owner)
    plain = owner_api.post(f"/cases/{made.pk}/shares", share_body(f.org("medical"), ["identity"]))
    granted = owner_api.post(
        f"/cases/{made.pk}/shares", share_body(f.org("medical"), ["identity"], may_edit=True)
    )
    events = {
        e.object_id: e.detail["may_edit"]
        for e in AuditEvent.objects.filter(action="share", object_type="access.share")
    }
    assert events == {str(plain.json()["id"]): False, str(granted.json()["id"]): True}
    r = owner_api.post(
        f"/cases/{made.pk}/shares", share_body(f.org("medical"), ["identity"], may_edit="maybe")
    )
    assert r.status_code == 422 and "may_edit" in f.problem_fields(r)
    assert verify().ok


def test_a_dry_run_checks_everything_and_writes_nothing(owner):
    """The sharing wizard asks create_share with dry_run at every step: the same checks, the
    share returned unsaved, no row and no audit record."""
    from harborline.sharing.services import create_share

    made = f.case(owner)
    other = f.org("mental_health")
    before = _counts()
    ask = {
        "actor": owner,
        "case_id": made.pk,
        "organization": other.slug,
        "compartments": ["screening"],
        "purpose": "service coordination",
        "basis_type": "court_order",
        "basis_reference": "24-JV-118",
        "expires_at": timezone.now() + timedelta(days=30),
        "dry_run": True,
    }
    share = create_share(**ask)
    assert share.pk is None and share.organization == other
    assert _counts() == before
    with pytest.raises(InvalidInput, match="purpose"):
        create_share(**{**ask, "purpose": " "})
    assert _counts() == before

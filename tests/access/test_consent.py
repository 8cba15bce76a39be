"""Shares resting on consent, by the Nevada pack's age rules (protocols/packs/nevada/consent.yaml,
decision 0009): under 14 a parent, guardian or the court; 14 to 17 the youth's assent AND a
parent, guardian or the court; 18 and over the youth; an unknown date of birth the strictest
rule. Through the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from harborline.access.models import Consent, Share
from harborline.audit.models import AuditEvent

from . import factories as f

pytestmark = pytest.mark.django_db

SHARED = ["screening", "mental_health"]
YOUTH = "youth's own assent"
PARENT = "parent or guardian consent"
COURT = "court consent"


def born(years: int, days: int = 0) -> str:
    """The date of birth of a youth who is `years` old today, `days` before their birthday
    (days=0: today is the birthday)."""
    today = timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = date(today.year - years, 3, 1)
    return (birthday + timedelta(days=days)).isoformat()


@pytest.fixture
def world():
    owner_org, recipient = f.org("child_welfare"), f.org("mental_health")
    owner = f.user(owner_org, "caseworker")
    return owner, recipient, f.Api(owner), f.Api(f.user(recipient, "caseworker"))


def consent(client, case_id, kind, recipient, compartments=SHARED, **extra):
    body = {
        "kind": kind,
        "given_by": "Synthetic Person",
        "recipients": [recipient.slug],
        "compartments": compartments,
        "purpose": "therapy",
        "evidence": "attestation",
        "attestation": "Given in person at intake.",
    }
    body.update(extra)
    r = client.post(f"/cases/{case_id}/consents", body)
    assert r.status_code == 201, r.content
    return r.json()["id"]


def share(client, case_id, recipient, compartments=SHARED):
    return client.post(
        f"/cases/{case_id}/shares",
        {
            "organization": recipient.slug,
            "compartments": compartments,
            "purpose": "therapy",
            "basis": {"type": "consent", "reference": ""},
            "expires_at": f.later(),
        },
    )


def counts():
    return Share.objects.count(), AuditEvent.objects.filter(action="share").count()


@pytest.mark.parametrize(
    ("dob", "kinds", "missing"),
    [
        # under 14: a parent or guardian, or the court, suffices
        pytest.param(born(10), ["parent_guardian"], None, id="10-parent"),
        pytest.param(born(10), ["court"], None, id="10-court"),
        pytest.param(born(14, days=1), ["parent_guardian"], None, id="13-tomorrow-14-parent"),
        pytest.param(born(10), ["youth_assent"], [PARENT, COURT], id="10-youth-only"),
        pytest.param(born(10), [], [PARENT, COURT], id="10-nothing"),
        # 14 to 17: the youth's assent AND a parent, guardian or the court
        pytest.param(born(14), ["parent_guardian"], [YOUTH], id="14-today-parent-only"),
        pytest.param(born(15), ["youth_assent"], [PARENT, COURT], id="15-youth-only"),
        pytest.param(born(15), ["court"], [YOUTH], id="15-court-only"),
        pytest.param(born(15), ["youth_assent", "parent_guardian"], None, id="15-youth-parent"),
        pytest.param(born(17), ["youth_assent", "court"], None, id="17-youth-court"),
        pytest.param(born(18, days=1), ["parent_guardian"], [YOUTH], id="17-tomorrow-18-parent"),
        # 18 and over: the youth alone
        pytest.param(born(18), ["youth_assent"], None, id="18-today-youth"),
        pytest.param(born(19), ["parent_guardian"], [YOUTH], id="19-parent-only"),
        # unknown date of birth: the strictest rule (both)
        pytest.param("", ["youth_assent", "parent_guardian"], None, id="unknown-youth-parent"),
        pytest.param("", ["youth_assent"], [PARENT, COURT], id="unknown-youth-only"),
        pytest.param("", ["parent_guardian"], [YOUTH], id="unknown-parent-only"),
    ],
)
def test_a_consent_share_needs_what_the_age_rule_names(world, dob, kinds, missing):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=dob)
    for kind in kinds:
        consent(client, made.pk, kind, recipient)
    before = counts()
    r = share(client, made.pk, recipient)
    if missing is None:
        assert r.status_code == 201, r.content
        assert set(reader.get(f"/cases/{made.pk}").json()["sections"]) == set(SHARED)
        return
    assert r.status_code == 422, r.content
    message = f.problem_fields(r)["basis.reference"]
    for words in missing:
        assert words in message, message
    assert counts() == before
    assert reader.get(f"/cases/{made.pk}").status_code == 404


@pytest.mark.parametrize("revoked", ["youth_assent", "parent_guardian"])
def test_revoking_either_consent_ends_the_share_at_once(world, revoked):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=born(15))
    ids = {
        kind: consent(client, made.pk, kind, recipient)
        for kind in ("youth_assent", "parent_guardian")
    }
    r = share(client, made.pk, recipient)
    assert r.status_code == 201, r.content
    assert reader.get(f"/cases/{made.pk}").status_code == 200
    missing = reader.get(f"/cases/{f.MISSING_CASE}")
    assert (
        client.post(f"/consents/{ids[revoked]}/revoke", {"reason": "withdrawn"}).status_code == 200
    )
    hidden = reader.get(f"/cases/{made.pk}")
    assert hidden.status_code == 404
    assert hidden.json() == missing.json()
    ended = Share.objects.get(pk=r.json()["id"])
    assert ended.ended_at is not None and ended.end_reason == "consent_revoked"
    # A revoked consent is no basis for a new share either.
    assert share(client, made.pk, recipient).status_code == 422


def test_an_expired_consent_does_not_count(world):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=born(10))
    soon = (timezone.now() + timedelta(hours=1)).isoformat()
    consent_id = consent(client, made.pk, "parent_guardian", recipient, expires_at=soon)
    Consent.objects.filter(pk=consent_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = counts()
    r = share(client, made.pk, recipient)
    assert r.status_code == 422
    assert "basis.reference" in f.problem_fields(r)
    assert counts() == before


def test_a_share_resting_on_consent_ends_when_the_consent_expires(world):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=born(10))
    soon = timezone.now() + timedelta(hours=2)
    consent(client, made.pk, "parent_guardian", recipient, expires_at=soon.isoformat())
    r = share(client, made.pk, recipient)  # the share asks for 30 days
    assert r.status_code == 201, r.content
    assert reader.get(f"/cases/{made.pk}").status_code == 200
    Consent.objects.filter(shares=r.json()["id"]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert reader.get(f"/cases/{made.pk}").status_code == 404


def test_consent_for_other_compartments_does_not_count(world):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=born(19))
    consent(client, made.pk, "youth_assent", recipient, compartments=["screening"])
    r = share(client, made.pk, recipient, ["screening", "mental_health"])
    assert r.status_code == 422
    assert "basis.reference" in f.problem_fields(r)
    assert share(client, made.pk, recipient, ["screening"]).status_code == 201


def test_consent_for_another_recipient_does_not_count(world):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=born(19))
    elsewhere = f.org("medical")
    consent(client, made.pk, "youth_assent", elsewhere)
    before = counts()
    r = share(client, made.pk, recipient)
    assert r.status_code == 422
    assert "basis.reference" in f.problem_fields(r)
    assert counts() == before
    assert reader.get(f"/cases/{made.pk}").status_code == 404


def test_only_case_managers_of_the_owner_record_or_revoke_consent(world):
    owner, recipient, client, reader = world
    made = f.case(owner, dob=born(19))
    consent_id = consent(client, made.pk, "youth_assent", recipient)
    coordinator = f.Api(f.user(owner.membership.organization, "coordinator"))
    body = {
        "kind": "youth_assent",
        "given_by": "Synthetic Person",
        "recipients": [recipient.slug],
        "compartments": SHARED,
        "purpose": "therapy",
        "evidence": "attestation",
        "attestation": "Given in person.",
    }
    assert coordinator.post(f"/cases/{made.pk}/consents", body).status_code == 403
    assert coordinator.post(f"/consents/{consent_id}/revoke", {}).status_code == 403
    stranger = f.Api(f.user(f.org("medical"), "supervisor"))
    assert stranger.post(f"/cases/{made.pk}/consents", body).status_code == 404
    assert stranger.post(f"/consents/{consent_id}/revoke", {}).status_code == 404
    assert Consent.objects.get(pk=consent_id).revoked_at is None

"""The case team's organization choices are read in one SQL statement
(`sharing.selectors.team_organizations`, issue 11: the ORM's form of `Share.objects.active()`
cost ~2 ms of Python on every request of the case page). Its SQL form of the active-share rule
must agree with `Share.objects.active()` — the rule's one definition, used here as the oracle —
for every way a share can end: ended, expired, a consent it rests on revoked or expired, and
one consent lapsed among several; and the owner is always offered, an inactive organization
never."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from harborline.access.models import Consent, Share
from harborline.cases import selectors as case_reads
from harborline.errors import Forbidden
from harborline.sharing.selectors import team_organizations
from tests.access import factories as f

pytestmark = pytest.mark.django_db


def _consent(case, owner, *, revoked: bool = False, expires_in: timedelta | None = None):
    now = timezone.now()
    return Consent.objects.create(
        case=case,
        kind="youth_assent",
        given_by="Synthetic Youth",
        compartments=["screening"],
        purpose="service coordination",
        expires_at=now + expires_in if expires_in is not None else None,
        revoked_at=now - timedelta(hours=1) if revoked else None,
        evidence="signed_form",
        recorded_by=owner,
    )


def test_the_sql_rule_agrees_with_share_active_for_every_way_a_share_ends():
    owner = f.user(f.org("child_welfare"), "caseworker")
    made = f.case(owner, notes=False)
    now = timezone.now()
    good, revoked = _consent(made, owner), _consent(made, owner, revoked=True)
    lapsed = _consent(made, owner, expires_in=-timedelta(minutes=1))
    later = _consent(made, owner, expires_in=timedelta(days=3))
    cases = {
        "plain": [],
        "ended": [],
        "expired": [],
        "consent in force": [good],
        "consent later": [later],
        "consent revoked": [revoked],
        "consent lapsed": [lapsed],
        "one of two revoked": [good, revoked],
        "one of two lapsed": [later, lapsed],
    }
    for label, consents in cases.items():
        to = f.org("medical")
        share = f.share(made, to, ["screening"], by=owner)
        if label == "ended":
            share.ended_at = now
        if label == "expired":
            share.expires_at = now - timedelta(seconds=1)
        share.save()
        share.consents.set(consents)
    # A share of another case never counts; an inactive organization is never offered.
    other = f.case(owner, notes=False)
    f.share(other, f.org("probation"), ["screening"], by=owner)
    gone = f.org("law_enforcement")
    f.share(made, gone, ["screening"], by=owner)
    gone.is_active = False
    gone.save()

    case, grant = case_reads.case_for(owner, made.pk)
    offered = team_organizations(case=case, grant=grant)
    shared = {
        s.organization
        for s in Share.objects.active().filter(case=made).select_related("organization")
    }
    expected = {(o.slug, o.name) for o in shared if o.is_active} | {
        (made.owner.slug, made.owner.name)
    }
    assert offered == sorted(expected, key=lambda pair: pair[1])
    assert len(offered) == 4  # the owner; the plain share, the consent in force, the later one
    assert gone.name not in {name for _, name in offered}


def test_only_the_cases_managers_are_offered_the_choices():
    owner = f.user(f.org("child_welfare"), "caseworker")
    made = f.case(owner, notes=False)
    reader = f.user(f.org("medical"), "caseworker")
    f.share(made, reader.membership.organization, ["screening"], by=owner)
    case, grant = case_reads.case_for(reader, made.pk)
    with pytest.raises(Forbidden):
        team_organizations(case=case, grant=grant)

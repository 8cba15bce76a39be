"""The case list and the single-case read state one access rule (access/policy.py), once in SQL
(`visible_cases`) and once in Python (`grants_for`). For random viewers (role, organization
type, active or not) and random cases (owned or not, shared to the organization or a role,
expired, ended, editable, opened with break-glass or not): every case the list shows opens
with `case_for`, every case `case_for` opens is in the list, and a youth's name is decrypted
and shown only where the viewer's grant sees the identity compartment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harborline.access import compartments as c
from harborline.access.policy import grants_for
from harborline.cases import selectors
from harborline.cases.models import Youth
from harborline.cases.selectors import case_for
from harborline.crypto import fields
from harborline.errors import NotFound
from harborline.people.models import Membership, User
from harborline.people.roles import OrgType, Role
from tests.access import factories as f

ORG_TYPES = [t.value for t in OrgType]
ROLES = [r.value for r in Role]

share_spec = st.fixed_dictionaries(
    {
        "to_role": st.sampled_from(["", "mine", "other"]),
        "compartments": st.one_of(
            st.just([c.Compartment.ADVOCATE_PRIVILEGED.value]),
            st.lists(st.sampled_from(c.ALL), min_size=1, max_size=4, unique=True),
        ),
        "state": st.sampled_from(["active", "active", "expired", "ended"]),
        "may_edit": st.booleans(),
        "to_viewer": st.sampled_from([True, True, False]),
    }
)
case_spec = st.fixed_dictionaries(
    {
        "owned": st.booleans(),
        "shares": st.lists(share_spec, max_size=3),
        "glass": st.sampled_from(["none", "active", "expired"]),
    }
)
viewer_spec = st.fixed_dictionaries(
    {
        "org_type": st.sampled_from(ORG_TYPES),
        "role": st.sampled_from(ROLES),
        # Mostly active: an inactive viewer sees nothing, which is quickly checked.
        "membership_active": st.sampled_from([True, True, True, False]),
        "user_active": st.sampled_from([True, True, True, False]),
    }
)


def _build(viewer: dict[str, Any], cases: list[dict[str, Any]]) -> tuple[User, dict[int, str]]:
    mine = f.org(viewer["org_type"])
    theirs = f.org("child_welfare")
    elsewhere = f.org("law_enforcement")
    actor = f.user(mine, viewer["role"])
    colleague = f.user(mine, "caseworker")
    owner = f.user(theirs, "caseworker")
    other_role = "supervisor" if viewer["role"] != "supervisor" else "caseworker"
    now = timezone.now()
    made: dict[int, str] = {}
    for spec in cases:
        case = f.case(colleague if spec["owned"] else owner, notes=False)
        first = f"Youth{case.pk}"
        Youth.objects.filter(pk=case.youth_id).update(first_name=first)
        made[case.pk] = first
        by = colleague if spec["owned"] else owner
        for s in spec["shares"]:
            share = f.share(
                case,
                mine if s["to_viewer"] else elsewhere,
                s["compartments"],
                by=by,
                role={"": "", "mine": viewer["role"], "other": other_role}[s["to_role"]],
                expires_at=now - timedelta(days=1) if s["state"] == "expired" else None,
                may_edit=s["may_edit"],
            )
            if s["state"] == "ended":
                share.ended_at = now - timedelta(hours=1)
                share.save(update_fields=["ended_at"])
        if spec["glass"] != "none":
            opened = now - timedelta(hours=5 if spec["glass"] == "expired" else 1)
            f.glass(case, actor, opened_at=opened)
    if not viewer["membership_active"]:
        Membership.objects.filter(user=actor).update(is_active=False)
    if not viewer["user_active"]:
        User.objects.filter(pk=actor.pk).update(is_active=False)
    return User.objects.get(pk=actor.pk), made


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(viewer=viewer_spec, cases=st.lists(case_spec, min_size=1, max_size=4))
# A share of advocate-privileged notes alone, to a viewer barred from them: it grants nothing,
# so the case is neither opened nor listed.
@example(
    viewer={
        "org_type": "law_enforcement",
        "role": "caseworker",
        "membership_active": True,
        "user_active": True,
    },
    cases=[
        {
            "owned": False,
            "shares": [
                {
                    "to_role": "",
                    "compartments": [c.Compartment.ADVOCATE_PRIVILEGED.value],
                    "state": "active",
                    "may_edit": False,
                    "to_viewer": True,
                }
            ],
            "glass": "none",
        }
    ],
)
def test_the_list_shows_exactly_the_cases_the_read_opens(
    db: Any, viewer: dict[str, Any], cases: list[dict[str, Any]]
) -> None:
    actor, made = _build(viewer, cases)

    decrypted: list[str] = []
    real = fields.decrypt

    def spy(stored: str) -> str:
        decrypted.append(real(stored))
        return decrypted[-1]

    with mock.patch.object(fields, "decrypt", spy), mock.patch.object(selectors, "decrypt", spy):
        page, grants, names = selectors.case_list(actor, status="all")
    listed = {case.pk for case in page.object_list}

    opened = {}
    for pk in made:
        try:
            _, grant = case_for(actor, pk)
        except NotFound:
            continue
        opened[pk] = grant

    assert listed == set(opened)  # the list and the single-case read agree, both ways
    assert set(selectors.visible_cases(actor).values_list("pk", flat=True)) == listed
    sees_identity = {pk for pk, grant in opened.items() if grant.sees("identity")}
    assert {pk for pk in listed if grants[pk].sees("identity")} == sees_identity
    assert set(names) == sees_identity
    for pk in sees_identity:
        assert names[pk] == f"{made[pk]} Reyes"
    hidden = {made[pk] for pk in made if pk not in sees_identity}
    assert not hidden & set(decrypted)  # a name the viewer may not see is never decrypted
    assert grants_for(actor, list(page.object_list)) == grants

"""Audit pages: the organization's log (scoped, filtered, paged) and "who saw this record"."""

from __future__ import annotations

import re

import pytest

from harborline.audit.models import Action
from harborline.audit.services import record
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _actions(html: str) -> list[str]:
    return [a.strip() for a in re.findall(r'<td data-label="What">([^<]*)', html)]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("org_admin", 200),
        ("supervisor", 200),
        ("system_admin", 200),
        ("caseworker", 404),
        ("mentor_advocate", 404),
        ("coordinator", 404),
        ("analyst", 404),
    ],
)
def test_who_may_read_the_org_audit(client, make_user, role, status):
    user = make_user(role, mfa=role != "analyst")
    assert sign_in(client, user).get("/org/audit").status_code == status
    assert client.get("/audit/youth/1").status_code == status


def test_org_audit_shows_own_organization_only(client, make_user, other_org):
    admin = make_user("org_admin")
    colleague = make_user("caseworker", email="colleague@example.org")
    stranger = make_user("caseworker", of=other_org, email="stranger@example.org")
    record(actor=colleague, action=Action.EXPORT, object_type="cases.case", object_id="1")
    record(actor=stranger, action=Action.EXPORT, object_type="cases.case", object_id="2")
    # A stranger acting on a record our organization owns is ours to see.
    record(
        actor=stranger,
        action=Action.VIEW,
        object_type="cases.case",
        object_id="3",
        owner_org=admin.membership.organization,
    )
    html = sign_in(client, admin).get("/org/audit").content.decode()
    assert "colleague@example.org" in html
    assert "Case 1</td>" in html and "Case 3</td>" in html
    assert "Case 2</td>" not in html


def test_org_admin_cannot_read_another_organizations_audit(client, make_user, other_org):
    admin = make_user("org_admin")
    assert sign_in(client, admin).get("/org/audit?org=clark-pd").status_code == 404


def test_system_admin_reads_any_organizations_audit(client, make_user, other_org):
    sysadmin = make_user("system_admin")
    stranger = make_user("caseworker", of=other_org)
    record(actor=stranger, action=Action.EXPORT, object_type="cases.case", object_id="77")
    html = sign_in(client, sysadmin).get("/org/audit?org=clark-pd").content.decode()
    assert "Case 77</td>" in html


def test_filter_by_action_and_person(client, make_user):
    admin = make_user("org_admin")
    a = make_user("caseworker", email="a@example.org")
    b = make_user("caseworker", email="b@example.org")
    record(actor=a, action=Action.EXPORT, object_type="x.y", object_id="1")
    record(actor=b, action=Action.EXPORT, object_type="x.y", object_id="2")
    record(actor=a, action=Action.VIEW, object_type="x.y", object_id="3")
    sign_in(client, admin)
    html = client.get("/org/audit", {"action": "export"}).content.decode()
    assert set(_actions(html)) == {"exported"} and len(_actions(html)) == 2
    html = client.get("/org/audit", {"action": "export", "person": " A@Example.org "}).content
    assert b"Y 1</td>" in html and b"Y 2</td>" not in html and b"Y 3</td>" not in html


def test_bad_filter_is_400_with_message(client, make_user):
    admin = make_user("org_admin")
    response = sign_in(client, admin).get("/org/audit", {"action": "nonsense"})
    assert response.status_code == 400
    assert 'id="id_action_error"' in response.content.decode()
    response = client.get("/org/audit", {"person": "not-an-email"})
    assert response.status_code == 400
    assert 'id="id_person_error"' in response.content.decode()


def test_pages_of_fifty_newest_first(client, make_user):
    admin = make_user("org_admin")
    for i in range(120):
        record(actor=admin, action=Action.VIEW, object_type="x.y", object_id=str(i))
    sign_in(client, admin)
    first = client.get("/org/audit", {"action": "view"}).content.decode()
    ids = [int(n) for n in re.findall(r">Y (\d+)</td>", first)]
    assert ids == list(range(119, 69, -1))
    older = (
        re.search(r'href="(\?[^"]*before=\d+[^"]*)">Older', first).group(1).replace("&amp;", "&")
    )
    second = client.get("/org/audit" + older).content.decode()
    assert [int(n) for n in re.findall(r">Y (\d+)</td>", second)] == list(range(69, 19, -1))
    assert "Newest" in second
    third_link = (
        re.search(r'href="(\?[^"]*before=\d+[^"]*)">Older', second).group(1).replace("&amp;", "&")
    )
    third = client.get("/org/audit" + third_link).content.decode()
    assert [int(n) for n in re.findall(r">Y (\d+)</td>", third)] == list(range(19, -1, -1))
    assert ">Older<" not in third


def test_who_saw_lists_reads_of_an_owned_youth_record(client, make_user, other_org):
    admin = make_user("org_admin")
    owner = admin.membership.organization
    outsider = make_user("caseworker", of=other_org, email="outsider@example.org")
    record(
        actor=outsider,
        action=Action.VIEW,
        youth_id=42,
        owner_org=owner,
        compartments=["identity"],
        purpose="MDT meeting",
        legal_basis="consent 2025-03",
    )
    record(
        actor=outsider,
        action=Action.BREAK_GLASS,
        youth_id=42,
        owner_org=owner,
        purpose="emergency placement",
    )
    record(
        actor=outsider, action=Action.UPDATE, youth_id=42, owner_org=owner
    )  # a write, not a read
    record(actor=outsider, action=Action.VIEW, youth_id=43, owner_org=owner)  # another youth
    html = sign_in(client, admin).get("/audit/youth/42").content.decode()
    assert _actions(html) == ["opened in an emergency", "viewed"]
    assert "outsider@example.org" in html and "MDT meeting; consent 2025-03" in html
    assert "identity" in html


def test_who_saw_is_empty_for_a_record_owned_elsewhere(client, make_user, other_org):
    admin = make_user("org_admin")
    outsider = make_user("caseworker", of=other_org)
    record(actor=outsider, action=Action.VIEW, youth_id=42, owner_org=other_org)
    html = sign_in(client, admin).get("/audit/youth/42").content.decode()
    assert "No one has opened this record" in html
    assert _actions(html) == []

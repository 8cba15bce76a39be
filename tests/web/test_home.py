"""The home page per role: real facts only, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harborline.audit.models import Action
from harborline.audit.services import record
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def test_caseworker_home_shows_org_mfa_status_and_recent_sign_ins(as_user, org):
    client, user = as_user("caseworker")
    record(actor=user, action=Action.LOGIN, obj=user)
    html = client.get("/").content.decode()
    assert "Washoe Child Welfare" in html
    assert "Your authenticator app is set up" in html
    assert "Your recent sign-in activity" in html and "You signed in" in html
    assert "Manage users" not in html and "Open the audit log" not in html
    assert "queue" not in html.lower()


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("org_admin", ["Manage users", "Open the audit log"], ["Open the code books"]),
        ("system_admin", ["Manage users", "Open the audit log"], ["Open the code books"]),
        ("supervisor", ["Open the audit log"], ["Manage users"]),
        ("caseworker", ["Sign-in security"], ["Manage users", "Open the audit log"]),
        ("mentor_advocate", ["Sign-in security"], ["Manage users", "Open the audit log"]),
        (
            "analyst",
            ["What you can do now", "Open the code books and protocols"],
            ["Manage users", "Open the audit log"],
        ),
    ],
)
def test_home_links_follow_the_role(make_user, client, role, present, absent):
    user = make_user(role, mfa=role != "analyst")
    html = sign_in(client, user).get("/").content.decode()
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text


def test_analyst_home_says_mfa_is_optional(make_user, client):
    user = make_user("analyst", mfa=False)
    html = sign_in(client, user).get("/").content.decode()
    assert "a second factor is optional for you" in html


def test_home_query_count_does_not_grow_with_history(as_user):
    client, user = as_user("org_admin")
    client.get("/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(30):
        record(actor=user, action=Action.LOGIN, obj=user)
    assert count() == few
    # 16 since the menu counts the statistical center's questions waiting for a supervisor or
    # administrator (one aggregate, reports.linking.questions_waiting).
    assert few <= 16


def test_someone_elses_sign_ins_are_not_shown(as_user, make_user):
    client, _ = as_user("caseworker")
    other = make_user("caseworker")
    record(actor=other, action=Action.MFA_FAILED, obj=other)
    assert "You failed the second factor" not in client.get("/").content.decode()

"""Youth and cases: search by blind index, the duplicate warning that leaks nothing, obligations
only for those who see screening, the version guard on identity."""

from __future__ import annotations

from harborline.cases import selectors
from harborline.people.lookups import NO_ACCOUNT

from .conftest import NRIT_CONFIRMED, later, open_case


def test_search_by_last_name_alone_or_with_date_of_birth(make_org, make_user, api):
    user = make_user(make_org("child_welfare"))
    client = api(user)
    first = open_case(client, "Ana", "Núñez", "2010-05-01")
    second = open_case(client, "Bea", "Nunez", "2011-06-02")
    open_case(client, "Cy", "Other", "2010-05-01")
    page, _, _ = selectors.case_list(user, q="nunez")
    assert {c.pk for c in page.object_list} == {first, second}
    page, _, _ = selectors.case_list(user, q="NUNEZ 2011-06-02")
    assert [c.pk for c in page.object_list] == [second]


def test_duplicate_warning_only_among_records_already_visible(make_org, make_user, api):
    mine, theirs = make_org("child_welfare"), make_org("law_enforcement")
    me = api(make_user(mine))
    them = api(make_user(theirs))
    their_case = open_case(them, "Ana", "Reyes", "2010-05-01")
    r = me.post(
        "/cases", {"youth": {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}}
    )
    assert r.status_code == 201
    assert r.json()["possible_duplicates"] == []  # the other organization's record stays unknown
    r = me.post(
        "/cases", {"youth": {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}}
    )
    assert [d["id"] for d in r.json()["possible_duplicates"]] == [r.json()["id"] - 1]
    # once the other organization shares identity, its record is a possible duplicate too
    them.post(
        f"/cases/{their_case}/shares",
        {
            "organization": mine.slug,
            "compartments": ["identity"],
            "purpose": "coordination",
            "basis": {"type": "mandated_report", "reference": "CW-1"},
            "expires_at": later(),
        },
    )
    r = me.post(
        "/cases", {"youth": {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}}
    )
    assert their_case in [d["id"] for d in r.json()["possible_duplicates"]]


def test_obligations_follow_the_screening_compartment(make_org, make_user, api):
    owner_org, other_org = make_org("law_enforcement"), make_org("mental_health")
    owner, other = api(make_user(owner_org)), api(make_user(other_org))
    case_id = open_case(owner)
    owner.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": "2026-11-20T10:00:00-08:00",
        },
    )
    owner.post(
        f"/cases/{case_id}/shares",
        {
            "organization": other_org.slug,
            "compartments": ["mental_health"],
            "purpose": "therapy",
            "basis": {"type": "court_order", "reference": "JV-9"},
            "expires_at": later(),
        },
    )
    assert other.get(f"/cases/{case_id}").status_code == 200
    assert other.get(f"/cases/{case_id}/obligations").status_code == 403
    owner.post(
        f"/cases/{case_id}/shares",
        {
            "organization": other_org.slug,
            "compartments": ["screening"],
            "purpose": "therapy",
            "basis": {"type": "court_order", "reference": "JV-9"},
            "expires_at": later(),
        },
    )
    assert other.get(f"/cases/{case_id}/obligations").status_code == 200


def test_a_stale_identity_edit_is_refused_and_nothing_is_written(make_org, make_user, api):
    client = api(make_user(make_org("child_welfare")))
    case_id = open_case(client, "Ana", "Reyes")
    version = client.get(f"/cases/{case_id}").json()["version"]
    ok = client.patch(f"/cases/{case_id}/youth", {"version": version, "pronouns": "she/her"})
    assert ok.status_code == 200, ok.content
    stale = client.patch(f"/cases/{case_id}/youth", {"version": version, "first_name": "Other"})
    assert stale.status_code == 409
    identity = client.get(f"/cases/{case_id}").json()["sections"]["identity"]
    assert identity["first_name"] == "Ana" and identity["pronouns"] == "she/her"


def test_close_needs_a_reason_and_reopen_works(make_org, make_user, api):
    client = api(make_user(make_org("child_welfare")))
    case_id = open_case(client)
    version = client.get(f"/cases/{case_id}").json()["version"]
    r = client.post(f"/cases/{case_id}/status", {"version": version, "status": "closed"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(
        f"/cases/{case_id}/status",
        {"version": version, "status": "closed", "reason": "Youth moved out of state"},
    )
    assert r.status_code == 200
    assert client.get(f"/cases/{case_id}").json()["status"] == "closed"
    stale = client.post(f"/cases/{case_id}/status", {"version": version, "status": "open"})
    assert stale.status_code == 409
    r = client.post(f"/cases/{case_id}/status", {"version": version + 1, "status": "open"})
    assert client.get(f"/cases/{case_id}").json()["status"] == "open"


def test_the_case_page_closes_a_case(make_org, make_user, client):
    from harborline.cases import services
    from tests.factories import give_totp_device, sign_in

    user = make_user(make_org("child_welfare"))
    give_totp_device(user)
    case = services.open_case(actor=user, youth={"first_name": "A", "last_name": "B"})
    sign_in(client, user)
    page = client.get(f"/cases/{case.pk}/")
    assert b"Close this case" in page.content
    r = client.post(
        f"/cases/{case.pk}/status",
        {"version": case.version, "status": "closed", "reason": "Services completed"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"


def test_home_counts_the_obligations_of_my_cases(make_org, make_user, api, client):
    from tests.factories import give_totp_device, sign_in

    user = make_user(make_org("law_enforcement"))
    give_totp_device(user)
    owner = api(user)
    case_id = open_case(owner)
    owner.post(
        f"/cases/{case_id}/screenings",
        {
            "instrument": "nrit",
            "answers": NRIT_CONFIRMED,
            "identified_by": "law_enforcement",
            "identified_at": "2026-01-05T10:00:00-08:00",
        },
    )  # long past: every clock has run out
    sign_in(client, user)
    page = client.get("/").content.decode()
    assert "4 overdue" in page and "0 due in the next 24 hours" in page


def test_a_share_on_consent_ends_no_later_than_the_consent(make_org, make_user, api):
    from datetime import UTC, datetime, timedelta

    from harborline.access.models import Share

    owner_org, other_org = make_org("child_welfare"), make_org("mental_health")
    owner = api(make_user(owner_org))
    case_id = open_case(owner, dob="2015-01-01")  # under 14: a parent's consent suffices
    consent_ends = datetime.now(UTC) + timedelta(days=3)
    owner.post(
        f"/cases/{case_id}/consents",
        {
            "kind": "parent_guardian",
            "given_by": "Synthetic Parent",
            "recipients": [other_org.slug],
            "compartments": ["mental_health"],
            "purpose": "therapy",
            "evidence": "signed_form",
            "evidence_reference": "ROI-1",
            "expires_at": consent_ends.isoformat(),
        },
    )
    r = owner.post(
        f"/cases/{case_id}/shares",
        {
            "organization": other_org.slug,
            "compartments": ["mental_health"],
            "purpose": "therapy",
            "basis": {"type": "consent"},
            "expires_at": later(90),
        },
    )
    assert r.status_code == 201, r.content
    share = Share.objects.get(pk=r.json()["id"])
    assert abs(share.expires_at - consent_ends) < timedelta(seconds=1)


def test_contacts_are_their_own_compartment(make_org, make_user, api):
    owner_org, other_org = make_org("child_welfare"), make_org("mental_health")
    owner, other = api(make_user(owner_org)), api(make_user(other_org))
    case_id = open_case(owner)
    version = owner.get(f"/cases/{case_id}").json()["version"]
    contacts = [{"kind": "phone", "value": "555-0100", "note": "after 6 pm"}]
    r = owner.patch(f"/cases/{case_id}/youth", {"version": version, "contacts": contacts})
    assert r.status_code == 200, r.content
    assert owner.get(f"/cases/{case_id}").json()["sections"]["contact"]["contacts"] == contacts
    owner.post(
        f"/cases/{case_id}/shares",
        {
            "organization": other_org.slug,
            "compartments": ["identity"],
            "purpose": "therapy",
            "basis": {"type": "court_order", "reference": "JV-1"},
            "expires_at": later(),
        },
    )
    seen = other.get(f"/cases/{case_id}").json()
    assert "contact" not in seen["sections"] and "555-0100" not in str(seen)


def test_team_and_references_through_the_api(make_org, make_user, api):
    owner_org, police = make_org("child_welfare"), make_org("law_enforcement")
    owner = api(make_user(owner_org))
    detective = make_user(police)
    case_id = open_case(owner)
    r = owner.post(
        f"/cases/{case_id}/team",
        {"organization": police.slug, "role_on_case": "detective", "user": detective.email},
    )
    assert r.status_code == 201, r.content
    r = owner.post(f"/cases/{case_id}/team", {"organization": "nowhere", "role_on_case": "x"})
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} >= {"organization", "role_on_case"}
    r = owner.post(f"/cases/{case_id}/references", {"kind": "ncmec_report", "value": "NC-123"})
    assert r.status_code == 201, r.content
    body = owner.get(f"/cases/{case_id}").json()
    assert body["sections"]["legal"]["references"][0]["value"] == "NC-123"
    assert any(m["role_on_case"] == "detective" for m in body["team"])
    # the team does not open the case to the police: a share does
    assert api(detective).get(f"/cases/{case_id}").status_code == 404


def test_the_case_team_refuses_a_person_whose_membership_ended(make_org, make_user, api):
    """The case team's own copy let a person with an ended membership be named (issue 11)."""
    owner_org, police = make_org("child_welfare"), make_org("law_enforcement")
    owner = api(make_user(owner_org))
    detective = make_user(police)
    detective.membership.is_active = False
    detective.membership.save()
    case_id = open_case(owner)
    r = owner.post(
        f"/cases/{case_id}/team",
        {"organization": police.slug, "role_on_case": "detective", "user": detective.email},
    )
    assert r.status_code == 422, r.content
    assert {"field": "user", "message": NO_ACCOUNT} in [
        {"field": e["field"], "message": e["message"]} for e in r.json()["errors"]
    ]

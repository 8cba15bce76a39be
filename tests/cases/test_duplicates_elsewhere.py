"""The possible-duplicate warning across organizations (issue 17 item 4, decision 0063): the
same youth spelled differently by two organizations is found on the encodings; a record the
actor may read is shown as before (`possible_duplicates`), one they may not is told only by its
organization's name (`possible_duplicates_elsewhere`), and nothing of that record appears.

The table at the bottom is written from the decision's words, not from access/policy.py."""

from __future__ import annotations

import json

import pytest

from harborline.audit.models import AuditEvent
from harborline.cases import encodings
from harborline.cases.models import Case, DuplicateCheckSecret, YouthBlockingKey, YouthEncoding

from .conftest import later

FIRST = {"first_name": "Ana María", "last_name": "Gómez-Ruiz", "dob": "2009-04-07"}
# The same youth as a sheriff's office wrote her down: a nickname-like spelling, one surname,
# day and month the other way round.
SAME = {"first_name": "Anna", "last_name": "Gomez", "dob": "2009-07-04"}
SIBLING = {"first_name": "Lucía", "last_name": "Gómez-Ruiz", "dob": "2009-04-07"}
STRANGER = {"first_name": "Jessica", "last_name": "Thornton", "dob": "2009-04-07"}
# What the first record holds that the second organization did not type itself.
FIRST_ONLY = ("María", "Maria", "Ruiz", "2009-04-07", "04/07/2009", "Gómez")


def _open(client, youth):
    r = client.post("/cases", {"youth": youth})
    assert r.status_code == 201, r.content
    return r.json()


def test_different_spellings_across_two_organizations_fire_the_warning(make_org, make_user, api):
    cw = make_org("child_welfare", slug="washoe-cw", name="Washoe County Child Welfare")
    sheriff = make_org("law_enforcement", slug="elko-so", name="Elko County Sheriff")
    first = _open(api(make_user(cw)), FIRST)
    body = _open(api(make_user(sheriff)), SAME)
    assert body["possible_duplicates"] == []
    assert body["possible_duplicates_elsewhere"] == [
        {"organization": "washoe-cw", "name": "Washoe County Child Welfare"}
    ]
    # Nothing of the other record: only these fields, and none of its values.
    assert set(body) == {
        "id",
        "owner",
        "status",
        "possible_duplicates",
        "possible_duplicates_elsewhere",
    }
    text = json.dumps(body, ensure_ascii=False)
    for value in FIRST_ONLY:
        assert value not in text
    assert body["id"] != first["id"]
    assert str(first["id"]) not in json.dumps(body["possible_duplicates_elsewhere"])


@pytest.mark.parametrize("other", [SIBLING, STRANGER], ids=["sibling", "stranger"])
def test_a_different_youth_does_not_fire_it(make_org, make_user, api, other):
    cw, sheriff = make_org("child_welfare"), make_org("law_enforcement")
    _open(api(make_user(cw)), FIRST)
    body = _open(api(make_user(sheriff)), other)
    assert body["possible_duplicates"] == [] and body["possible_duplicates_elsewhere"] == []


def test_swapped_names_fire_it(make_org, make_user, api):
    cw, sheriff = make_org("child_welfare"), make_org("law_enforcement")
    _open(api(make_user(cw)), FIRST)
    body = _open(api(make_user(sheriff)), {"first_name": "GOMEZ", "last_name": "ANA", **_dob()})
    assert [e["organization"] for e in body["possible_duplicates_elsewhere"]] == [cw.slug]


def _dob() -> dict[str, str]:
    return {"dob": FIRST["dob"]}


def test_a_readable_record_is_shown_as_before_not_named(make_org, make_user, api):
    # The other organization shares identity: the record is a possible duplicate the actor
    # may open, found despite the spelling, and not counted again as "elsewhere".
    cw, sheriff = make_org("child_welfare"), make_org("law_enforcement")
    owner = api(make_user(cw))
    first = _open(owner, FIRST)
    owner.post(
        f"/cases/{first['id']}/shares",
        {
            "organization": sheriff.slug,
            "compartments": ["identity"],
            "purpose": "coordination",
            "basis": {"type": "mandated_report", "reference": "CW-1"},
            "expires_at": later(),
        },
    )
    body = _open(api(make_user(sheriff)), SAME)
    assert body["possible_duplicates"] == [{"id": first["id"], "owner": cw.slug}]
    assert body["possible_duplicates_elsewhere"] == []


def test_one_entry_per_organization_however_many_records(make_org, make_user, api):
    cw, sheriff = make_org("child_welfare"), make_org("law_enforcement")
    worker = api(make_user(cw))
    _open(worker, FIRST)
    _open(worker, {**FIRST, "first_name": "Ana"})
    body = _open(api(make_user(sheriff)), SAME)
    assert [e["organization"] for e in body["possible_duplicates_elsewhere"]] == [cw.slug]


def test_changed_identifiers_are_encoded_again(make_org, make_user, api):
    cw, sheriff = make_org("child_welfare"), make_org("law_enforcement")
    owner = api(make_user(cw))
    first = _open(owner, STRANGER)
    version = owner.get(f"/cases/{first['id']}").json()["version"]
    r = owner.patch(f"/cases/{first['id']}/youth", {"version": version, **FIRST})
    assert r.status_code == 200, r.content
    assert YouthEncoding.objects.filter(youth__cases__pk=first["id"]).count() == 1
    body = _open(api(make_user(sheriff)), SAME)
    assert [e["organization"] for e in body["possible_duplicates_elsewhere"]] == [cw.slug]
    assert _open(api(make_user(sheriff)), STRANGER)["possible_duplicates_elsewhere"] == []


def test_the_check_is_audited_and_the_owner_sees_it_was_matched(make_org, make_user, api):
    cw = make_org("child_welfare")
    sheriff = make_org("law_enforcement")
    advocates = make_org("community_advocacy")
    first = _open(api(make_user(cw)), FIRST)
    hidden = _open(api(make_user(advocates)), FIRST)
    actor = make_user(sheriff)
    _open(api(actor), SAME)
    check = AuditEvent.objects.get(object_type="cases.duplicate_check", actor_id=actor.pk)
    # The check's own record holds only what the actor was told: not the advocates' record.
    assert check.detail == {"shown": [], "told_of": [cw.slug]}
    assert check.org_id == sheriff.pk
    told = AuditEvent.objects.get(
        actor_id=actor.pk, object_type="cases.case", object_id=str(first["id"])
    )
    assert told.owner_org_id == cw.pk and told.compartments == []
    assert told.detail == {"told": "organization name"}
    untold = AuditEvent.objects.get(
        actor_id=actor.pk, object_type="cases.case", object_id=str(hidden["id"])
    )
    assert untold.owner_org_id == advocates.pk and untold.detail == {"told": "nothing"}


def test_backfill_and_secret_rotation_keep_the_warning(make_org, make_user, api):
    cw, sheriff = make_org("child_welfare"), make_org("law_enforcement")
    _open(api(make_user(cw)), FIRST)
    YouthEncoding.objects.all().delete()  # a youth recorded before encodings existed
    assert _open(api(make_user(sheriff)), SAME)["possible_duplicates_elsewhere"] == []
    assert encodings.backfill() == 1  # the first (the sheriff's was encoded when opened)
    assert encodings.backfill() == 0  # nothing left: safe to run again
    before = encodings.current_secret().key_id
    old, new, done = encodings.rotate_secret()
    assert (old, done) == (before, 2) and new != before
    assert list(DuplicateCheckSecret.objects.values_list("key_id", flat=True)) == [new]
    assert set(YouthEncoding.objects.values_list("secret__key_id", flat=True)) == {new}
    assert YouthBlockingKey.objects.exists()
    body = _open(api(make_user(sheriff)), SAME)
    assert [e["organization"] for e in body["possible_duplicates_elsewhere"]] == [cw.slug]


def test_the_secret_is_encrypted_at_rest_and_encodings_hold_no_identifier(make_org, make_user, api):
    from django.db import connection

    _open(api(make_user(make_org("child_welfare"))), FIRST)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM cases_duplicatechecksecret")
        (secret,) = cursor.fetchone()
        cursor.execute("SELECT variants FROM cases_youthencoding")
        (variants,) = cursor.fetchone()
    assert secret.startswith("fernet:") and variants.startswith("fernet:")
    stored = YouthEncoding.objects.get().variants
    text = json.dumps(stored).lower()
    for value in ("ana", "gomez", "ruiz", "maria", "2009"):
        assert value not in text
    assert Case.objects.count() == 1


# --- who is told what: the table ------------------------------------------------------------
#
# From decision 0063, in its words: a caseworker opening a case for a youth of whom another
# organization holds a record (spelled differently) -
#   - sees that record as a possible duplicate when they may read its identity: their own
#     organization's, or shared with them with the identity compartment;
#   - is told only the other organization's name when they may not (no share, or a share
#     without identity), unless that organization is an advocate, a medical, mental-health or
#     substance-use provider or a defender, whose relationship with a youth is confidential by
#     law: then nothing;
#   - a deactivated organization is not named.

OWNER_TYPES = {
    "child_welfare": "named",
    "law_enforcement": "named",
    "probation": "named",
    "juvenile_court": "named",
    "prosecutor": "named",
    "education": "named",
    "child_advocacy_center": "named",
    "tribal": "named",
    "service_provider": "named",
    "community_advocacy": "nothing",
    "system_advocacy": "nothing",
    "medical": "nothing",
    "mental_health": "nothing",
    "substance_use": "nothing",
    "public_defender": "nothing",
}
RELATIONS = {
    "own_organization": "shown",
    "identity_shared": "shown",
    "screening_shared": None,  # as the owner type says
    "none": None,
    "owner_deactivated": "nothing",
}


def _expected(relation: str, owner_type: str) -> str:
    return RELATIONS[relation] or OWNER_TYPES[owner_type]


TABLE = [
    (relation, owner_type, _expected(relation, owner_type))
    for relation in RELATIONS
    for owner_type in (OWNER_TYPES if RELATIONS[relation] is None else ["child_welfare"])
] + [
    ("own_organization", "community_advocacy", "shown"),
    ("identity_shared", "medical", "shown"),
    ("owner_deactivated", "law_enforcement", "nothing"),
]


@pytest.mark.parametrize(("relation", "owner_type", "expected"), TABLE)
def test_who_is_told_what(make_org, make_user, api, relation, owner_type, expected):
    owner_org = make_org(owner_type)
    actor_org = owner_org if relation == "own_organization" else make_org("law_enforcement")
    owner = api(make_user(owner_org))
    first = _open(owner, FIRST)
    if relation in ("identity_shared", "screening_shared"):
        r = owner.post(
            f"/cases/{first['id']}/shares",
            {
                "organization": actor_org.slug,
                "compartments": ["identity" if relation == "identity_shared" else "screening"],
                "purpose": "coordination",
                "basis": {"type": "court_order", "reference": "24-JV-1"},
                "expires_at": later(),
            },
        )
        assert r.status_code == 201, r.content
    actor = api(make_user(actor_org))
    if relation == "owner_deactivated":
        owner_org.is_active = False
        owner_org.save(update_fields=["is_active"])
    body = _open(actor, SAME)
    got = (
        "shown"
        if body["possible_duplicates"]
        else "named"
        if body["possible_duplicates_elsewhere"]
        else "nothing"
    )
    assert got == expected
    if got == "shown":
        assert body["possible_duplicates"] == [{"id": first["id"], "owner": owner_org.slug}]
        assert body["possible_duplicates_elsewhere"] == []
    if got == "named":
        assert body["possible_duplicates_elsewhere"] == [
            {"organization": owner_org.slug, "name": owner_org.name}
        ]


def test_the_command_backfills_and_rotates(make_org, make_user, api):
    from io import StringIO

    from django.core.management import call_command

    _open(api(make_user(make_org("child_welfare"))), FIRST)
    YouthEncoding.objects.all().delete()
    out = StringIO()
    call_command("youth_encodings", stdout=out)
    assert "1 youth encoded" in out.getvalue() and YouthEncoding.objects.count() == 1
    before = encodings.current_secret().key_id
    out = StringIO()
    call_command("youth_encodings", "--rotate-secret", stdout=out)
    after = encodings.current_secret().key_id
    assert after != before and f"secret {after} is current (was {before})" in out.getvalue()
    event = AuditEvent.objects.get(object_type="cases.duplicate_check_secret")
    assert event.object_id == after and event.detail == {"rotated_from": before, "youth_encoded": 1}

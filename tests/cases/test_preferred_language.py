"""A youth's preferred language (decision 0064, issue 15 review): one of the printout languages or
not recorded, given when the case is opened and changed like the other identity fields — the same
right to change the identity, the same audit record — and a language that is not a printout
language is a 422 naming the field, with nothing written."""

from __future__ import annotations

import pytest

from harborline.audit.models import Action, AuditEvent
from harborline.cases import services
from harborline.cases.models import Case
from harborline.errors import InvalidInput

from .conftest import later

YOUTH = {"first_name": "Ana", "last_name": "Reyes", "dob": "2010-05-01"}


def _open(client, **youth) -> int:
    r = client.post("/cases", {"youth": {**YOUTH, **youth}})
    assert r.status_code == 201, r.content
    return r.json()["id"]


def _identity(client, case_id: int) -> dict:
    return client.get(f"/cases/{case_id}").json()["sections"]["identity"]


def _fields(r) -> list[str]:
    return [e["field"] for e in r.json()["errors"]]


def test_given_when_the_case_is_opened_and_changed_like_the_other_identity_fields(
    make_org, make_user, api
):
    client = api(make_user(make_org("child_welfare")))
    case_id = _open(client, preferred_language="es")
    assert _identity(client, case_id)["preferred_language"] == "es"
    version = client.get(f"/cases/{case_id}").json()["version"]
    r = client.patch(f"/cases/{case_id}/youth", {"version": version, "preferred_language": "en"})
    assert r.status_code == 200, r.content
    identity = _identity(client, case_id)
    assert identity["preferred_language"] == "en" and identity["first_name"] == "Ana"
    # Audited as every identity change: an update of the case in the identity compartment.
    event = AuditEvent.objects.filter(action=Action.UPDATE).order_by("-seq").first()
    assert event is not None
    assert (event.object_type, event.object_id) == ("cases.case", str(case_id))
    assert event.compartments == ["identity"]
    # Blank is "not recorded".
    r = client.patch(
        f"/cases/{case_id}/youth", {"version": r.json()["version"], "preferred_language": ""}
    )
    assert r.status_code == 200, r.content
    assert _identity(client, case_id)["preferred_language"] == ""
    assert _identity(client, _open(client))["preferred_language"] == ""  # not given: not recorded


def test_a_language_that_is_not_a_printout_language_is_422_naming_the_field(
    make_org, make_user, api
):
    client = api(make_user(make_org("child_welfare")))
    before = Case.objects.count()
    r = client.post("/cases", {"youth": {**YOUTH, "preferred_language": "fr"}})
    assert r.status_code == 422
    assert _fields(r) == ["youth.preferred_language"]
    assert Case.objects.count() == before
    case_id = _open(client, preferred_language="es")
    version = client.get(f"/cases/{case_id}").json()["version"]
    r = client.patch(f"/cases/{case_id}/youth", {"version": version, "preferred_language": "fr"})
    assert r.status_code == 422
    assert _fields(r) == ["youth.preferred_language"]
    assert "en, es" in r.json()["errors"][0]["message"]
    after = client.get(f"/cases/{case_id}").json()
    assert (
        after["version"] == version and after["sections"]["identity"]["preferred_language"] == "es"
    )
    # The schema offers the same list (the service is what refuses).
    schema = client.client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schema["YouthIn"]["properties"]["preferred_language"]["enum"] == ["", "en", "es"]


def test_the_service_refuses_it_like_the_api(make_org, make_user):
    worker = make_user(make_org("child_welfare"))
    with pytest.raises(InvalidInput) as refused:
        services.open_case(actor=worker, youth={**YOUTH, "preferred_language": "fr"})
    assert [e.field for e in refused.value.errors] == ["youth.preferred_language"]


def test_who_may_change_it_and_who_sees_it_are_the_identitys(make_org, make_user, api):
    owner_org, reader_org, editor_org = (
        make_org("child_welfare"),
        make_org("mental_health"),
        make_org("child_welfare"),
    )
    owner = api(make_user(owner_org))
    reader, editor = api(make_user(reader_org)), api(make_user(editor_org))
    case_id = _open(owner, preferred_language="es")

    def share(org, compartments, may_edit=False):
        r = owner.post(
            f"/cases/{case_id}/shares",
            {
                "organization": org.slug,
                "compartments": compartments,
                "purpose": "coordination",
                "basis": {"type": "court_order", "reference": "JV-1"},
                "expires_at": later(),
                "may_edit": may_edit,
            },
        )
        assert r.status_code == 201, r.content

    share(reader_org, ["mental_health"])
    seen = reader.get(f"/cases/{case_id}").json()["sections"]
    assert "identity" not in seen and "preferred_language" not in str(seen)
    share(reader_org, ["identity"])
    assert reader.get(f"/cases/{case_id}").json()["sections"]["identity"]["preferred_language"] == (
        "es"
    )
    version = owner.get(f"/cases/{case_id}").json()["version"]
    refused = reader.patch(
        f"/cases/{case_id}/youth", {"version": version, "preferred_language": "en"}
    )
    assert refused.status_code == 403
    share(editor_org, ["identity"], may_edit=True)
    ok = editor.patch(f"/cases/{case_id}/youth", {"version": version, "preferred_language": "en"})
    assert ok.status_code == 200, ok.content
    assert _identity(owner, case_id)["preferred_language"] == "en"

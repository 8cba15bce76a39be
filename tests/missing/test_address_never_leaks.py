"""A placement address reaches nobody without the `placement_address` compartment: a table of
who (the owner, shares with and without it, break-glass, a stranger) × every endpoint and page
that shows a case, its placements, its episodes or its obligations. Where the viewer holds the
compartment, the case and the placement history show the address; everywhere else no part of it
appears, whatever the answer's status."""

from __future__ import annotations

import pytest

from tests.cases.conftest import Api
from tests.factories import give_totp_device, sign_in

from .conftest import report_missing, share

ADDRESS = "8123 Marrowbone Terrace, Ely, NV (not real)"
PARTS = ("8123", "Marrowbone", "Ely, NV")

API = (
    "/cases/{id}",
    "/cases/{id}/placements",
    "/cases/{id}/missing-episodes",
    "/cases/{id}/obligations",
    "/cases?status=open",
)
PAGES = (
    "/cases/{id}/",
    "/cases/{id}/placements/",
    "/cases/{id}/missing/",
    "/cases/",
    "/obligations/",
)

CASE = {"/cases/{id}", "/cases/{id}/"}
HISTORY = {"/cases/{id}/placements", "/cases/{id}/placements/"}
# (who, what their organization holds: "owner", "glass", shared compartments or nothing, and
# where the address must show: the case and, with `safety` too, the placement history)
TABLE = [
    ("owner caseworker", "owner", CASE | HISTORY),
    ("share with the address and safety", ["safety", "placement_address"], CASE | HISTORY),
    ("share with the address only", ["placement_address"], CASE),
    ("share with safety", ["safety", "identity", "screening", "legal"], set()),
    ("share with identity", ["identity"], set()),
    ("break-glass", "glass", CASE | HISTORY),
    ("stranger", "", set()),
]


@pytest.mark.parametrize("who,access,shows", TABLE, ids=[row[0] for row in TABLE])
def test_the_address_only_for_those_who_hold_the_compartment(
    world, make_org, make_user, who, access, shows
):
    placed = world.client.post(
        f"/cases/{world.case_id}/placements",
        {"kind": "foster_home", "started_on": "2026-11-02", "address": ADDRESS},
    )
    assert placed.status_code == 201
    report_missing(world)
    if access == "owner":
        user = world.caseworker
    else:
        org = make_org("community_advocacy")
        user = make_user(org, "caseworker")
        if isinstance(access, list):
            share(world, org, access)
    client = Api(user)
    if access == "glass":
        r = client.post(
            f"/cases/{world.case_id}/break-glass",
            {"reason": "Youth missing overnight; placement must be checked now."},
        )
        assert r.status_code == 201, r.content
    give_totp_device(user)
    browser = sign_in(client.client.__class__(), user)

    shown = []
    for path in API:
        r = client.get(path.format(id=world.case_id))
        shown.append((path, r.status_code, any(p in r.content.decode() for p in PARTS)))
    for path in PAGES:
        r = browser.get(path.format(id=world.case_id))
        shown.append((path, r.status_code, any(p in r.content.decode() for p in PARTS)))
    leaked = {path for path, status, found in shown if found and status == 200}
    assert leaked == shows, shown
    assert not any(found for _, status, found in shown if status != 200), shown

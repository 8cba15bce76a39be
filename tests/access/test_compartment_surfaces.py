"""The compartment table (issue 12): a placement address and a safety plan's contents appear
exactly where compartment_oracle.py says, for every viewer × every surface that shows a case.

One case is seeded through the API — a placement at the marker address, a 9-A and a safety plan
that name the marker exploiter, a contact the youth chose, a screening, a service plan, a missing
episode with its return and debrief, a needs assessment — then every viewer (the owner, shares
with and without each compartment, break-glass, none; each of an organization of its own) reads
every surface: every API GET and every page of the oracle's lists (the resolver and the router
are checked to hold no other), with each route's parameters filled from the seeded records.
Every answer's body is searched, whatever its status; a PDF is searched by its text. The owner
must open every surface whose record exists (200, or 405 for a POST-only route), so no surface
passes by answering 404 to everyone. A failure lists every cell that differs.

A separate test checks that every route of the URL resolver and of the API router is declared in
the oracle, so that a new page or endpoint fails here until someone says what it shows."""

from __future__ import annotations

import json
import logging
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from harborline.access.models import BreakGlass, Share
from harborline.audit.models import AuditEvent
from harborline.cases.models import Case, CaseTeamMember, Placement
from harborline.missing.models import MissingEpisode
from harborline.response.models import (
    NeedsAssessment,
    Obligation,
    PlanOutcome,
    PlanTask,
    SafetyPlan,
    Screening,
    ServicePlan,
)
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import NRIT_CONFIRMED, Api, later, open_case
from tests.factories import give_totp_device, sign_in

from . import compartment_oracle as oracle
from .compartment_oracle import CONTACT, EXPLOITER, Viewer

make_org = cases_conftest.make_org
make_user = cases_conftest.make_user

MISSING_ID = 2_000_000_000  # a record that never exists (routes whose record is not seeded)

PLAN_ANSWERS: dict[str, Any] = {
    "pre_call_911": True,
    "pre_trusted_contacts": True,
    "pre_trusted_contacts_list": [
        {"name": CONTACT, "phone": "775-555-0142"},
        {"name": EXPLOITER, "phone": "775-555-0199"},
    ],
    "post_identify_risky_places": True,
    "post_risky_places_notes": f"Stay away from the motel where {EXPLOITER} stays",
    "youth_signature": "A. R.",
    "staff_signature": "Casey L.",
}


def _ago(hours: float) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0).isoformat()


def _ok(r: Any, status: int = 201) -> Any:
    assert r.status_code == status, (r.status_code, r.content[:500])
    return r.json()


# --- the routes ----------------------------------------------------------------------------


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def page_routes() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def api_get_routes() -> set[str]:
    from harborline.api.urls import api

    found = set()
    for _, router in api._routers:
        for path, view in router.path_operations.items():
            if any("GET" in op.methods for op in view.operations):
                found.add(path)
    return found


def test_every_route_is_declared_in_the_oracle():
    """A page or API GET that is in neither of the oracle's lists (shows a case, or not) fails
    here: declare what it shows before it ships."""
    undeclared_api = api_get_routes() - set(oracle.CASE_API) - set(oracle.NO_CASE_API)
    assert not undeclared_api, f"API GETs missing from compartment_oracle: {undeclared_api}"
    assert set(oracle.CASE_API) | set(oracle.NO_CASE_API) <= api_get_routes(), "stale API rows"
    pages = page_routes()
    undeclared = {
        r
        for r in pages
        if r not in oracle.CASE_PAGES and not r.startswith(oracle.NO_CASE_PAGE_PREFIXES)
    }
    assert not undeclared, f"pages missing from compartment_oracle: {sorted(undeclared)}"
    assert set(oracle.CASE_PAGES) <= pages, set(oracle.CASE_PAGES) - pages


# --- the case and its records --------------------------------------------------------------


def _seed(make_org: Any, make_user: Any) -> tuple[Any, Api, int]:
    org = make_org("child_welfare")
    owner = make_user(org, "caseworker")
    client = Api(owner)
    case_id = open_case(client)
    _ok(
        client.post(
            f"/cases/{case_id}/screenings",
            {
                "instrument": "nrit",
                "answers": NRIT_CONFIRMED,
                "identified_by": "child_welfare",
                "identified_at": _ago(3),
            },
        )
    )
    _ok(
        client.post(
            f"/cases/{case_id}/placements",
            {"kind": "foster_home", "started_on": "2026-11-02", "address": oracle.ADDRESS},
        )
    )
    _ok(
        client.post(
            f"/cases/{case_id}/safety-assessments",
            {"answers": {"trafficker_name": EXPLOITER, "known_associates": EXPLOITER}},
        )
    )
    _ok(client.post(f"/cases/{case_id}/safety-plans", {"answers": PLAN_ANSWERS}))
    _ok(
        client.post(
            f"/cases/{case_id}/service-plans",
            {
                "outcomes": [
                    {
                        "title": "Stable housing",
                        "priority": 1,
                        "tasks": [
                            {
                                "text": "Visit the transitional program",
                                "target_on": "2027-01-15",
                                "responsible": "Jordan Vale",
                            }
                        ],
                    }
                ]
            },
        )
    )
    episode = _ok(
        client.post(
            f"/cases/{case_id}/missing-episodes",
            {
                "last_seen_at": _ago(30),
                "reported_missing_at": _ago(26),
                "last_seen_where": "Synthetic Youth Shelter, Reno",
            },
        )
    )["id"]
    _ok(client.post(f"/missing-episodes/{episode}/return", {"returned_at": _ago(4)}), 200)
    _ok(
        client.post(
            f"/missing-episodes/{episode}/debrief",
            {"held_at": _ago(2), "led_by_name": "Aunt", "in_danger_now": "no"},
        )
    )
    _ok(
        client.post(
            f"/cases/{case_id}/needs-assessments",
            {"answers": {"youth_priorities": [{"words": "Get back to school"}]}},
        )
    )
    return owner, client, case_id


def _share(client: Api, case_id: int, org: Any, compartments: tuple[str, ...]) -> None:
    _ok(
        client.post(
            f"/cases/{case_id}/shares",
            {
                "organization": org.slug,
                "compartments": list(compartments),
                "purpose": "MDT service planning",
                "basis": {"type": "court_order", "reference": "JV-2026-12"},
                "expires_at": later(),
            },
        )
    )


def _parameters(case_id: int) -> dict[str, int]:
    case = Case.objects.get(pk=case_id)
    plan = ServicePlan.objects.get(case=case)

    def first(qs: Any) -> int:
        row = qs.order_by("pk").first()
        return row.pk if row is not None else MISSING_ID

    return {
        "case_id": case_id,
        "youth_id": case.youth_id,
        "episode_id": first(MissingEpisode.objects.filter(case=case)),
        "placement_id": first(Placement.objects.filter(case=case)),
        "safety_plan_id": first(SafetyPlan.objects.filter(case=case)),
        "service_plan_id": plan.pk,
        "outcome_id": first(PlanOutcome.objects.filter(plan=plan)),
        "task_id": first(PlanTask.objects.filter(outcome__plan=plan)),
        "obligation_id": first(Obligation.objects.filter(case=case)),
        "screening_id": first(Screening.objects.filter(case=case)),
        "share_id": first(Share.objects.filter(case=case)),
        "member_id": first(CaseTeamMember.objects.filter(case=case)),
        "glass_id": first(BreakGlass.objects.filter(case=case)),
        "assessment_id": first(NeedsAssessment.objects.filter(case=case)),
        # Not seeded (read with a missing id): a consent; a referral (issue 14's own tables
        # test who sees one).
        "consent_id": MISSING_ID,
        "referral_id": MISSING_ID,
        "service_id": MISSING_ID,
        "submission_id": MISSING_ID,  # submissions' own table test says who reads one
        "pair_id": MISSING_ID,  # tests/linkage/review_table.py says who reads these
        "request_id": MISSING_ID,
    }


def _fill(kind: str, route: str, ids: dict[str, int]) -> list[str]:
    """The concrete paths of one route (several when a slug takes several values)."""
    if kind == "api":
        names = dict(ids, plan_id=ids["service_plan_id"])

        def api_value(m: re.Match[str]) -> str:
            return str(names[m.group(1)])

        return ["/api/v1" + re.sub(r"\{(\w+)\}", api_value, route)]
    names = dict(ids)
    # `plan_id` is the safety plan under /safety-plans/, the service plan under /cases/.
    names["plan_id"] = (
        ids["safety_plan_id"] if route.startswith("safety-plans/") else ids["service_plan_id"]
    )
    slugs = {"what": ("safety-assessment", "safety-plan"), "step": ("who",)}
    paths = ["/" + route]
    for name, values in slugs.items():
        if f"<slug:{name}>" in route:
            paths = [p.replace(f"<slug:{name}>", v) for p in paths for v in values]

    def page_value(m: re.Match[str]) -> str:
        return str(names[m.group(1)])

    paths = [p.replace("<str:action>", "accept") for p in paths]
    return [re.sub(r"<int:(\w+)>", page_value, p) for p in paths]


def pdf_text(body: bytes) -> str:
    """The strings a PDF shows ((...) Tj), from plain or Flate-compressed content streams."""
    chunks = [body]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    text = []
    for chunk in chunks:
        for s in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", chunk):
            text.append(re.sub(rb"\\(.)", rb"\1", s).decode("latin-1"))
    return " ".join(text)


def _body(r: Any) -> str:
    if r.get("content-type", "").startswith("application/pdf"):
        return pdf_text(r.content)
    return r.content.decode("utf-8", "replace")


def _found(text: str) -> set[str]:
    return {m for m, parts in oracle.FRAGMENTS.items() if any(p in text for p in parts)}


# --- the table ---------------------------------------------------------------------------------


def _viewer_clients(
    viewer: Viewer, make_org: Any, make_user: Any, owner: Any, client: Api, case_id: int
) -> tuple[Api, Client]:
    # A supervisor: works cases like a caseworker, and also reads the organization's audit
    # pages and the break-glass reviews, so those pages answer rather than 404.
    if viewer.relation == "owner":
        user = make_user(owner.membership_or_none.organization, "supervisor")
    else:
        org = make_org("community_advocacy")
        user = make_user(org, "supervisor")
        if viewer.relation == "shared":
            _share(client, case_id, org, viewer.shared)
    api = Api(user)
    if viewer.relation == "break_glass":
        _ok(
            api.post(
                f"/cases/{case_id}/break-glass",
                {"reason": "Youth missing overnight; placement must be checked now."},
            )
        )
    give_totp_device(user)
    return api, sign_in(Client(), user)


def run(
    viewer: Viewer, make_org: Any, make_user: Any, owner: Any, client: Api, case_id: int
) -> list[str]:
    api, browser = _viewer_clients(viewer, make_org, make_user, owner, client, case_id)
    ids = _parameters(case_id)
    want = oracle.expected(viewer)
    mismatches: list[str] = []
    for surface in oracle.surfaces():
        kind, route, query = surface
        for path in _fill(kind, route, ids):
            url = f"{path}?{query}" if query else path
            send = api.client if kind == "api" else browser
            r = send.get(url)
            assert r.status_code != 500, (url, r.content[:500])
            # The owner opens every surface whose record exists (or is told it takes a POST):
            # a surface that answered 404 to everyone would check nothing.
            opens = r.status_code in (200, 405)
            if viewer.relation == "owner" and str(MISSING_ID) not in url and not opens:
                mismatches.append(f"viewer=owner {url} answered {r.status_code}")
            found = _found(_body(r))
            for marker in oracle.FRAGMENTS:
                expect = surface in want[marker]
                if (marker in found) != expect:
                    reason = oracle.KNOWN_DEVIATIONS.get((viewer.id, marker, surface))
                    mismatches.append(
                        f"viewer={viewer.id} marker={marker} surface={kind} {url} "
                        f"status={r.status_code} expected={'shown' if expect else 'absent'} "
                        f"got={'shown' if marker in found else 'absent'}"
                        + (f" (known: {reason})" if reason else "")
                    )
    return mismatches


@pytest.mark.django_db
def test_compartment_table(make_org: Any, make_user: Any, caplog: Any) -> None:
    """Every viewer reads the one seeded case: each from an organization of its own, so one
    viewer's share or break-glass gives another nothing. No log line written meanwhile, and no
    row of the audit chain, holds any part of a marker (issue 12 item 6: "never ... in any log
    line")."""
    caplog.set_level(logging.DEBUG)
    owner, client, case_id = _seed(make_org, make_user)
    mismatches: list[str] = []
    for viewer in oracle.VIEWERS:
        mismatches += run(viewer, make_org, make_user, owner, client, case_id)
    assert not mismatches, "cells that differ from compartment_oracle.py:\n" + "\n".join(mismatches)
    leaked = [r.getMessage() for r in caplog.records if _found(r.getMessage())]
    assert not leaked, leaked
    audited = [
        e
        for e in AuditEvent.objects.values()
        if _found(json.dumps(e, default=str, ensure_ascii=False))
    ]
    assert not audited, audited


def test_the_oracle_expects_each_marker_somewhere_and_not_everywhere():
    """A table that expects nothing cannot fail: the owner sees every marker somewhere, the
    viewer with no relation nowhere."""
    owner = next(v for v in oracle.VIEWERS if v.relation == "owner")
    nobody = next(v for v in oracle.VIEWERS if v.relation == "none")
    assert all(oracle.expected(owner).values())
    assert not any(oracle.expected(nobody).values())

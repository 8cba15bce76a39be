"""The crisis-event pages (decision 0042): the case's events with what each started, and the form
for a return to the exploiter, a suicide attempt or an arrest; a message beside the field for bad
input with nothing written; 403 without `safety`, 404 for a stranger; linked from the case
page."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from harborline.missing.models import CrisisEvent
from tests.factories import give_totp_device, sign_in

from .conftest import ago, share

ZONE = "America/Los_Angeles"


def _browser(user: Any) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


@pytest.fixture
def page(world) -> Client:
    return _browser(world.caseworker)


def _local(hours: float) -> str:
    return ago(hours).astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def test_an_event_recorded_on_the_page_shows_what_it_started(world, page):
    assert (
        f'href="/cases/{world.case_id}/events/"'
        in page.get(f"/cases/{world.case_id}/").content.decode()
    )
    form = page.get(f"/cases/{world.case_id}/events/new").content.decode()
    assert "Suicide attempt" in form and 'value="runaway"' not in form
    r = page.post(
        f"/cases/{world.case_id}/events/new",
        {"kind": "suicide_attempt", "occurred_at": _local(3), "note": "Synthetic note"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    [event] = CrisisEvent.objects.filter(case_id=world.case_id)
    assert event.kind == "suicide_attempt"
    listed = page.get(f"/cases/{world.case_id}/events/").content.decode()
    assert "Suicide attempt" in listed and "Synthetic note" in listed
    assert "Reconvene the MDT after a crisis event" in listed
    assert "Reassess the youth&#x27;s safety after a crisis event" in listed


def test_bad_input_comes_back_beside_the_field_and_nothing_is_written(world, page):
    r = page.post(f"/cases/{world.case_id}/events/new", {"kind": "", "occurred_at": ""})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Select what happened." in html and "Say when it happened." in html
    future = ago(-48).astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")
    r = page.post(f"/cases/{world.case_id}/events/new", {"kind": "arrest", "occurred_at": future})
    assert r.status_code == 422
    assert "cannot be in the future" in r.content.decode()
    assert not CrisisEvent.objects.exists()


def test_without_safety_403_and_a_stranger_404(world, make_org, make_user):
    school = make_org("education")
    share(world, school, ["identity"])
    partial = _browser(make_user(school, "caseworker"))
    assert partial.get(f"/cases/{world.case_id}/events/").status_code == 403
    assert partial.get(f"/cases/{world.case_id}/events/new").status_code == 403
    stranger = _browser(make_user(make_org("law_enforcement"), "caseworker"))
    assert stranger.get(f"/cases/{world.case_id}/events/").status_code == 404
    r = stranger.post(
        f"/cases/{world.case_id}/events/new", {"kind": "arrest", "occurred_at": _local(1)}
    )
    assert r.status_code == 404
    assert not CrisisEvent.objects.exists()

"""The pages for missing episodes and placements: report a youth missing (the page says credentials
are never stored), log a locate effort, record the return and the debrief, record and end a
placement; a user without `safety` gets 403, a stranger 404, and a placement address never
reaches a page for someone without `placement_address`."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from harborline.cases.models import Placement
from harborline.missing.models import Debrief, LocateEffort, MissingEpisode
from tests.cases.conftest import Api
from tests.factories import give_totp_device, sign_in

from .conftest import ago, report_missing, share

ZONE = "America/Los_Angeles"  # the organizations' default time zone


def _browser(user: Any) -> Client:
    give_totp_device(user)
    return sign_in(Client(), user)


@pytest.fixture
def page(world) -> Client:
    return _browser(world.caseworker)


def _local(hours: float) -> str:
    """A datetime-local value: wall-clock time in the owning organization's time zone."""
    return ago(hours).astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M")


def test_the_report_page_says_credentials_are_never_stored(world, page):
    r = page.get(f"/cases/{world.case_id}/missing/new")
    assert r.status_code == 200
    html = r.content.decode()
    assert "never stores passwords or any other credential" in html
    assert 'name="social_0_account"' in html and "password" not in html.split("<main")[
        -1
    ].lower().replace("passwords", "")


def test_recording_an_episode_a_locate_effort_a_return_and_a_debrief(world, page):
    r = page.post(
        f"/cases/{world.case_id}/missing/new",
        {
            "last_seen_at": _local(30),
            "reported_missing_at": _local(26),
            "last_seen_where": "Synthetic shelter",
            "social_0_platform": "Instagram",
            "social_0_account": "synthetic.youth",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    episode = MissingEpisode.objects.get()
    assert episode.social_media == [{"platform": "Instagram", "account": "synthetic.youth"}]
    detail = page.get(r["Location"]).content.decode()
    assert "Report the missing youth to NCMEC" in detail
    assert "synthetic.youth" in detail
    r = page.post(
        f"/missing/{episode.pk}/effort", {"made_at": _local(20), "action": "Called the aunt"}
    )
    assert r.status_code == 302 and LocateEffort.objects.count() == 1
    r = page.post(f"/missing/{episode.pk}/report", {"to": "ncmec", "report_number": "NC-77"})
    assert r.status_code == 302
    r = page.post(f"/missing/{episode.pk}/return", {"returned_at": _local(3), "found_by": "Police"})
    assert r.status_code == 302, r.content.decode().split("<main")[-1][:1500]
    detail = page.get(f"/missing/{episode.pk}/").content.decode()
    assert "Debrief the youth after a return from runaway" in detail
    assert "NC-77" in detail
    r = page.post(
        f"/missing/{episode.pk}/debrief",
        {
            "held_at": _local(1),
            "led_by_name": "Jordan",
            "chosen_by_youth": "on",
            "in_danger_now": "yes",
            "reasons_left": "unsafe_placement, friends",
        },
    )
    assert r.status_code == 302
    debrief = Debrief.objects.get()
    assert debrief.answers == {"reasons_left": ["unsafe_placement", "friends"]}
    listing = page.get(f"/cases/{world.case_id}/missing/").content.decode()
    assert "Episodes: 1" in listing


def test_a_bad_time_is_shown_beside_the_field(world, page):
    r = page.post(
        f"/cases/{world.case_id}/missing/new",
        {"last_seen_at": _local(2), "reported_missing_at": _local(5)},
    )
    assert r.status_code == 422
    assert "cannot be before the youth was last seen" in r.content.decode()
    assert MissingEpisode.objects.count() == 0


def test_without_safety_the_pages_are_forbidden_and_strangers_get_404(world, make_org, make_user):
    episode_id = report_missing(world).json()["id"]
    police = make_org("law_enforcement")
    officer = make_user(police, "caseworker")
    share(world, police, ["identity"])
    browser = _browser(officer)
    for path in (
        f"/cases/{world.case_id}/missing/",
        f"/cases/{world.case_id}/missing/new",
        f"/missing/{episode_id}/",
        f"/missing/{episode_id}/return",
        f"/cases/{world.case_id}/placements/",
    ):
        assert browser.get(path).status_code == 403, path
    stranger = _browser(make_user(make_org("law_enforcement"), "caseworker"))
    assert stranger.get(f"/missing/{episode_id}/").status_code == 404
    assert stranger.get(f"/cases/{world.case_id}/missing/").status_code == 404


def test_placement_pages_record_end_and_hide_the_address(world, page, make_org, make_user):
    r = page.post(
        f"/cases/{world.case_id}/placements/new",
        {
            "kind": "foster_home",
            "started_on": "2026-11-02",
            "address": "77 Zephyrine Row (not real)",
            "fit_trained_practices": "yes",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    placement = Placement.objects.get()
    assert placement.considerations == {"fit_trained_practices": "yes"}
    history = page.get(f"/cases/{world.case_id}/placements/").content.decode()
    assert "77 Zephyrine Row" in history and "Foster home" in history
    advocates = make_org("community_advocacy")
    share(world, advocates, ["safety"])
    other = _browser(make_user(advocates, "mentor_advocate"))
    seen = other.get(f"/cases/{world.case_id}/placements/").content.decode()
    assert "Foster home" in seen and "Zephyrine" not in seen
    r = page.post(
        f"/placements/{placement.pk}/end", {"ended_on": "2026-11-30", "reason": "disruption"}
    )
    assert r.status_code == 302
    obligations = Api(world.caseworker).get(f"/cases/{world.case_id}/obligations").json()
    assert "event_review" in {o["kind"] for o in obligations}


def test_the_runaway_prevention_guide_is_recorded_with_the_instruments_form(world, page):
    r = page.get(f"/cases/{world.case_id}/runaway-prevention/")
    assert r.status_code == 200
    assert "Runaway Prevention Interventions Guide" in r.content.decode()
    r = page.post(
        f"/cases/{world.case_id}/runaway-prevention/",
        {"run_triggers": "When staff raise their voice", "support_person": "My aunt"},
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    shown = page.get(f"/cases/{world.case_id}/runaway-prevention/").content.decode()
    assert "When staff raise their voice" in shown and "My aunt" in shown


def test_the_case_page_links_to_episodes_and_placements_for_those_who_see_safety(
    world, page, make_org, make_user
):
    html = page.get(f"/cases/{world.case_id}/").content.decode()
    assert f'href="/cases/{world.case_id}/missing/"' in html
    assert f'href="/cases/{world.case_id}/placements/"' in html
    police = make_org("law_enforcement")
    officer = make_user(police, "caseworker")
    share(world, police, ["identity"])
    other = _browser(officer).get(f"/cases/{world.case_id}/").content.decode()
    assert "/missing/" not in other and "/placements/" not in other

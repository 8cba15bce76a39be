"""The mentoring pages: roster, record, supervision, on-call schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harborline.mentoring import services
from harborline.mentoring.models import OnCallShift, SupervisionSession
from tests.factories import UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db


def client_for(user):
    give_totp_device(user)
    return sign_in(Client(), user)


def test_supervisor_sees_the_roster_with_flags_and_logs_supervision(program):
    org, supervisor, a1, _ = program
    client = client_for(supervisor)
    page = client.get(reverse("web:mentoring"))
    assert page.status_code == 200
    assert (
        b"Avery Mentor" in page.content
        and b"no supervision logged in the last 7 days" in page.content
    )
    form = client.get(reverse("web:supervision_add", args=[a1.pk]))
    assert b"Do not write about any youth here" in form.content
    bad = client.post(
        reverse("web:supervision_add", args=[a1.pk]), {"held_on": "", "kind": "individual"}
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("web:supervision_add", args=[a1.pk]),
        {"held_on": timezone.localdate().isoformat(), "kind": "group", "notes": "Boundaries."},
    )
    assert ok.status_code == 302
    assert SupervisionSession.objects.get().supervisor == supervisor


def test_on_call_page_shows_who_is_on_call_and_the_gaps(program, geography):
    org, supervisor, a1, _ = program
    now = timezone.now()
    services.add_shift(
        actor=supervisor,
        advocate=a1,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        county="washoe",
    )
    caseworker = UserFactory(role="caseworker", org=org)
    page = client_for(caseworker).get(reverse("web:on_call") + "?county=washoe")
    assert page.status_code == 200
    assert (
        b"775-555-0101" in page.content and b"hours this week with nobody on call" in page.content
    )
    other = client_for(UserFactory(role="caseworker", org=org)).get(
        reverse("web:on_call") + "?county=clark"
    )
    assert b"Nobody is on call for this county" in other.content
    unknown = client_for(UserFactory(role="caseworker", org=org)).get(
        reverse("web:on_call") + "?county=atlantis"
    )
    assert b"no county named" in unknown.content


def test_supervisor_adds_a_shift_in_local_time(program, geography):
    org, supervisor, a1, _ = program
    client = client_for(supervisor)
    response = client.post(
        reverse("web:shift_add"),
        {
            "advocate": a1.pk,
            "starts_at": "2026-12-01T17:00",
            "ends_at": "2026-12-02T08:00",
            "phone": "775-555-0111",
        },
    )
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    assert shift.starts_at.isoformat() == "2026-12-02T01:00:00+00:00"
    bad = client.post(
        reverse("web:shift_add"),
        {"advocate": a1.pk, "starts_at": "2026-12-02T08:00", "ends_at": "2026-12-02T07:00"},
    )
    assert bad.status_code == 422 and b"must be after the start" in bad.content


def test_analysts_do_not_see_the_program(program):
    org, *_ = program
    client = client_for(UserFactory(role="analyst", org=org))
    assert client.get(reverse("web:mentoring")).status_code == 404
    assert client.get(reverse("web:on_call")).status_code == 404


@pytest.mark.usefixtures("nevada_home")  # the installation's counties: Nevada's
def test_a_shift_for_a_county_several_packs_have_is_saved_for_the_one_chosen(program, db):
    """The form picks one county; its pack travels with it (`nevada/clark`), so a county name
    that Washington and Wisconsin also have is never refused as ambiguous (decision 0039)."""
    from harborline.protocols.geography import available_packs, load_geography
    from harborline.protocols.models import County

    for pack in available_packs():
        load_geography(pack)
    clark = County.objects.get(pack="nevada", slug="clark")
    _, supervisor, a1, _ = program
    response = client_for(supervisor).post(
        reverse("web:shift_add"),
        {
            "advocate": a1.pk,
            "starts_at": "2026-12-01T17:00",
            "ends_at": "2026-12-02T08:00",
            "county": clark.pk,
            "phone": "775-555-0111",
        },
    )
    assert response.status_code == 302, response.content
    assert OnCallShift.objects.get().county == clark


@pytest.mark.usefixtures("nevada_home")  # the installation's counties: Nevada's
def test_county_lists_show_the_installations_counties_once(program, db):
    """Issue 15: with every pack's geography loaded, the on-call page and the shift form listed
    three "Clark County" entries (Nevada, Washington, Wisconsin); they list the home pack's."""
    import re

    from harborline.protocols.geography import available_packs, load_geography

    for pack in available_packs():
        load_geography(pack)
    _, supervisor, _, _ = program
    client = client_for(supervisor)
    on_call = client.get(reverse("web:on_call")).content.decode()
    assert len(re.findall(r">Clark County</option>", on_call)) == 1
    assert 'value="nevada/clark"' in on_call and "Spokane County" not in on_call
    form = client.get(reverse("web:shift_add")).content.decode()
    assert len(re.findall(r">Clark County</option>", form)) == 1
    assert "Dane County" not in form

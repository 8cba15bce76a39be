"""Interconnectedness (issue 14 item 7): a round each member organization answers, densities
per relation and the change between rounds, the same "refers" measure from actual referrals,
and the page with its network picture and table; non-readers get 404."""

from __future__ import annotations

import pytest

from harborline.directory import network
from harborline.taskforce import services
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(tf, coordinator, member_org):
    second = OrganizationFactory(slug="cps-king", name="King CPS", type="child_welfare")
    third = OrganizationFactory(slug="youthcare", name="YouthCare", type="service_provider")
    for org, category in ((second, "cps"), (third, "youth_service_providers")):
        services.add_member(actor=coordinator, taskforce=tf, organization=org, category=category)
    people = {o.slug: UserFactory(role="caseworker", org=o) for o in (member_org, second, third)}
    return {"orgs": [member_org, second, third], "people": people}


def test_densities_and_change(tf, coordinator, three):
    le, cps, yc = three["orgs"]
    people = three["people"]
    first = network.open_round(actor=coordinator, taskforce_id=tf.pk, name="Spring")
    network.answer(
        actor=people[le.slug],
        round_id=first.pk,
        answers={cps.pk: {"knows": True}, yc.pk: {"knows": True, "refers": True}},
    )
    graph = network.survey_network(coordinator, first)
    assert graph.density("knows") == round(2 / 6, 3)
    assert graph.density("refers") == round(1 / 6, 3)
    assert graph.density("communicates") == 0
    second = network.open_round(actor=coordinator, taskforce_id=tf.pk, name="Autumn")
    for org, others in ((le, (cps, yc)), (cps, (le, yc))):
        network.answer(
            actor=people[org.slug],
            round_id=second.pk,
            answers={o.pk: {"knows": True, "communicates": True} for o in others},
        )
    assert network.change(coordinator, first, second) == {
        "knows": round(round(4 / 6, 3) - round(2 / 6, 3), 3),
        "communicates": round(4 / 6, 3),
        "refers": round(-1 / 6, 3),
    }


def test_an_organization_answers_only_about_other_members(tf, coordinator, three):
    le = three["orgs"][0]
    survey = network.open_round(actor=coordinator, taskforce_id=tf.pk, name="Spring")
    outsider = OrganizationFactory(slug="elsewhere")
    with pytest.raises(Exception, match="other member"):
        network.answer(
            actor=three["people"][le.slug],
            round_id=survey.pk,
            answers={outsider.pk: {"knows": True}},
        )


def test_the_page(client, tf, coordinator, three, settings):
    settings.DEMO_MODE = False
    give_totp_device(coordinator)
    sign_in(client, coordinator)
    r = client.post(f"/taskforces/{tf.pk}/interconnectedness/rounds", {"name": "Spring 2027"})
    assert r.status_code == 302
    le_person = three["people"][three["orgs"][0].slug]
    give_totp_device(le_person)
    sign_in(client, le_person)
    survey = tf.survey_rounds.get()
    page = client.get(f"/taskforces/{tf.pk}/interconnectedness/rounds/{survey.pk}/answer")
    assert page.status_code == 200 and "King CPS" in page.content.decode()
    cps = three["orgs"][1]
    r = client.post(
        f"/taskforces/{tf.pk}/interconnectedness/rounds/{survey.pk}/answer",
        {f"knows-{cps.pk}": "on"},
    )
    assert r.status_code == 302
    page = client.get(f"/taskforces/{tf.pk}/interconnectedness/?relation=knows").content.decode()
    assert "Spring 2027" in page and "<svg" in page and "King CPS" in page
    stranger = UserFactory(role="caseworker")
    give_totp_device(stranger)
    sign_in(client, stranger)
    assert client.get(f"/taskforces/{tf.pk}/interconnectedness/").status_code == 404

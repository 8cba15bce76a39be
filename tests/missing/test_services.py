"""The missing services on their own: what counts as a credential, a refused report leaving no
row, obligation or audit record behind, the access rule's answers, and an audit record per write."""

from __future__ import annotations

import pytest

from harborline.audit.models import AuditEvent
from harborline.errors import Forbidden, InvalidInput, NotFound
from harborline.missing import services
from harborline.missing.models import MissingEpisode
from harborline.missing.services import is_credential
from harborline.response.models import Obligation

from .conftest import ago, share


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "Password",
        "pass_word",
        "PIN",
        "pin",
        "passcode",
        "access-token",
        "2FA code",
        "login",
        "recovery_email",
        "security answer",
        "pwd",
        "secret",
    ],
)
def test_credentials(key):
    assert is_credential(key)


@pytest.mark.parametrize("key", ["platform", "account", "profile", "username_shown", "handle"])
def test_not_credentials(key):
    assert not is_credential(key)


def test_a_refused_report_leaves_nothing_behind(world):
    events = AuditEvent.objects.count()
    obligations = Obligation.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.record_episode(
            actor=world.caseworker,
            case_id=world.case_id,
            last_seen_at=ago(3),
            reported_missing_at=ago(2),
            social_media=[{"platform": "Snapchat", "account": "x", "passcode": "1234"}],
        )
    assert [e.field for e in refused.value.errors] == ["social_media[0].passcode"]
    assert "1234" not in str(refused.value.errors)
    assert MissingEpisode.objects.count() == 0
    assert Obligation.objects.count() == obligations
    assert AuditEvent.objects.count() == events


def test_every_write_is_audited_with_the_safety_compartment(world):
    episode, _ = services.record_episode(
        actor=world.caseworker,
        case_id=world.case_id,
        last_seen_at=ago(3),
        reported_missing_at=ago(2),
    )
    services.add_locate_effort(
        actor=world.caseworker, episode_id=episode.pk, made_at=ago(1), action="Called the aunt"
    )
    services.record_return(actor=world.caseworker, episode_id=episode.pk, returned_at=ago(0.5))
    services.record_debrief(
        actor=world.caseworker, episode_id=episode.pk, held_at=ago(0.2), led_by_name="Jordan"
    )
    events = AuditEvent.objects.filter(
        object_type__in=["missing.missingepisode", "missing.locateeffort", "missing.debrief"]
    )
    assert sorted(e.action for e in events) == ["create", "create", "create", "update"]
    assert all(e.compartments == ["safety"] and e.youth_id for e in events)


def test_the_access_rule_answers(world, make_org, make_user):
    episode, _ = services.record_episode(
        actor=world.caseworker,
        case_id=world.case_id,
        last_seen_at=ago(3),
        reported_missing_at=ago(2),
    )
    police = make_org("law_enforcement")
    officer = make_user(police, "caseworker")
    with pytest.raises(NotFound):
        services.episode_for(officer, episode.pk)
    with pytest.raises(NotFound):
        services.episode_for(officer, 10**12)
    share(world, police, ["identity"])
    with pytest.raises(Forbidden):
        services.episode_for(officer, episode.pk)
    share(world, police, ["safety"])
    assert services.episode_for(officer, episode.pk)[0] == episode


def test_a_debrief_not_of_the_youths_choosing_is_refused(world):
    episode, _ = services.record_episode(
        actor=world.caseworker,
        case_id=world.case_id,
        last_seen_at=ago(3),
        reported_missing_at=ago(2),
    )
    services.record_return(actor=world.caseworker, episode_id=episode.pk, returned_at=ago(1))
    with pytest.raises(InvalidInput) as refused:
        services.record_debrief(
            actor=world.caseworker,
            episode_id=episode.pk,
            held_at=ago(0.5),
            led_by_name="Assigned worker",
            chosen_by_youth=False,
        )
    assert [e.field for e in refused.value.errors] == ["chosen_by_youth"]

"""Storing completed instruments (instruments.services.submit) and reading them back
(instruments.selectors): pack name and version recorded, answers (and, for youth instruments,
results) encrypted at rest, audited, one organization's rows only."""

from __future__ import annotations

import pytest
from django.db import connection

from harborline.audit.models import AuditEvent
from harborline.errors import Forbidden, InvalidInput, NotFound
from harborline.instruments import selectors, services
from harborline.instruments.engine import validate
from harborline.instruments.models import InstrumentResponse
from harborline.protocols.packs import get_pack
from tests.crypto.sealed import is_sealed, outside_tokens
from tests.factories import OrganizationFactory, UserFactory

from .conftest import minimal_answers

MARKER = "plaintextmarker"


def nevada_instruments() -> list[str]:
    return sorted(get_pack("nevada").instruments)


@pytest.fixture
def org(db):
    return OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare")


@pytest.fixture
def worker(org):
    return UserFactory(role="caseworker", org=org, email="casey@example.org")


def raw_row(pk: int) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers, results, actions, sealed, pack, pack_version "
            "FROM instruments_instrumentresponse WHERE id = %s",
            [pk],
        )
        columns = [c[0] for c in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.mark.parametrize("instrument_id", nevada_instruments())
def test_every_nevada_instrument_is_stored_with_pack_version_and_encrypted(worker, instrument_id):
    pack = get_pack("nevada")
    definition = pack.instrument(instrument_id)
    answers = minimal_answers(definition, marker=MARKER)
    response = services.submit(
        actor=worker, pack=get_pack("nevada"), instrument=instrument_id, answers=answers
    )

    stored = InstrumentResponse.objects.get(pk=response.pk)
    assert (stored.pack, stored.pack_version, stored.instrument) == (
        "nevada",
        pack.version,
        instrument_id,
    )
    assert stored.about_youth is definition.about_youth
    assert stored.organization == worker.membership.organization
    assert stored.submitted_by == worker
    assert stored.version == 1
    assert (stored.subject_type, stored.subject_id) == ("", "")
    assert stored.answers == validate(definition, answers)  # the normalised answers

    raw = raw_row(response.pk)
    assert raw["pack"] == "nevada" and raw["pack_version"] == pack.version
    assert is_sealed(raw["answers"])
    assert MARKER not in outside_tokens(raw["answers"])
    for item_id in answers:
        assert item_id not in outside_tokens(raw["answers"])
    if definition.about_youth:
        assert is_sealed(raw["sealed"])
        for result in definition.results:
            assert result.id not in outside_tokens(raw["results"], raw["actions"], raw["sealed"])
        assert stored.results == {} and stored.actions == []
    else:
        assert raw["sealed"] is None
    assert set(stored.derived_results) == {r.id for r in definition.results}


def test_nrit_results_and_actions_are_stored_sealed(worker):
    response = services.submit(
        actor=worker,
        pack=get_pack("nevada"),
        instrument="nrit",
        answers={"cv_self_report": True, "hr_other": True, "hr_other_explain": MARKER},
    )
    stored = InstrumentResponse.objects.get(pk=response.pk)
    assert stored.derived_results["outcome"] == "confirmed_victim"
    assert [a["id"] for a in stored.derived_actions][:2] == ["record_confirmed", "initiate_mdt"]
    raw = raw_row(response.pk)
    assert is_sealed(raw["answers"]) and is_sealed(raw["sealed"])
    stored = outside_tokens(raw["answers"], raw["sealed"], raw["results"], raw["actions"])
    for word in ("confirmed", "cv_self_report", MARKER, "MDT", "hr_other"):
        assert word not in stored, word


def test_submit_writes_one_audit_record_in_the_screening_compartment(worker):
    response = services.submit(
        actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
    )
    event = AuditEvent.objects.get(action="create", object_id=str(response.pk))
    assert event.object_type == "instruments.instrumentresponse"
    assert event.actor_email == "casey@example.org"
    assert event.owner_org_id == worker.membership.organization_id
    assert event.compartments == ["screening"]
    assert event.detail == {
        "pack": "nevada",
        "pack_version": get_pack("nevada").version,
        "instrument": "nrit",
    }


def test_invalid_answers_store_nothing(worker):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as problem:
        services.submit(
            actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"hr_other": True}
        )
    assert [e.field for e in problem.value.errors] == ["hr_other_explain"]
    assert InstrumentResponse.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_unknown_pack_or_instrument_is_not_found(worker):
    with pytest.raises(NotFound):
        services.submit(actor=worker, pack=get_pack("atlantis"), instrument="nrit", answers={})
    with pytest.raises(NotFound):
        services.submit(actor=worker, pack=get_pack("nevada"), instrument="horoscope", answers={})


def test_an_actor_without_a_membership_is_refused(db):
    loner = UserFactory(role=None)
    with pytest.raises(Forbidden):
        services.submit(
            actor=loner, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
        )
    assert InstrumentResponse.objects.count() == 0


def test_a_role_without_youth_data_cannot_store_a_youth_instrument(org):
    analyst = UserFactory(role="analyst", org=org)
    with pytest.raises(Forbidden):
        services.submit(
            actor=analyst,
            pack=get_pack("nevada"),
            instrument="nrit",
            answers={"no_indicators": True},
        )


def test_non_youth_instruments_keep_results_in_plain_json(worker, sample_pack):
    response = services.submit(
        actor=worker,
        pack=get_pack("sample"),
        instrument="survey",
        answers={"useful": "no", "quality": "good"},
    )
    raw = raw_row(response.pk)
    assert raw["sealed"] is None
    assert '"verdict"' in raw["results"]
    stored = InstrumentResponse.objects.get(pk=response.pk)
    assert stored.results == {"quality_score": 3.0, "verdict": "review"}
    assert stored.derived_actions[0]["id"] == "review_course"
    event = AuditEvent.objects.get(action="create", object_id=str(response.pk))
    assert event.compartments == []


def test_responses_for_shows_only_the_actors_organization(worker, org):
    mine = services.submit(
        actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
    )
    other_org = OrganizationFactory(slug="clark-pd")
    stranger = UserFactory(role="caseworker", org=other_org)
    theirs = services.submit(
        actor=stranger, pack=get_pack("nevada"), instrument="nrit", answers={"hr_runaway": True}
    )
    assert [r.pk for r in selectors.responses_for(worker)] == [mine.pk]
    assert [r.pk for r in selectors.responses_for(stranger)] == [theirs.pk]
    with pytest.raises(NotFound):
        selectors.response_for(worker, theirs.pk)
    with pytest.raises(NotFound):
        selectors.response_for(worker, 999999)
    assert selectors.response_for(worker, mine.pk).pk == mine.pk


def test_reading_youth_responses_is_audited(worker):
    response = services.submit(
        actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
    )
    views = AuditEvent.objects.filter(action="view", object_id=str(response.pk))
    assert views.count() == 0
    selectors.responses_for(worker)
    selectors.response_for(worker, response.pk)
    assert views.count() == 2
    event = views.first()
    assert event.compartments == ["screening"]
    assert event.owner_org_id == worker.membership.organization_id
    assert event.actor_email == worker.email


def test_reading_non_youth_responses_is_not_audited_and_filters_work(worker, sample_pack):
    survey = services.submit(
        actor=worker, pack=get_pack("sample"), instrument="survey", answers={"useful": "yes"}
    )
    nrit = services.submit(
        actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
    )
    before = AuditEvent.objects.filter(action="view").count()
    assert [r.pk for r in selectors.responses_for(worker, pack="sample")] == [survey.pk]
    assert AuditEvent.objects.filter(action="view").count() == before
    assert [r.pk for r in selectors.responses_for(worker, instrument="nrit")] == [nrit.pk]
    assert len(selectors.responses_for(worker, limit=1)) == 1


def test_analysts_see_no_youth_responses(worker, org, sample_pack):
    services.submit(
        actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
    )
    survey = services.submit(
        actor=worker, pack=get_pack("sample"), instrument="survey", answers={"useful": "yes"}
    )
    analyst = UserFactory(role="analyst", org=org)
    assert [r.pk for r in selectors.responses_for(analyst)] == [survey.pk]


def test_without_a_membership_nothing_is_visible(worker):
    services.submit(
        actor=worker, pack=get_pack("nevada"), instrument="nrit", answers={"no_indicators": True}
    )
    assert selectors.responses_for(UserFactory(role=None)) == []


def test_the_database_refuses_plain_results_for_a_youth_instrument(worker):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        InstrumentResponse.objects.create(
            pack="nevada",
            pack_version="1.0.0",
            instrument="nrit",
            about_youth=True,
            answers={},
            results={"outcome": "confirmed_victim"},
            organization=worker.membership.organization,
            submitted_by=worker,
        )

"""The instrument engine: types, requirements, rules, results and actions, on small
instruments written for the test, plus property tests over random answer sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from harborline.errors import InvalidInput
from harborline.instruments import conditions
from harborline.instruments.engine import derive, evaluate, validate
from harborline.instruments.schema import Instrument

BASE = {"instrument": "demo", "title": "Demo", "mode": "checklist", "source": "L1-9"}


def make(items, rules=(), results=(), actions=()):
    return Instrument.model_validate(
        {
            **BASE,
            "sections": [{"id": "s", "title": "S", "items": list(items)}],
            "rules": list(rules),
            "results": list(results),
            "actions": list(actions),
        }
    )


def errors_of(instrument, answers):
    with pytest.raises(InvalidInput) as problem:
        validate(instrument, answers)
    return {e.field: e.message for e in problem.value.errors}


EVERY_TYPE = make(
    [
        {"id": "a_check", "type": "check", "label": "A"},
        {"id": "a_yes_no", "type": "yes_no", "label": "B"},
        {"id": "an_enum", "type": "enum", "label": "C", "options": [{"value": "x", "label": "X"}]},
        {
            "id": "a_multi",
            "type": "multi",
            "label": "D",
            "options": [{"value": "p", "label": "P"}, {"value": "q", "label": "Q"}],
        },
        {
            "id": "a_rating",
            "type": "rating",
            "label": "E",
            "options": [{"value": "low", "label": "Low", "score": 1}],
        },
        {"id": "a_text", "type": "text", "label": "F", "max_length": 5},
        {"id": "a_date", "type": "date", "label": "G"},
        {"id": "a_datetime", "type": "datetime", "label": "H"},
        {"id": "a_phone", "type": "phone", "label": "I"},
        {"id": "an_email", "type": "email", "label": "J"},
        {"id": "a_number", "type": "number", "label": "K", "min": 0, "max": 10},
        {"id": "an_integer", "type": "integer", "label": "L"},
        {"id": "a_note", "type": "display", "label": "Read this"},
        {
            "id": "a_group",
            "type": "group",
            "label": "M",
            "max_entries": 2,
            "items": [{"id": "who", "type": "text", "label": "Who", "required": True}],
        },
    ]
)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("a_check", "yes", "true or false"),
        ("a_check", 1, "true or false"),
        ("a_yes_no", True, "'yes' or 'no'"),
        ("an_enum", "z", "one of: x"),
        ("a_multi", "p", "list of choices"),
        ("a_multi", ["p", "r"], "'r' not among"),
        ("a_multi", ["p", "p"], "once"),
        ("a_rating", "high", "one of: low"),
        ("a_text", "toolong", "at most 5"),
        ("a_text", 12, "must be text"),
        ("a_date", "2026-13-01", "YYYY-MM-DD"),
        ("a_date", 20260101, "YYYY-MM-DD"),
        ("a_datetime", "2026-03-01T10:00:00", "time zone"),
        ("a_phone", "call me", "phone number"),
        ("an_email", "not-an-email", "email address"),
        ("a_number", 11, "at most 10"),
        ("a_number", -1, "at least 0"),
        ("a_number", True, "a number"),
        ("an_integer", 1.5, "whole number"),
        ("a_note", "anything", "takes no answer"),
        ("a_group", {"who": "x"}, "list of entries"),
        ("a_group", [{}, {}, {}], "0 to 2 entries"),
        ("unknown_item", True, "not an item"),
    ],
)
def test_each_type_rejects_what_it_cannot_hold(field, value, message):
    errors = errors_of(EVERY_TYPE, {field: value})
    assert message in errors[field]


def test_each_type_accepts_and_normalises_good_answers():
    cleaned = validate(
        EVERY_TYPE,
        {
            "a_check": True,
            "a_yes_no": "no",
            "an_enum": "x",
            "a_multi": ["q", "p"],
            "a_rating": "low",
            "a_text": "  ok  ",
            "a_date": "2026-03-01",
            "a_datetime": "2026-03-08T01:30:00-08:00",
            "a_phone": "(775) 555-0100",
            "an_email": "someone@example.org",
            "a_number": 2.5,
            "an_integer": 3.0,
            "a_group": [{"who": "aunt"}],
        },
    )
    assert cleaned["a_multi"] == ["p", "q"]  # option order, whatever the order sent
    assert cleaned["a_text"] == "ok"
    assert cleaned["an_integer"] == 3 and isinstance(cleaned["an_integer"], int)
    assert "a_note" not in cleaned


def test_unanswered_checks_are_unticked_and_null_is_unanswered():
    cleaned = validate(EVERY_TYPE, {"a_check": None})
    assert cleaned["a_check"] is False and cleaned["a_yes_no"] is None


def test_group_entries_are_checked_field_by_field():
    errors = errors_of(EVERY_TYPE, {"a_group": [{"who": ""}, {"whom": "x", "who": "y"}]})
    assert errors == {"a_group[0].who": "required", "a_group[1].whom": "not a field of this entry"}


def test_required_and_required_when():
    instrument = make(
        [
            {"id": "name", "type": "text", "label": "Name", "required": True},
            {"id": "other", "type": "check", "label": "Other"},
            {
                "id": "other_explain",
                "type": "long_text",
                "label": "Explain",
                "required_when": {"checked": "other"},
            },
        ]
    )
    assert errors_of(instrument, {}) == {"name": "required"}
    assert set(errors_of(instrument, {"name": "A", "other": True})) == {"other_explain"}
    assert validate(instrument, {"name": "A", "other": True, "other_explain": "because"})


def test_rules_name_the_field_with_the_packs_message():
    instrument = make(
        [
            {"id": "none", "type": "check", "label": "None"},
            {"id": "some", "type": "check", "label": "Some"},
        ],
        rules=[
            {
                "id": "exclusive",
                "when": {"all": [{"checked": "none"}, {"checked": "some"}]},
                "field": "none",
                "message": "Pick one.",
                "source": "derived: test",
            }
        ],
    )
    assert errors_of(instrument, {"none": True, "some": True}) == {"none": "Pick one."}


def test_results_in_order_and_actions():
    instrument = make(
        [
            {"id": "f_a", "type": "check", "label": "A"},
            {"id": "f_b", "type": "check", "label": "B"},
            {
                "id": "mood",
                "type": "rating",
                "label": "Mood",
                "options": [
                    {"value": "bad", "label": "Bad", "score": 0},
                    {"value": "ok", "label": "OK", "score": 2},
                ],
            },
        ],
        results=[
            {
                "id": "flagged",
                "label": "Flagged",
                "type": "boolean",
                "when": {"any_checked": ["f_*"]},
                "source": "L2",
            },
            {"id": "how_many", "label": "Count", "type": "count", "of": ["f_*"], "source": "L2"},
            {"id": "which", "label": "Which", "type": "list", "of": ["f_*"], "source": "L2"},
            {"id": "mood_score", "label": "Score", "type": "score", "of": ["mood"], "source": "L3"},
            {
                "id": "level",
                "label": "Level",
                "type": "enum",
                "options": [{"value": "high", "label": "High"}, {"value": "low", "label": "Low"}],
                "cases": [
                    {"when": {"count_checked": {"of": ["f_*"], "at_least": 2}}, "value": "high"}
                ],
                "default": "low",
                "source": "L4",
            },
        ],
        actions=[
            {
                "id": "call",
                "when": {"result_equals": {"result": "level", "value": "high"}},
                "kind": "do",
                "text": "Call.",
                "source": "L5",
            }
        ],
    )
    result = evaluate(
        pack="p",
        version="1.0.0",
        instrument=instrument,
        answers={"f_a": True, "f_b": True, "mood": "ok"},
    )
    assert result.results == {
        "flagged": True,
        "how_many": 2,
        "which": ["f_a", "f_b"],
        "mood_score": 2.0,
        "level": "high",
    }
    assert [a["id"] for a in result.actions] == ["call"]
    assert result.as_dict()["pack"] == "p" and result.as_dict()["version"] == "1.0.0"
    quiet = evaluate(pack="p", version="1.0.0", instrument=instrument, answers={"f_a": True})
    assert quiet.results["level"] == "low" and quiet.actions == []


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"required_when": {"checked": "ghost"}}, "no item 'ghost'"),
        ({"required_when": {"checkd": "x"}}, "unknown condition 'checkd'"),
        ({"required_when": {"checked": "x", "answered": "x"}}, "exactly one"),
        ({"type": "enum"}, "needs options"),
        ({"options": [{"value": "a", "label": "A"}]}, "takes no options"),
        ({"source": "page 12"}, "cite the source"),
    ],
)
def test_malformed_instruments_are_refused_when_the_pack_loads(broken, message):
    item = {"id": "x", "type": "check", "label": "X", **broken}
    with pytest.raises(ValidationError) as problem:
        make([item])
    assert message in str(problem.value)


def test_a_result_may_only_use_results_above_it():
    with pytest.raises(ValidationError, match="no earlier result 'later'"):
        make(
            [{"id": "x", "type": "check", "label": "X"}],
            results=[
                {
                    "id": "first",
                    "label": "F",
                    "type": "boolean",
                    "when": {"result": "later"},
                    "source": "L1",
                },
                {
                    "id": "later",
                    "label": "L",
                    "type": "boolean",
                    "when": {"checked": "x"},
                    "source": "L1",
                },
            ],
        )


# --- properties ---------------------------------------------------------------------------

CHECKS = [f"c{i}" for i in range(6)]
PROPERTY = make(
    [{"id": c, "type": "check", "label": c} for c in CHECKS]
    + [
        {
            "id": "pick",
            "type": "enum",
            "label": "Pick",
            "options": [{"value": v, "label": v} for v in "abc"],
        }
    ],
    results=[
        {
            "id": "any",
            "label": "Any",
            "type": "boolean",
            "when": {"any_checked": ["c*"]},
            "source": "L1",
        },
        {"id": "n", "label": "N", "type": "count", "of": ["c*"], "source": "L1"},
        {
            "id": "none",
            "label": "None",
            "type": "boolean",
            "when": {"none_checked": ["c*"]},
            "source": "L1",
        },
        {
            "id": "two",
            "label": "Two",
            "type": "boolean",
            "when": {"count_checked": {"of": ["c*"], "at_least": 2}},
            "source": "L1",
        },
    ],
)
answer_sets = st.fixed_dictionaries(
    {},
    optional={**{c: st.booleans() for c in CHECKS}, "pick": st.sampled_from(["a", "b", "c"])},
)


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets)
def test_derived_results_agree_with_their_definitions(answers):
    first = evaluate(pack="p", version="1.0.0", instrument=PROPERTY, answers=answers)
    ticked = sum(answers.get(c, False) for c in CHECKS)
    assert first.results == {
        "any": ticked > 0,
        "n": ticked,
        "none": ticked == 0,
        "two": ticked >= 2,
    }
    # Deterministic and pure: the same answers give the same evaluation, and the input is untouched.
    assert evaluate(pack="p", version="1.0.0", instrument=PROPERTY, answers=dict(answers)) == first


@settings(max_examples=300, deadline=None)
@given(
    answers=st.dictionaries(
        st.text(min_size=1, max_size=12),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=8),
            st.lists(st.text(max_size=3), max_size=3),
        ),
        max_size=6,
    )
)
def test_arbitrary_input_is_either_accepted_or_refused_with_field_errors(answers):
    """Whatever arrives, the engine answers with a result or with InvalidInput naming fields
    that were sent or that the instrument has - never another exception."""
    try:
        validate(PROPERTY, answers)
    except InvalidInput as problem:
        assert problem.errors
        known = set(CHECKS) | {"pick"}
        assert all(e.field in known or e.field in answers for e in problem.errors)


def test_conditions_never_see_text_items_as_checks():
    instrument = make(
        [
            {"id": "hr_a", "type": "check", "label": "A"},
            {"id": "hr_explain", "type": "long_text", "label": "Explain"},
        ],
        results=[
            {
                "id": "hr",
                "label": "HR",
                "type": "boolean",
                "when": {"any_checked": ["hr_*"]},
                "source": "L1",
            }
        ],
    )
    cleaned = validate(instrument, {"hr_explain": "text is not a tick"})
    assert derive(instrument, cleaned)[0] == {"hr": False}
    assert conditions.matching(["hr_*"], instrument.check_items()) == ["hr_a"]

"""The optimistic-version check has one definition (harborline.errors.check_version /
check_bumped) and every stale version gets the same Conflict: status 409, the same message,
the `version` field."""

import pytest

from harborline.errors import Conflict, check_bumped, check_version, version_conflict


@pytest.mark.parametrize("current,sent", [(3, 2), (3, 4), (0, 1), (1, 0)])
def test_a_version_that_is_not_the_stored_one_is_a_conflict(current, sent):
    with pytest.raises(Conflict) as problem:
        check_version(current, sent)
    assert problem.value.status == 409
    assert [e.field for e in problem.value.errors] == ["version"]
    assert problem.value.detail.startswith("Someone else changed this record")


@pytest.mark.parametrize("current,sent", [(3, 3), (0, 0), (5, None)])
def test_the_stored_version_or_none_passes(current, sent):
    check_version(current, sent)


def test_a_conditional_update_that_changed_nothing_is_the_same_conflict():
    with pytest.raises(Conflict) as problem:
        check_bumped(0)
    same = version_conflict()
    assert (problem.value.detail, problem.value.errors) == (same.detail, same.errors)
    check_bumped(1)

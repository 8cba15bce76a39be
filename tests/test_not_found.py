"""harborline.errors.one_or_not_found: the row a narrowed queryset holds under a primary key, or
the one NotFound — for a key that is not a number too, as a hand-typed path may send."""

import pytest

from harborline.errors import NotFound, one_or_not_found
from harborline.people.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_row_under_its_key():
    org = OrganizationFactory()
    assert one_or_not_found(Organization.objects.all(), org.pk) == org
    assert one_or_not_found(Organization.objects.all(), str(org.pk)) == org


@pytest.mark.parametrize("pk", ["abc", None, "", "1.5", 10**9, 10**20])
def test_no_such_key_is_not_found(pk):
    OrganizationFactory()
    with pytest.raises(NotFound) as problem:
        one_or_not_found(Organization.objects.all(), pk, "No such thing.")
    assert problem.value.detail == "No such thing." and problem.value.status == 404


def test_a_row_the_queryset_leaves_out_is_not_found_with_the_same_answer():
    org = OrganizationFactory()
    with pytest.raises(NotFound) as hidden:
        one_or_not_found(Organization.objects.exclude(pk=org.pk), org.pk)
    with pytest.raises(NotFound) as missing:
        one_or_not_found(Organization.objects.all(), org.pk + 1000)
    assert hidden.value.detail == missing.value.detail

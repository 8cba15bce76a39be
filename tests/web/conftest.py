from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from harborline.people.models import Organization, User
from tests.factories import OrganizationFactory, UserFactory, give_totp_device, sign_in


@pytest.fixture(autouse=True)
def _no_demo(settings):
    # Tests describe production behaviour unless they switch demo mode on themselves.
    settings.DEMO_MODE = False


@pytest.fixture
def org(db) -> Organization:
    return OrganizationFactory(slug="washoe-cw", name="Washoe Child Welfare")


@pytest.fixture
def other_org(db) -> Organization:
    return OrganizationFactory(slug="clark-pd", name="Clark Police")


@pytest.fixture
def make_user(db, org) -> Callable[..., User]:
    def make(
        role: str = "caseworker",
        *,
        of: Organization | None = None,
        mfa: bool = True,
        **kwargs: object,
    ) -> User:
        user = UserFactory(role=role, org=of or org, **kwargs)
        if mfa:
            give_totp_device(user)
        return user

    return make


@pytest.fixture
def as_user(client: Client, make_user) -> Callable[..., tuple[Client, User]]:
    """A client signed in (second factor passed) as a new user with `role`."""

    def make(role: str = "caseworker", *, of: Organization | None = None) -> tuple[Client, User]:
        user = make_user(role, of=of)
        return sign_in(client, user), user

    return make

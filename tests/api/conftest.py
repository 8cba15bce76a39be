import pytest

from harborline.people import services


@pytest.fixture
def org(db):
    return services.create_organization(
        actor=None, slug="washoe-so", name="Washoe County Sheriff", type="law_enforcement"
    )


@pytest.fixture
def user(org):
    return services.create_user(
        actor=None, email="Dana@Example.org", organization=org, role="caseworker", full_name="Dana"
    )


@pytest.fixture
def token(user):
    """(ApiToken row, raw token)."""
    return services.create_token(actor=None, user=user, days=30, name="tests")


@pytest.fixture
def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token[1]}"}

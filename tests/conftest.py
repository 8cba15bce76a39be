import pytest


@pytest.fixture(autouse=True)
def _fresh_request_context():
    yield

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property and fuzz tests (Hypothesis, Schemathesis). Run by hand (`make test`) they search anew
# each time, which is how they find things; CI sets HYPOTHESIS_PROFILE=ci (.ci/run) so that a
# landing is judged on the same examples every run (derandomize: the seed follows from each
# test's name), and a new finding is met by a developer, not by chance in CI.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _fresh_request_context():
    yield


@pytest.fixture
def nevada_home(settings):
    """The home pack pinned to Nevada, for a test that is about Nevada's own rules by nature (its
    instruments, clocks, lists or wording on a page that works on the home pack), so that the
    suite runs under any HARBORLINE_PACK (`make test-packs`; issue 15). Use it with
    `pytest.mark.usefixtures("nevada_home")`, never a skip."""
    settings.HARBORLINE_PACK = "nevada"
    return "nevada"

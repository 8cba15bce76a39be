import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property and fuzz tests (Hypothesis, Schemathesis). Run by hand (`make test`) they search anew
# each time, which is how they find things; CI sets HYPOTHESIS_PROFILE=ci (.ci/run) so that a
# landing is judged on the same examples every run (derandomize: the seed follows from each
# test's name), and a new finding is met by a developer, not by chance in CI.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# --- The second database (CI's PostgreSQL step) --------------------------------------------------
# CI runs the suite on SQLite, then again on PostgreSQL (.ci/run). `--database-tests-only` keeps
# the second run to the tests that can reach a database: pytest-django refuses a database query
# from any test without one of these fixtures, so a test without them gave its answer in the
# first run and would give the same one here. A test that reaches the database some other way (a
# subprocess handed DATABASE_URL, a private cluster) says so with `pytest.mark.database`; the
# fault tests are marked `faults`. A test whose database use is incidental (it signs a token in,
# and its subject reads and writes nothing else) may say `pytest.mark.same_on_every_database`,
# with its reason, and runs in the first step only.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that can reach the database (for a second database backend)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "database: reaches the database outside pytest-django (--database-tests-only)"
    )
    config.addinivalue_line(
        "markers",
        "same_on_every_database(reason): uses the database only incidentally; "
        "left out by --database-tests-only",
    )


def reaches_database(item: pytest.Item) -> bool:
    """Whether `item` can reach the database in a way that matters: a database fixture (directly
    or through another fixture), pytest-django's `django_db` mark, or the `database` or `faults`
    mark; not a test marked `same_on_every_database`."""
    if item.get_closest_marker("same_on_every_database"):
        return False
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return any(item.get_closest_marker(name) for name in ("django_db", "database", "faults"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--database-tests-only"):
        return
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (kept if reaches_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


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

"""Forms read a datetime-local value as wall-clock time in the organization's zone, the same way
every event time is read."""

from datetime import UTC, datetime

import pytest

from harborline.errors import InvalidInput
from harborline.web.views._util import wall_clock

TZ = "America/Los_Angeles"


def test_a_local_time_is_read_in_the_zone():
    assert wall_clock(datetime(2026, 7, 1, 9, 0), TZ, "starts_at") == datetime(
        2026, 7, 1, 16, 0, tzinfo=UTC
    )
    assert wall_clock(None, TZ, "starts_at") is None


def test_a_skipped_local_time_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as problem:
        wall_clock(datetime(2027, 3, 14, 2, 30), TZ, "ends_at")
    assert problem.value.errors[0].field == "ends_at"


def test_a_repeated_local_time_is_the_earlier():
    assert wall_clock(datetime(2026, 11, 1, 1, 30), TZ, "reported_at") == datetime(
        2026, 11, 1, 8, 30, tzinfo=UTC
    )

"""Rows built once for a class of tests, and rolled back after its last test.

A seeded world takes seconds (the demo about one, a tenth of the state six); tests that only read
it need not build it each. `shared_rows` builds it inside a transaction of its own and rolls that
back when pytest tears the fixture down; each test still asks for `db`, so it runs in a
savepoint inside that transaction and whatever it writes is rolled back after it, as ever.

Give it class scope, and put the tests that read the world in one class: pytest tears a class's
fixture down before the next test outside the class starts, so no other test ever sees the rows
(a module-scoped world would outlive the tests of the module that seed their own). Module scope
is right only where every test of the module reads the world (tests/api/test_fuzz.py). Under
xdist a class or module whose tests go to both workers is built once in each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")


def shared_rows(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """For a class-scoped fixture: `yield from shared_rows(django_db_blocker, lambda: seed(...))`.
    Ask for `django_db_setup` in the fixture too, so the test database exists first."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

"""A domain error a page view leaves unhandled becomes its page in one place
(web/views_errors.DomainErrorPages): NotFound the same 404 page as a missing URL, Forbidden 403,
anything else the service's own message with its status. /api/ is the API handler's."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from harborline.errors import Conflict, Forbidden, InvalidInput, NotFound
from harborline.web.views_errors import DomainErrorPages

pytestmark = pytest.mark.django_db


def answer(path: str, exc: Exception):
    request = RequestFactory().get(path)
    request.request_id = "r1"
    return DomainErrorPages(lambda r: None).process_exception(request, exc)


@pytest.mark.parametrize(
    ("exc", "status", "words"),
    [
        (NotFound("the youth's case 12 belongs to carson-cw"), 404, "No such page or record"),
        (Forbidden("only the owner may close"), 403, "You do not have access"),
        (Conflict("stale: reload"), 409, "stale: reload"),
        (InvalidInput.field("due_on", "give a date"), 422, "due_on: give a date"),
    ],
)
def test_a_domain_error_becomes_its_page(exc, status, words):
    response = answer("/cases/12", exc)
    assert response.status_code == status
    body = response.content.decode()
    assert words in body
    # A NotFound's own detail never reaches the page: the 404 is the same for every record.
    assert "carson-cw" not in body


def test_the_api_and_other_exceptions_are_left_alone():
    assert answer("/api/v1/cases/12", NotFound()) is None
    assert answer("/cases/12", ValueError("x")) is None

"""Every endpoint in the OpenAPI document, fuzzed by schemathesis: whatever a client sends, the
answer is never a server error, always matches the documented schema, and every error is
application/problem+json. New endpoints are covered as soon as they are in the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from harborline.config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def fuzz_headers(bearer):
    return {"Authorization": bearer["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_breaks_the_api(case, fuzz_headers):
    response = case.call(headers=fuzz_headers)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    if response.status_code >= 400:
        headers = {name.lower(): value for name, value in response.headers.items()}
        content_type = headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/problem+json")
        body = response.json()
        assert {"title", "status", "detail"} <= body.keys()

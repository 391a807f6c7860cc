"""Property tests of the HTTP API against its own OpenAPI schema (schemathesis): every
GET and the extract endpoint, with generated parameters, must answer as the schema says
and never with a server error. Examples are bounded so the run stays short."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from vnpolicy.web import create_app
from vnpolicy.web.settings import Settings

schemathesis = pytest.importorskip("schemathesis")

OPERATIONS = ["GET /documents", "GET /documents/{doc_id}", "GET /documents/{doc_id}/coverage", "GET /events",
              "GET /events/{event_id}", "GET /people", "GET /people/{person_id}", "GET /provinces",
              "GET /provinces/{name}", "GET /search", "GET /reviews/due", "GET /articles",
              "GET /articles/{article_id}", "POST /extract"]


@pytest.fixture(scope="module")
def api_schema(dev_db, tmp_path_factory):
    app = create_app(dev_db, Settings(config=tmp_path_factory.mktemp("cfg"), cache_seconds=0))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_every_operation_is_tested(api_schema):
    found = {op.ok().label for op in api_schema.get_all_operations()}
    assert found - {"POST /articles"} == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_schema(api_schema, label):
    method, path = label.split(" ", 1)
    op = api_schema[path][method]

    @given(case=op.as_strategy())
    @settings(max_examples=15, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate()

    check()

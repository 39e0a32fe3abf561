"""schemathesis against the served OpenAPI schema: no request it generates gets a 5xx.

Bounded: a few examples per operation (derandomized), on a server of its own whose limits keep
any run short (HASHPIVOT_MAX_PATHS=5000, one job at a time). schemathesis's pytest plugin is
not used (it does not load under this pytest); each operation's hypothesis strategy is run
directly."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = 6


def test_no_generated_request_gets_a_server_error(schema_server: Any) -> None:
    schema = schemathesis.openapi.from_url(f"{schema_server.url}/openapi.json")
    seen: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        seen.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            response = case.call(timeout=120)
            case.validate_response(response, checks=[not_a_server_error])

        check()
    assert "POST /v1/compare/deterministic" in seen and len(seen) >= 15

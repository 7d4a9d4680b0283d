"""R5: schemathesis over every service's OpenAPI and the gateway's merged one, on the whole platform.

Each operation of the members, agreements and roadmap services (straight from the service) and of
the gateway (its merged /api/openapi.json, through the gateway) is called with generated data and
the secretariat's bearer token. No response may be a server error (5xx), and every response must
conform to the schema: its status is documented and its body matches that status's schema.

The budget is small and fixed (a few derandomized examples per operation, no shrinking), so the
run is reproducible and bounded; it is a smoke screen for unhandled input, not an exhaustive search.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from schemathesis.core.result import Ok

from tests.support.whole_platform import RunningPlatform

# Examples per operation. Through the gateway, fewer: it allows one credential 1200 requests a
# minute (SIRBI_GATEWAY_API_LIMIT_PER_CLIENT) and answers 429 past that; at 8 the run stays under.
EXAMPLES = {"members": 15, "agreements": 15, "roadmap": 15, "gateway": 8}
SCHEMAS = ("members", "agreements", "roadmap", "gateway")
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
]

# (method regex, path regex) -> why it is not fuzzed. Matched against every schema's operations.
EXCLUDED: dict[tuple[str, str], str] = {
    # A server-sent event stream never ends: a call would only time out.
    ("GET", r"/activity/stream$"): "SSE stream, never ends",
    # The seeded member states (PE, AR, CO) are shared by the session's other tests; a random
    # admit/suspend/withdraw/reinstate/rename of them would break those.
    ("POST|PUT|PATCH|DELETE", r"/member-states/\{[^}]+\}"): "changes the seeded member states",
    # A generated code could become a member state that another test expects to be unknown.
    ("POST", r"/member-states$"): "would register member states other tests rely on being unknown",
    # Subscriptions only take public URLs, and the gateway delivers the platform's events to them:
    # generated ones would send traffic off this machine (nothing may leave it).
    ("POST|PUT|PATCH|DELETE", r"/webhooks/subscriptions"): "would deliver webhooks to public hosts",
    # The token this test uses must stay valid for the whole run.
    ("POST", r"/auth/(logout|refresh)$"): "would revoke the token in use",
    ("POST|PUT|PATCH", r"/auth/(password|me)"): "would change the secretariat's own credentials",
    # The secretariat's own account (and every other account the session's tests made) must
    # keep its role and state.
    ("PUT|PATCH|DELETE|POST", r"/users/\{[^}]+\}"): "would change or disable the session's accounts",
}


def _excluded(method: str, path: str) -> str | None:
    for (methods, pattern), why in EXCLUDED.items():
        if re.fullmatch(methods, method.upper()) and re.search(pattern, path):
            return why
    return None


def _token(platform: RunningPlatform) -> str:
    response = httpx.post(
        f"{platform.gateway_url}/api/auth/login",
        json={"email": platform.secretariat_email, "password": platform.secretariat_password},
        timeout=10,
    )
    response.raise_for_status()
    token = response.json()["access_token"]
    assert isinstance(token, str)
    return token


def _fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    examples: int,
    base_url: str,
    headers: dict[str, str],
    session: requests.Session,
) -> None:
    # Valid data (positive) and data the schema forbids (negative): both must be answered
    # without a server error and as documented.
    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )
    )
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    def run(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(base_url=base_url, session=session, headers=headers, checks=CHECKS, timeout=15)

    run()


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemathesis_finds_no_server_error_and_no_nonconforming_response(
    whole_platform: RunningPlatform, name: str
) -> None:
    headers = {"Authorization": f"Bearer {_token(whole_platform)}"}
    base_url = whole_platform.service_urls[name]
    schema_url = f"{base_url}/api/openapi.json" if name == "gateway" else f"{base_url}/openapi.json"
    schema = schemathesis.openapi.from_url(schema_url, headers=headers, timeout=15)
    failures: list[str] = []
    fuzzed = 0
    with requests.Session() as session:
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                failures.append(f"an operation schemathesis cannot read: {result.err()}")
                continue
            operation = result.ok()
            if _excluded(operation.method, operation.path):
                continue
            fuzzed += 1
            try:
                _fuzz(operation, EXAMPLES[name], base_url, headers, session)
            # Every operation's finding is reported, not only the first one's.
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert fuzzed > 0
    assert not failures, "\n\n".join(failures)

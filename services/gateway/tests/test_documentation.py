"""The documents the gateway serves: one OpenAPI for the platform, the AsyncAPI, the guide."""

from __future__ import annotations

import json
from pathlib import Path

from services.gateway.tests.conftest import Platform
from sirbi_gateway.documentation.export import platform_document, render

REPO = Path(__file__).resolve().parents[3]


async def test_one_openapi_for_the_platform(platform: Platform) -> None:
    document = (await platform.gateway.client.get("/api/openapi.json")).json()
    paths = document["paths"]
    assert "/api/auth/login" in paths  # the gateway's own
    operation = paths["/api/members/member-states/{code}"]["get"]  # a service's, as exposed
    assert operation["operationId"] == "members_get_member_state"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == (
        "#/components/schemas/members.MemberStatePublic"
    )
    assert "members.MemberStatePublic" in document["components"]["schemas"]
    ids = [op["operationId"] for ops in paths.values() for op in ops.values() if "operationId" in op]
    assert len(ids) == len(set(ids))
    # Agreements and roadmap are down in this platform: said, not silently left out.
    assert set(document["info"]["x-unavailable-services"]) == {"agreements", "roadmap"}


async def test_the_asyncapi_and_the_integrators_guide(platform: Platform) -> None:
    served = (await platform.gateway.client.get("/api/asyncapi.json")).json()
    assert served == json.loads((REPO / "docs" / "events" / "asyncapi.json").read_text())
    assert served["asyncapi"].startswith("3.")
    page = await platform.gateway.client.get("/api/docs/integrators")
    assert page.headers["content-type"].startswith("text/html")
    assert "<h2>Getting access</h2>" in page.text
    assert "X-API-Key" in page.text


def test_the_web_client_is_generated_from_the_current_api() -> None:
    """The frontend's typed client comes from web/openapi.json: it must be the platform's API as
    the code defines it now, or the browser and the services have drifted apart."""
    committed = (REPO / "web" / "openapi.json").read_text()
    assert committed == render(platform_document()), "the API changed: run `make web-api`"

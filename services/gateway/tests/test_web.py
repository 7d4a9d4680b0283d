"""The gateway serves the built web frontend at /: its files, and its page for any path the
frontend routes itself; the API's own misses stay problems."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from services.gateway.tests.conftest import GatewayUnderTest

PAGE = "<!doctype html><title>SIRBI</title><div id=root></div>"


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(PAGE)
    (tmp_path / "assets" / "index-3f2a.js").write_text("console.log('sirbi')")
    return tmp_path


@pytest.fixture
def gateway_settings(web_dir: Path) -> dict[str, Any]:
    return {"web_dir": web_dir}


async def test_the_page_for_every_route_of_the_frontend(gateway: GatewayUnderTest) -> None:
    for path in ("/", "/agreements/7b0c", "/roadmap/groups/g1?view=board"):
        response = await gateway.client.get(path)
        assert response.status_code == 200, path
        assert response.text == PAGE
        assert response.headers["cache-control"] == "no-cache"  # a new build is picked up at once
        assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_built_assets_are_kept_by_browsers(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get("/assets/index-3f2a.js")
    assert response.status_code == 200
    assert response.text == "console.log('sirbi')"
    assert "immutable" in response.headers["cache-control"]


async def test_api_misses_stay_problems(gateway: GatewayUnderTest) -> None:
    for path in ("/api/nothing-here", "/health/nothing"):
        response = await gateway.client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"
    # The gateway's own routes still answer first.
    assert (await gateway.client.get("/health/live")).status_code == 200


async def test_an_unbuilt_frontend_says_how_to_build_it(gateway: GatewayUnderTest, web_dir: Path) -> None:
    (web_dir / "index.html").unlink()
    response = await gateway.client.get("/dashboard")
    assert response.status_code == 404
    assert response.json()["code"] == "web_not_built"
    # A clone where the frontend was never built has no folder at all: the API still answers.
    shutil.rmtree(web_dir)
    assert (await gateway.client.get("/dashboard")).json()["code"] == "web_not_built"
    assert (await gateway.client.get("/api/elsewhere/x")).json()["code"] == "not_found"

"""The web frontend in a real browser: Playwright drives Debian's headless Chromium through the
pages of the built app, served by the gateway of a whole platform started for this test (real
services, PostgreSQL and Kafka). The scenarios are in web/tests/e2e/; this runs them, so that
`make test` is the one command for every test. Screenshots of each main page in es, pt and en
land in web/screenshots/ (ignored by git)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.infra import Infrastructure
from tests.support.whole_platform import REPO, running_platform

WEB = REPO / "web"
CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
def test_the_web_frontend_in_chromium(infra: Infrastructure, tmp_path: Path) -> None:
    assert (WEB / "dist" / "index.html").is_file(), "build the frontend first: make web"
    with running_platform(infra, tmp_path) as platform:
        result = subprocess.run(
            ["npx", "playwright", "test"],
            cwd=WEB,
            env={
                **os.environ,
                "SIRBI_WEB_URL": platform.gateway_url,
                "SIRBI_SECRETARIAT_EMAIL": platform.secretariat_email,
                "SIRBI_SECRETARIAT_PASSWORD": platform.secretariat_password,
                "SIRBI_CHROMIUM": str(CHROMIUM),
            },
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\nservice logs: {platform.logs}"

"""The web frontend in a real browser: Playwright drives Debian's headless Chromium through the
pages of the built app, served by the gateway of the session's whole platform (`whole_platform`: real
services, PostgreSQL and Kafka). The scenarios are in web/tests/e2e/; this runs them, so that
`make test` is the one command for every test. Screenshots of each main page in es, pt and en
land in web/screenshots/ (ignored by git)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.support.whole_platform import REPO, RunningPlatform

WEB = REPO / "web"
CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
def test_the_web_frontend_in_chromium(whole_platform: RunningPlatform) -> None:
    assert (WEB / "dist" / "index.html").is_file(), "build the frontend first: make web"
    result = subprocess.run(
        ["npx", "playwright", "test"],
        cwd=WEB,
        env={
            **os.environ,
            "SIRBI_WEB_URL": whole_platform.gateway_url,
            "SIRBI_SECRETARIAT_EMAIL": whole_platform.secretariat_email,
            "SIRBI_SECRETARIAT_PASSWORD": whole_platform.secretariat_password,
            "SIRBI_CHROMIUM": str(CHROMIUM),
        },
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}\nservice logs: {whole_platform.logs}"

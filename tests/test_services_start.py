"""Every service, started as `make up` starts it (migrate, then serve), becomes ready."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from sirbi_shared.auth.tokens import write_key_pair
from tests.support.infra import Infrastructure

SERVICES = ["members", "agreements", "roadmap", "gateway"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _signs_in(port: int) -> None:
    """As served by `python -m sirbi_gateway serve`, the first secretariat signs in."""
    credentials = json.dumps(
        {"email": "secretaria@sirbi.example", "password": "una frase de arranque bastante larga"}
    ).encode()
    deadline = time.monotonic() + 30
    while True:  # the account is made just after start-up
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/auth/login",
            data=credentials,
            headers={"content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                assert "access_token" in json.loads(response.read())
                return
        except urllib.error.HTTPError as error:
            refused = error.code  # 401 until the account exists; anything else is a failure below
        if refused != 401 or time.monotonic() > deadline:
            raise AssertionError(f"the first secretariat cannot sign in (last answer {refused})")
        time.sleep(0.2)


@pytest.mark.parametrize("service", SERVICES)
def test_service_migrates_and_becomes_ready(infra: Infrastructure, service: str, tmp_path: Path) -> None:
    database = f"t_{service}_{uuid.uuid4().hex[:6]}"
    infra.create_database(database)
    write_key_pair(tmp_path)
    port = _free_port()
    prefix = f"SIRBI_{service.upper()}_"
    env = {
        **os.environ,
        f"{prefix}DATABASE_URL": infra.postgres_url(database),
        f"{prefix}PORT": str(port),
        "SIRBI_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "SIRBI_JWT_PUBLIC_KEY_FILE": str(tmp_path / "jwt-public.pem"),
        # The gateway signs, and makes the first secretariat account on its first start.
        "SIRBI_JWT_PRIVATE_KEY_FILE": str(tmp_path / "jwt-private.pem"),
        "SIRBI_GATEWAY_FIRST_SECRETARIAT_EMAIL": "secretaria@sirbi.example",
        "SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD": "una frase de arranque bastante larga",
    }
    try:
        subprocess.run(
            [sys.executable, "-m", f"sirbi_{service}", "migrate"], env=env, check=True, capture_output=True
        )
        # Migrating twice is harmless (make up runs it on every start).
        subprocess.run(
            [sys.executable, "-m", f"sirbi_{service}", "migrate"], env=env, check=True, capture_output=True
        )
        log = (tmp_path / "service.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", f"sirbi_{service}", "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            status = 0
            while time.monotonic() < deadline and status != 200:
                assert server.poll() is None, f"{service} exited with {server.returncode}"
                try:
                    status, _ = _get(f"http://127.0.0.1:{port}/health/ready")
                except OSError:
                    status = 0
                time.sleep(0.2)
            assert status == 200, f"{service} never became ready"
            status, body = _get(f"http://127.0.0.1:{port}/openapi.json")
            assert status == 200
            assert b'"health_ready"' in body
            if service == "gateway":
                _signs_in(port)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        # uvicorn re-raises SIGTERM once it has shut down, so the exit status is -15 either way.
        assert "Application shutdown complete" in (tmp_path / "service.log").read_text(), "a clean shutdown"
    finally:
        infra.drop_database(database)

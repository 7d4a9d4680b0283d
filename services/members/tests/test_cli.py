"""`sirbi import-libraries`, the real command against the real service processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sirbi_shared.auth.tokens import write_key_pair
from tests.support.infra import Infrastructure

CSV = (
    "isil,national_id,name,type,admin_1,admin_2,admin_3,admin_4,address,latitude,longitude,status,capabilities\n"
    "PE-LiBN,,Biblioteca Nacional del Perú,national,Lima,Lima,San Borja,,,-12.0874,-77.0044,open,internet_access\n"
    ",LIM-001,Biblioteca Municipal de Miraflores,public,Lima,Lima,Miraflores,,,,,open,\n"
    "XX-1,,Mal ISIL,public,Lima,,,,,,,open,\n"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def members_process(infra: Infrastructure, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    database = f"t_cli_{uuid.uuid4().hex[:6]}"
    infra.create_database(database)
    write_key_pair(tmp_path / "keys")
    port = _free_port()
    env = {
        **os.environ,
        "SIRBI_MEMBERS_DATABASE_URL": infra.postgres_url(database),
        "SIRBI_MEMBERS_PORT": str(port),
        "SIRBI_MEMBERS_IMPORT_DIR": str(tmp_path / "imports"),
        "SIRBI_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "SIRBI_KAFKA_TOPIC_PREFIX": f"t{uuid.uuid4().hex[:6]}.",
        "SIRBI_JWT_PUBLIC_KEY_FILE": str(tmp_path / "keys" / "jwt-public.pem"),
    }
    for command in ("migrate", "seed"):
        subprocess.run(
            [sys.executable, "-m", "sirbi_members", command], env=env, check=True, capture_output=True
        )
    server = subprocess.Popen(
        [sys.executable, "-m", "sirbi_members", "serve"], env=env, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the members service never became ready")
        cli_env = {**os.environ, "SIRBI_JWT_PRIVATE_KEY_FILE": str(tmp_path / "keys" / "jwt-private.pem")}
        yield url, cli_env
    finally:
        server.terminate()
        server.wait(timeout=30)
        infra.drop_database(database)


def _sirbi(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "sirbi"), *args]
    return subprocess.run(
        command, env={**env, "COLUMNS": "120"}, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_command_uploads_follows_the_job_and_reports_rejections(
    members_process: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, env = members_process
    file = tmp_path / "directorio.csv"
    file.write_text(CSV, encoding="utf-8")

    result = _sirbi("import-libraries", str(file), "--country", "pe", "--url", url, env=env)
    assert result.returncode == 0, result.stderr
    assert "uploading" in result.stderr
    assert "importing" in result.stderr
    assert "3/3" in result.stderr, "the import bar reaches rows done of total"
    assert "line 4: ISIL prefix 'XX' is not a country code" in result.stderr
    summary = next(
        line for line in result.stderr.splitlines() if "│" in line and line.strip("│ ").startswith("3")
    )
    assert [cell.strip() for cell in summary.strip("│ ").split("│")] == ["3", "2", "0", "0", "1"]

    again = _sirbi("import-libraries", str(file), "--country", "PE", "--url", url, env=env)
    summary = next(
        line for line in again.stderr.splitlines() if "│" in line and line.strip("│ ").startswith("3")
    )
    assert [cell.strip() for cell in summary.strip("│ ").split("│")] == ["3", "0", "0", "2", "1"]


def test_the_command_explains_what_went_wrong(
    members_process: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, env = members_process
    missing = _sirbi("import-libraries", str(tmp_path / "nope.csv"), "--country", "PE", "--url", url, env=env)
    assert missing.returncode == 2
    assert "no such file" in missing.stderr

    file = tmp_path / "directorio.csv"
    file.write_text(CSV, encoding="utf-8")
    unknown = _sirbi("import-libraries", str(file), "--country", "US", "--url", url, env=env)
    assert unknown.returncode == 1
    assert "unknown_member_state" in unknown.stderr

    no_key = {k: v for k, v in env.items() if k != "SIRBI_JWT_PRIVATE_KEY_FILE"}
    refused = _sirbi(
        "import-libraries", str(file), "--country", "PE", "--url", url, "--token", "not-a-token", env=no_key
    )
    assert refused.returncode == 1
    assert "invalid_token" in refused.stderr

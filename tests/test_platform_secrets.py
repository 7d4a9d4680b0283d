"""Secrets stay secret: production refuses default ones, the logs hold none, the repository none.

1. R9 (docs/quality.md). Every service, started as production starts it
   (`python -m sirbi_<name> serve`, `SIRBI_ENVIRONMENT=production`), with one default or missing
   secret at a time, exits non-zero before serving and names the offending setting, without echoing
   the other secrets of its environment. The secret-like settings, from the settings classes:
   every service's database URL left to its class default (the local password `sirbi-local`) and
   `SIRBI_JWT_PUBLIC_KEY_FILE` unset; on one service, since the check is shared, `sirbi-local`
   given in the URL and a key file that does not exist; the gateway's `SIRBI_JWT_PRIVATE_KEY_FILE`
   (unset, or naming no file) and its first secretariat password (each documented default, or
   missing beside the email). No setting enables demo accounts (`make up` makes them
   through the API) and webhook signing secrets are made per subscription, so neither has a
   default to refuse. With proper settings (a non-default database password, a fresh key pair)
   each service gets past the settings check: it serves `/health/live` although neither its
   database nor Kafka exists.
2. No secret in the logs: driving the whole platform through the gateway (sign-ins good and bad,
   a new user, a refresh, an integration client's API key, a webhook subscription) writes none of
   the passwords, tokens, key or signing secret into any service's log.
3. No secret in the repository: no tracked file holds a private key block, an AWS access key id,
   a GitHub token, or a password/secret/token assigned in a `.env` file (other than the documented
   local default `sirbi-local`, which production refuses).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sirbi_gateway.settings import DEFAULT_SECRETS
from sirbi_shared.auth.tokens import write_key_pair
from sirbi_shared.settings import LOCAL_DATABASE_PASSWORD
from tests.support.services import free_port
from tests.support.whole_platform import REPO, RunningPlatform

SERVICES = ("members", "agreements", "roadmap", "gateway")
# Against a hang, not a timing: a loaded machine may take long to start an interpreter.
DEADLINE_SECONDS = 120.0
# Each secret ends in random characters: any piece of it in an output shows them (pydantic's own
# error messages, for one, repeat a truncated tail of their input).
_DATABASE_MARK, _SECRETARIAT_MARK = uuid.uuid4().hex[:10], uuid.uuid4().hex[:10]
DATABASE_PASSWORD = f"a-proper-database-password-{_DATABASE_MARK}"
SECRETARIAT_PASSWORD = f"a proper first secretariat password {_SECRETARIAT_MARK}"


@dataclass(frozen=True)
class Case:
    service: str
    label: str
    # Environment variables changed from the proper production settings; None removes one.
    change: dict[str, str | None]
    # What the refusal must name (case-insensitive); None: proper settings, no refusal.
    names: str | None

    @property
    def id(self) -> str:
        return f"{self.service}-{self.label}"


def _cases() -> list[Case]:
    cases: list[Case] = []
    for service in SERVICES:
        # Unset, each service's own class default applies: the local URL, with the local password.
        url = f"SIRBI_{service.upper()}_DATABASE_URL"
        cases += [
            Case(service, "default-database-url", {url: None}, "database_url"),
            Case(service, "no-public-key", {"SIRBI_JWT_PUBLIC_KEY_FILE": None}, "SIRBI_JWT_PUBLIC_KEY_FILE"),
        ]
    # The shared check behind these is the same for every service (ServiceSettings): one service
    # proves it, and each case's process costs a whole start-up.
    cases += [
        Case(
            "members",
            "local-database-password",
            {
                "SIRBI_MEMBERS_DATABASE_URL": (
                    f"postgresql+asyncpg://sirbi:{LOCAL_DATABASE_PASSWORD}@db.example:5432/sirbi_members"
                )
            },
            "database_url",
        ),
        Case(
            "members",
            "missing-public-key-file",
            {"SIRBI_JWT_PUBLIC_KEY_FILE": "/nonexistent/jwt-public.pem"},
            "SIRBI_JWT_PUBLIC_KEY_FILE",
        ),
    ]
    password = "SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD"
    cases += [
        Case("gateway", "no-private-key", {"SIRBI_JWT_PRIVATE_KEY_FILE": None}, "SIRBI_JWT_PRIVATE_KEY_FILE"),
        Case(
            "gateway",
            "missing-private-key-file",
            {"SIRBI_JWT_PRIVATE_KEY_FILE": "/nonexistent/jwt-private.pem"},
            "SIRBI_JWT_PRIVATE_KEY_FILE",
        ),
        *(
            Case("gateway", f"default-secretariat-password-{n}", {password: default}, password)
            for n, default in enumerate(sorted(DEFAULT_SECRETS))
        ),
        Case("gateway", "no-secretariat-password", {password: None}, password),
    ]
    cases += [Case(service, "proper", {}, None) for service in SERVICES]
    return cases


CASES = _cases()


@dataclass(frozen=True)
class Outcome:
    exit_code: int | None  # None: still running when stopped
    served: bool  # answered /health/live
    output: str


def _proper_environment(service: str, keys: Path, workdir: Path) -> dict[str, str]:
    prefix = f"SIRBI_{service.upper()}_"
    # Nothing listens on these ports: settings must not need a database or a broker to be checked.
    nowhere = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SIRBI_")}
    return {
        **inherited,
        "SIRBI_ENVIRONMENT": "production",
        f"{prefix}DATABASE_URL": (
            f"postgresql+asyncpg://sirbi:{DATABASE_PASSWORD}@127.0.0.1:{nowhere}/sirbi_{service}"
        ),
        f"{prefix}PORT": str(free_port()),
        f"{prefix}IMPORT_DIR": str(workdir / "imports"),
        "SIRBI_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{nowhere}",
        "SIRBI_JWT_PUBLIC_KEY_FILE": str(keys / "jwt-public.pem"),
        "SIRBI_JWT_PRIVATE_KEY_FILE": str(keys / "jwt-private.pem"),
        "SIRBI_GATEWAY_FIRST_SECRETARIAT_EMAIL": "secretaria@sirbi.example",
        "SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD": SECRETARIAT_PASSWORD,
    }


def _lives(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _run(case: Case, workdir: Path) -> Outcome:
    """Start the case's service; wait until it exits or serves (then stop it), within a deadline."""
    env = _proper_environment(case.service, workdir / "keys", workdir / case.id)
    for name, value in case.change.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    port = int(env[f"SIRBI_{case.service.upper()}_PORT"])
    output = workdir / f"{case.id}.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", f"sirbi_{case.service}", "serve"],
            env=env,
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    served = False
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            # A refused case never opens its port, so asking costs it nothing.
            if _lives(port):
                served = True
                break
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    exit_code = None if served or process.returncode < 0 else process.returncode
    return Outcome(exit_code, served, output.read_text(errors="replace"))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case, a few at a time: each is a whole interpreter start-up, and on a small machine
    starting them all at once only starves each of them."""
    workdir = tmp_path_factory.mktemp("production-settings")
    write_key_pair(workdir / "keys")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = pool.map(lambda case: (case.id, _run(case, workdir)), CASES)
        return dict(results)


@pytest.mark.parametrize("case", [c for c in CASES if c.names], ids=lambda c: c.id)
def test_production_refuses_a_default_secret(outcomes: dict[str, Outcome], case: Case) -> None:
    outcome = outcomes[case.id]
    assert not outcome.served, f"{case.id}: served, not refused\n{outcome.output}"
    assert outcome.exit_code is not None, f"{case.id}: still running, not refused\n{outcome.output}"
    assert outcome.exit_code != 0, f"{case.id}: exited 0\n{outcome.output}"
    assert "refusing production settings" in outcome.output, outcome.output
    assert case.names is not None
    assert case.names.lower() in outcome.output.lower(), (
        f"{case.id}: the refusal does not name {case.names}\n{outcome.output}"
    )
    # The reason, never the values: the output goes to the operator's logs.
    for mark in (_DATABASE_MARK, _SECRETARIAT_MARK):
        assert mark not in outcome.output, f"{case.id}: a secret in the refusal\n{outcome.output}"


@pytest.mark.parametrize("case", [c for c in CASES if c.names is None], ids=lambda c: c.id)
def test_proper_production_settings_pass_the_check(outcomes: dict[str, Outcome], case: Case) -> None:
    outcome = outcomes[case.id]
    assert outcome.served, f"{case.id}: never served (exit {outcome.exit_code})\n{outcome.output}"
    assert "refusing production settings" not in outcome.output
    assert _DATABASE_MARK not in outcome.output
    assert _SECRETARIAT_MARK not in outcome.output


# --- 2. no secret in the logs ------------------------------------------------------------------


def _signed_in(client: httpx.Client, email: str, password: str) -> dict[str, str]:
    answer = client.post("/api/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    tokens: dict[str, str] = answer.json()
    return tokens


def test_no_secret_reaches_the_logs(whole_platform: RunningPlatform) -> None:
    run = uuid.uuid4().hex[:8]
    email = f"secretos.{run}@sirbi.example"
    password = f"la frase secreta de la prueba {run}"
    wrong = f"una frase equivocada {run}"
    secrets: dict[str, str] = {
        "secretariat password": whole_platform.secretariat_password,
        "new user's password": password,
        "wrong password": wrong,
    }
    with httpx.Client(base_url=whole_platform.gateway_url, timeout=30) as client:
        secretariat = _signed_in(
            client, whole_platform.secretariat_email, whole_platform.secretariat_password
        )
        as_secretariat = {"Authorization": f"Bearer {secretariat['access_token']}"}
        created = client.post(
            "/api/users",
            headers=as_secretariat,
            json={
                "email": email,
                "password": password,
                "display_name": "Prueba de secretos",
                "roles": ["observer"],
            },
        )
        assert created.status_code == 201, created.text

        refused = client.post("/api/auth/login", json={"email": email, "password": wrong})
        assert refused.status_code == 401, refused.text

        user = _signed_in(client, email, password)
        assert client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {user['access_token']}"}
        ).is_success
        renewed = client.post("/api/auth/refresh", json={"refresh_token": user["refresh_token"]})
        assert renewed.status_code == 200, renewed.text
        refreshed: dict[str, str] = renewed.json()

        made = client.post(
            "/api/clients",
            headers=as_secretariat,
            json={"name": f"Cliente de prueba {run}", "scopes": ["read", "subscribe"]},
        )
        assert made.status_code == 201, made.text
        api_key: str = made.json()["api_key"]
        # The gateway reads a client's key from X-API-Key (identity/access.py); a proxied read
        # takes it through the gateway to a service.
        by_key = {"X-API-Key": api_key}
        assert client.get("/api/auth/me", headers=by_key).is_success
        read = client.get("/api/members/member-states", headers=by_key)
        assert read.status_code == 200, read.text

        # Nothing listens there: deliveries fail and are logged, which is the point.
        subscribed = client.post(
            "/api/webhooks/subscriptions",
            headers=by_key,
            json={"url": f"http://127.0.0.1:{free_port()}/hook", "event_types": ["*"]},
        )
        assert subscribed.status_code == 201, subscribed.text
        webhook_secret: str = subscribed.json()["secret"]

    for name, token in (("secretariat", secretariat), ("user", user), ("refreshed user", refreshed)):
        secrets[f"{name}'s access token"] = token["access_token"]
        secrets[f"{name}'s refresh token"] = token["refresh_token"]
    secrets["API key"] = api_key
    secrets["webhook signing secret"] = webhook_secret
    # A `whsec_` secret's key part, in case something logged it decoded from its prefix.
    secrets["webhook signing key"] = webhook_secret.removeprefix("whsec_")

    # Every request above has been answered and each log record is flushed as it is written.
    logs = sorted(whole_platform.logs.glob("*.log"))
    assert {path.stem for path in logs} >= set(SERVICES), logs
    leaks = [
        f"{path.name}: {what}"
        for path in logs
        for what, secret in secrets.items()
        if secret in path.read_text(errors="replace")
    ]
    assert not leaks, f"secrets in the logs: {leaks}"


# --- 3. no secret in the repository ------------------------------------------------------------

# Few and precise, so that documented local defaults and test fixtures do not trip them.
_SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
}
# In a .env file, a password/secret/token/key variable given a literal value.
_ENV_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?[A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY)[A-Za-z0-9_]*"
    r"\s*=\s*['\"]?([^'\"\s#]+)",
    re.IGNORECASE | re.MULTILINE,
)
_ENV_FILE = re.compile(r"(?:^|/)(?:\.env(?:\.[^/]*)?|[^/]*\.env)$")
# The documented local default (refused in production) and values that name no secret.
_ALLOWED_ENV_VALUES = {LOCAL_DATABASE_PASSWORD, "changeme", "change-me"}


def test_no_secret_is_committed() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found: list[str] = []
    for name in filter(None, listed.stdout.decode().split("\0")):
        path = REPO / name
        if not path.is_file():  # deleted in the working tree, or a submodule
            continue
        text = path.read_bytes().decode(errors="replace")
        found += [f"{name}: {what}" for what, pattern in _SECRET_PATTERNS.items() if pattern.search(text)]
        if _ENV_FILE.search(name):
            found += [
                f"{name}: an assigned secret"
                for value in _ENV_ASSIGNMENT.findall(text)
                if not value.startswith("$") and value not in _ALLOWED_ENV_VALUES
            ]
    assert not found, f"committed secrets: {found}"

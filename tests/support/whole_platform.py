"""The whole platform as `make up` runs it — every service migrated, seeded with the demo data and
serving in its own process, the gateway serving the built web frontend — on the test
infrastructure, with databases and topics of its own. For tests that drive it from outside, as a
browser does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sirbi_shared.auth.tokens import write_key_pair
from tests.support.infra import Infrastructure
from tests.support.services import free_port

SERVICES = ("members", "agreements", "roadmap", "gateway")
REPO = Path(__file__).resolve().parents[2]
SECRETARIAT_EMAIL = "secretaria@sirbi.example"
# Small enough for a test to send a directory over it, large enough for every import a test makes
# (the default, 512 MiB, is not something to send in a test).
MEMBERS_MAX_IMPORT_BYTES = 3 * 1024 * 1024


@dataclass
class RunningPlatform:
    gateway_url: str
    secretariat_email: str
    secretariat_password: str
    logs: Path
    # Each service's own address (members, agreements, roadmap, gateway), for tests that compare
    # what the gateway answers with what the service does.
    service_urls: dict[str, str]
    # Where its events are: the broker, and the prefix of every topic of this platform.
    kafka_bootstrap: str
    topic_prefix: str
    # Each service's process, for tests that check it is the same one after a fault.
    processes: dict[str, subprocess.Popen[bytes]]
    # Each service's database on the test infrastructure, for tests that compare a source with
    # its replicas row by row.
    databases: dict[str, str] = field(default_factory=dict)
    # Starts a service's `serve` process again with its settings (logs appended); set by
    # `running_platform`.
    _serve: Callable[[str], subprocess.Popen[bytes]] | None = None

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed or committed on the way out."""
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(30)

    def start(self, name: str) -> None:
        """Start a service that was killed, and wait until it is ready."""
        assert self._serve is not None
        assert self.processes[name].poll() is not None, f"{name} is still running"
        self.processes[name] = self._serve(name)
        _wait_ready({name: self.service_urls[name]}, self.logs)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait_ready(urls: Mapping[str, str], logs: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(urls)
    while waiting and time.monotonic() < deadline:
        waiting = [name for name in waiting if not _ready(urls[name])]
        time.sleep(0.3)
    if waiting:
        raise AssertionError(f"not ready: {', '.join(waiting)}; logs in {logs}")


@contextmanager
def running_platform(
    infra: Infrastructure, workdir: Path, settings: Mapping[str, str] | None = None
) -> Iterator[RunningPlatform]:
    """`settings`: more environment for every service (e.g. a faster webhook retry schedule)."""
    run = uuid.uuid4().hex[:6]
    topic_prefix = f"web{run}."
    ports = {name: free_port() for name in SERVICES}
    databases = {name: f"web_{name}_{run}" for name in SERVICES}
    password = f"una frase de prueba {run} bastante larga"
    write_key_pair(workdir / "keys")
    (workdir / "logs").mkdir(exist_ok=True)
    common = {
        **os.environ,
        "SIRBI_KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "SIRBI_KAFKA_TOPIC_PREFIX": topic_prefix,
        "SIRBI_JWT_PUBLIC_KEY_FILE": str(workdir / "keys" / "jwt-public.pem"),
        "SIRBI_JWT_PRIVATE_KEY_FILE": str(workdir / "keys" / "jwt-private.pem"),
        "SIRBI_GATEWAY_FIRST_SECRETARIAT_EMAIL": SECRETARIAT_EMAIL,
        "SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD": password,
        "SIRBI_GATEWAY_WEB_DIR": str(REPO / "web" / "dist"),
        # Every browser scenario signs people in from 127.0.0.1 within minutes; the limits
        # themselves are the gateway's own tests' business.
        "SIRBI_GATEWAY_LOGIN_LIMIT_PER_ACCOUNT": "1000/minute",
        "SIRBI_GATEWAY_LOGIN_LIMIT_PER_ADDRESS": "1000/minute",
        # Read by the members service and by the gateway in front of it.
        "SIRBI_MEMBERS_MAX_IMPORT_BYTES": str(MEMBERS_MAX_IMPORT_BYTES),
        **{f"SIRBI_{name.upper()}_URL": f"http://127.0.0.1:{port}" for name, port in ports.items()},
        **(settings or {}),
    }

    def environment(name: str) -> dict[str, str]:
        prefix = f"SIRBI_{name.upper()}_"
        return {
            **common,
            f"{prefix}DATABASE_URL": infra.postgres_url(databases[name]),
            f"{prefix}PORT": str(ports[name]),
            f"{prefix}IMPORT_DIR": str(workdir / "imports" / name),
        }

    processes: dict[str, subprocess.Popen[bytes]] = {}
    with ExitStack() as stack:
        for name in SERVICES:
            infra.create_database(databases[name])
            stack.callback(infra.drop_database, databases[name])
        for command in ("migrate", "seed"):
            for name in SERVICES:
                subprocess.run(
                    [sys.executable, "-m", f"sirbi_{name}", command],
                    env=environment(name),
                    cwd=REPO,
                    check=True,
                    capture_output=True,
                )

        def serve(name: str) -> subprocess.Popen[bytes]:
            log = stack.enter_context((workdir / "logs" / f"{name}.log").open("ab"))
            process = subprocess.Popen(
                [sys.executable, "-m", f"sirbi_{name}", "serve"],
                env=environment(name),
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            stack.callback(process.wait, 30)
            stack.callback(process.terminate)
            return process

        for name in SERVICES:
            processes[name] = serve(name)
        _wait_ready({name: f"http://127.0.0.1:{port}" for name, port in ports.items()}, workdir / "logs")
        yield RunningPlatform(
            gateway_url=f"http://127.0.0.1:{ports['gateway']}",
            secretariat_email=SECRETARIAT_EMAIL,
            secretariat_password=password,
            logs=workdir / "logs",
            service_urls={name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
            kafka_bootstrap=infra.kafka_bootstrap,
            topic_prefix=topic_prefix,
            processes=processes,
            databases=databases,
            _serve=serve,
        )

"""Real Kafka and PostgreSQL for the tests: Testcontainers where a Docker engine answers, otherwise
the local launcher's processes on the `test` profile (own ports and data folder, never `make up`'s).

Both kinds offer the same operations, including the faults the reliability tests inject.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from typing import Any

import launcher


class Infrastructure(ABC):
    kafka_bootstrap: str

    @abstractmethod
    def postgres_url(self, database: str) -> str: ...

    @abstractmethod
    def create_database(self, name: str) -> None: ...

    @abstractmethod
    def drop_database(self, name: str) -> None: ...

    @abstractmethod
    def stop_kafka(self) -> None: ...

    @abstractmethod
    def start_kafka(self) -> None: ...

    @abstractmethod
    def stop_postgres(self) -> None: ...

    @abstractmethod
    def start_postgres(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...


class LocalInfrastructure(Infrastructure):
    """The launcher's processes. The test profile starts from empty data every session."""

    def __init__(self) -> None:
        self.profile = launcher.test_profile()
        self.postgres = launcher.PostgresCluster(self.profile)
        self.kafka = launcher.KafkaBroker(self.profile)
        self.kafka_bootstrap = self.profile.kafka_bootstrap
        # Leftovers of an interrupted run: stop them and start clean, so runs are repeatable.
        self.kafka.stop()
        self.postgres.stop()
        shutil.rmtree(self.profile.run_dir, ignore_errors=True)
        self.postgres.start()
        self.kafka.start()

    def postgres_url(self, database: str) -> str:
        return self.postgres.url(database)

    def create_database(self, name: str) -> None:
        self.postgres.ensure_database(name)

    def drop_database(self, name: str) -> None:
        self.postgres.drop_database(name)

    def stop_kafka(self) -> None:
        self.kafka.stop()

    def start_kafka(self) -> None:
        self.kafka.start()

    def stop_postgres(self) -> None:
        self.postgres.stop()

    def start_postgres(self) -> None:
        self.postgres.start()

    def close(self) -> None:
        self.kafka.stop()
        self.postgres.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ContainerInfrastructure(Infrastructure):
    """Kafka and PostgreSQL in containers, on fixed host ports so a stopped broker comes back
    at the same address (a restarted container would otherwise get new random ports)."""

    password = "sirbi-test"

    def __init__(self) -> None:
        # Imported only when a Docker engine is there: the docker client library is not needed otherwise.
        from testcontainers.core.container import DockerContainer  # noqa: PLC0415
        from testcontainers.core.waiting_utils import wait_for_logs  # noqa: PLC0415

        self._wait_for_logs = wait_for_logs
        kafka_port, self.pg_port = _free_port(), _free_port()
        self.kafka_bootstrap = f"127.0.0.1:{kafka_port}"
        self.kafka: Any = (
            DockerContainer("apache/kafka:4.3.1")
            .with_bind_ports(9092, kafka_port)
            .with_env("KAFKA_NODE_ID", "1")
            .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
            .with_env("KAFKA_LISTENERS", "PLAINTEXT://:9092,BROKER://:19092,CONTROLLER://:9093")
            .with_env(
                "KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{kafka_port},BROKER://localhost:19092"
            )
            .with_env(
                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
            )
            .with_env("KAFKA_INTER_BROKER_LISTENER_NAME", "BROKER")
            .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
            .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        )
        self.postgres: Any = (
            DockerContainer("postgres:17")
            .with_bind_ports(5432, self.pg_port)
            .with_env("POSTGRES_USER", "sirbi")
            .with_env("POSTGRES_PASSWORD", self.password)
            .with_env("POSTGRES_DB", "postgres")
        )
        self.postgres.start()
        self.kafka.start()
        self._wait_for_logs(self.postgres, "database system is ready to accept connections", timeout=60)
        self._wait_until_accepting(self.pg_port)
        self.start_kafka()

    @staticmethod
    def _wait_until_accepting(port: int, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                sock.settimeout(0.5)
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        raise TimeoutError(f"nothing accepts connections on port {port}")

    def postgres_url(self, database: str) -> str:
        return f"postgresql+asyncpg://sirbi:{self.password}@127.0.0.1:{self.pg_port}/{database}"

    def _psql(self, sql: str) -> None:
        code, output = self.postgres.exec(
            ["psql", "-U", "sirbi", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql]
        )
        if code != 0:
            raise RuntimeError(output.decode())

    def create_database(self, name: str) -> None:
        self._psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop_kafka(self) -> None:
        self.kafka.get_wrapped_container().stop(timeout=60)

    def start_kafka(self) -> None:
        container = self.kafka.get_wrapped_container()
        container.reload()
        if container.status != "running":
            container.start()
        self._wait_until_accepting(int(self.kafka_bootstrap.rsplit(":", 1)[1]))

    def stop_postgres(self) -> None:
        self.postgres.get_wrapped_container().stop(timeout=30)

    def start_postgres(self) -> None:
        container = self.postgres.get_wrapped_container()
        container.reload()
        if container.status != "running":
            container.start()
        self._wait_until_accepting(self.pg_port)

    def close(self) -> None:
        self.kafka.stop()
        self.postgres.stop()


def docker_engine_reachable() -> bool:
    if not shutil.which("docker"):
        return False
    result = subprocess.run(
        ["docker", "info", "--format", "{{.ServerVersion}}"], check=False, capture_output=True, timeout=20
    )
    return result.returncode == 0 and bool(result.stdout.strip())


def start_infrastructure() -> Infrastructure:
    """`SIRBI_TEST_INFRA=local|containers` forces a kind; by default containers when Docker answers."""
    wanted = os.environ.get("SIRBI_TEST_INFRA", "auto")
    if wanted == "containers" or (wanted == "auto" and docker_engine_reachable()):
        return ContainerInfrastructure()
    return LocalInfrastructure()

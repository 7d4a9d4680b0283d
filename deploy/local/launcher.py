"""Local launcher: a real Kafka broker and PostgreSQL server without Docker, and the services.

Kafka is assembled from Maven Central jars (deploy/local/kafka/pom.xml) and run on the local JDK
in KRaft mode; PostgreSQL is Debian's package, run as a private cluster. Each *profile* (dev for
`make up`, test for the test suite, bench for benchmarks) has its own ports and run folder, so a
test run never touches the data of `make up`. Standard library only: this runs before any
virtual environment exists.
"""

from __future__ import annotations

import argparse
import base64
import glob
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
KAFKA_POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
KAFKA_LOG4J = Path(__file__).resolve().parent / "kafka" / "log4j2.properties"
SERVICES = ("members", "agreements", "roadmap", "gateway")


class LaunchError(RuntimeError):
    """Something the launcher could not do; the message says what and where to look."""


def _log(message: str) -> None:
    print(f"[sirbi] {message}", flush=True)


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Profile:
    """Ports and folders of one isolated copy of the infrastructure."""

    name: str
    kafka_port: int
    controller_port: int
    postgres_port: int
    service_ports: Mapping[str, int] = field(default_factory=dict)
    # The test profile trades durability for speed; dev and bench keep PostgreSQL's defaults.
    postgres_durable: bool = True

    @property
    def run_dir(self) -> Path:
        return Path(os.environ.get("SIRBI_RUN_DIR", REPO_ROOT / ".run")) / self.name

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"


def dev_profile() -> Profile:
    gateway = _env_int("SIRBI_GATEWAY_PORT", 8000)
    return Profile(
        name="dev",
        kafka_port=_env_int("SIRBI_KAFKA_PORT", 9092),
        controller_port=_env_int("SIRBI_KAFKA_CONTROLLER_PORT", 9093),
        postgres_port=_env_int("SIRBI_POSTGRES_PORT", 55432),
        service_ports={
            "gateway": gateway,
            "members": _env_int("SIRBI_MEMBERS_PORT", gateway + 1),
            "agreements": _env_int("SIRBI_AGREEMENTS_PORT", gateway + 2),
            "roadmap": _env_int("SIRBI_ROADMAP_PORT", gateway + 3),
        },
    )


def test_profile() -> Profile:
    return Profile(
        name="test",
        kafka_port=_env_int("SIRBI_TEST_KAFKA_PORT", 19092),
        controller_port=_env_int("SIRBI_TEST_KAFKA_CONTROLLER_PORT", 19093),
        # Below the kernel's ephemeral range (32768-60999): the fault tests stop and start the
        # servers, and while one is down a client's outgoing socket can take its port (seen with
        # Kafka on 39092). Kafka's 19092/19093 are below it already.
        postgres_port=_env_int("SIRBI_TEST_POSTGRES_PORT", 15433),
        postgres_durable=False,
    )


def bench_profile() -> Profile:
    # Service ports too, so `up --profile bench` starts a whole platform apart from `make up`'s
    # (bench/platform_start.py times it); the other benchmarks pick free ports of their own.
    gateway = _env_int("SIRBI_BENCH_GATEWAY_PORT", 28000)
    return Profile(
        name="bench",
        kafka_port=_env_int("SIRBI_BENCH_KAFKA_PORT", 29092),
        controller_port=_env_int("SIRBI_BENCH_KAFKA_CONTROLLER_PORT", 29093),
        postgres_port=_env_int("SIRBI_BENCH_POSTGRES_PORT", 25434),
        service_ports={
            "gateway": gateway,
            "members": _env_int("SIRBI_BENCH_MEMBERS_PORT", gateway + 1),
            "agreements": _env_int("SIRBI_BENCH_AGREEMENTS_PORT", gateway + 2),
            "roadmap": _env_int("SIRBI_BENCH_ROADMAP_PORT", gateway + 3),
        },
    )


PROFILES = {"dev": dev_profile, "test": test_profile, "bench": bench_profile}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers signal 0; reap it if it is ours.
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return waited == 0


def _read_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM the process group, then SIGKILL what is left after `timeout` seconds."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return
            time.sleep(0.1)


def _run(cmd: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), check=True, text=True, capture_output=True, **kwargs)  # type: ignore[call-overload, no-any-return]


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


class PostgresCluster:
    """A private PostgreSQL cluster in `<run>/postgres`, listening on 127.0.0.1 only."""

    user = "sirbi"

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.root = profile.run_dir / "postgres"
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log_file = self.root / "postgres.log"
        self.password = os.environ.get("SIRBI_POSTGRES_PASSWORD", "sirbi-local")
        self.os_user = os.environ.get("SIRBI_POSTGRES_OS_USER", "sirbi")

    @property
    def port(self) -> int:
        return self.profile.postgres_port

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    # -- binaries and the OS user ------------------------------------------------------------

    @staticmethod
    def bin_dir() -> Path | None:
        candidates = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
            key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
        )
        return Path(candidates[-1]).parent if candidates else None

    def ensure_installed(self) -> Path:
        found = self.bin_dir()
        if found:
            return found
        _log("PostgreSQL is missing: installing Debian's postgresql package")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env)
        found = self.bin_dir()
        if not found:
            raise LaunchError("apt-get installed postgresql but no pg_ctl was found")
        return found

    def _as_owner(self, cmd: Sequence[str]) -> list[str]:
        """initdb and pg_ctl refuse to run as root: drop to an unprivileged user when we are."""
        if os.geteuid() != 0:
            return list(cmd)
        return ["runuser", "-u", self.os_user, "--", *cmd]

    def _prepare_os_user(self) -> None:
        if os.geteuid() != 0:
            return
        try:
            pwd.getpwnam(self.os_user)
        except KeyError:
            _log(f"creating system user {self.os_user!r} to own the PostgreSQL cluster")
            _run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.os_user])
        # The unprivileged owner must be able to reach its data folder through our folders:
        # grant traversal (o+x, never read) on every ancestor that lacks it, e.g. a mktemp dir.
        self.root.mkdir(parents=True, exist_ok=True)
        for ancestor in reversed(self.root.resolve().parents):
            mode = ancestor.stat().st_mode
            if not mode & 0o001:
                os.chmod(ancestor, mode | 0o001)

    # -- lifecycle -----------------------------------------------------------------------------

    def _initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> None:
        bin_dir = self.ensure_installed()
        self._prepare_os_user()
        if self._initialised():
            return
        _log(f"initialising PostgreSQL cluster in {self.data_dir}")
        self.root.mkdir(parents=True, exist_ok=True)
        for folder in (self.data_dir, self.socket_dir):
            folder.mkdir(exist_ok=True)
            folder.chmod(0o700)
        pwfile = self.root / ".pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            owner = pwd.getpwnam(self.os_user)
            for path in (self.root, self.data_dir, self.socket_dir, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        try:
            _run(
                self._as_owner(
                    [
                        str(bin_dir / "initdb"),
                        "-D",
                        str(self.data_dir),
                        "-U",
                        self.user,
                        f"--pwfile={pwfile}",
                        "--auth-host=scram-sha-256",
                        "--auth-local=peer",
                        "--encoding=UTF8",
                        "--locale=C.UTF-8",
                    ]
                )
            )
        except subprocess.CalledProcessError as exc:
            raise LaunchError(f"initdb failed:\n{exc.stdout}\n{exc.stderr}") from exc
        finally:
            pwfile.unlink(missing_ok=True)
        settings = [
            f"port = {self.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.socket_dir}'",
            "max_connections = 300",
            "shared_buffers = 128MB",
        ]
        if not self.profile.postgres_durable:
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with (self.data_dir / "postgresql.auto.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        bin_dir = self.bin_dir()
        if bin_dir is None:
            raise LaunchError("PostgreSQL is not installed")
        command = self._as_owner([str(bin_dir / "pg_ctl"), "-D", str(self.data_dir), *args])
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def is_running(self) -> bool:
        if self.bin_dir() is None or not self._initialised():
            return False
        return self._pg_ctl("status", check=False).returncode == 0

    def start(self) -> None:
        self.init()
        if self.is_running():
            return
        _log(f"starting PostgreSQL on 127.0.0.1:{self.port}")
        if os.geteuid() == 0:
            owner = pwd.getpwnam(self.os_user)
            self.log_file.touch()
            os.chown(self.log_file, owner.pw_uid, owner.pw_gid)
        try:
            self._pg_ctl("-l", str(self.log_file), "-w", "-t", "60", "start")
        except subprocess.CalledProcessError as exc:
            raise LaunchError(f"PostgreSQL did not start; see {self.log_file}\n{exc.stderr}") from exc

    def stop(self) -> None:
        if self.is_running():
            _log("stopping PostgreSQL")
            self._pg_ctl("-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self._pg_ctl("-l", str(self.log_file), "-m", "fast", "-w", "restart")

    def psql(self, sql: str, database: str = "postgres") -> str:
        env = {**os.environ, "PGPASSWORD": self.password}
        result = _run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-tAc",
                sql,
            ],
            env=env,
        )
        return result.stdout.strip()

    def ensure_database(self, name: str) -> None:
        if not name.replace("_", "").isalnum():
            raise LaunchError(f"unsafe database name {name!r}")
        # The name was checked above: letters, digits and underscores only.
        if self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":  # noqa: S608
            _log(f"creating database {name}")
            self.psql(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        if not name.replace("_", "").isalnum():
            raise LaunchError(f"unsafe database name {name!r}")
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --------------------------------------------------------------------------------------------
# Kafka
# --------------------------------------------------------------------------------------------


def _kafka_cluster_id() -> str:
    # Kafka's own Uuid text form: url-safe base64 of 16 random bytes, no padding, not "-"-led.
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


class KafkaBroker:
    """A single Kafka node in KRaft mode (broker and controller in one JVM)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.root = profile.run_dir / "kafka"
        self.data_dir = self.root / "data"
        self.logs_dir = self.root / "logs"
        self.config_file = self.root / "server.properties"
        self.pid_file = self.root / "kafka.pid"
        self.heap = os.environ.get("SIRBI_KAFKA_HEAP", "512m")

    @property
    def port(self) -> int:
        return self.profile.kafka_port

    @staticmethod
    def libs_dir() -> Path:
        """Jars cached by the pom's content, shared by every profile."""
        digest = hashlib.sha256(KAFKA_POM.read_bytes()).hexdigest()[:12]
        cache = Path(os.environ.get("SIRBI_CACHE_DIR", REPO_ROOT / ".run" / "cache"))
        return cache / f"kafka-{digest}" / "libs"

    @classmethod
    def ensure_libs(cls) -> Path:
        libs = cls.libs_dir()
        if (libs / ".complete").exists():
            return libs
        for tool in ("java", "mvn"):
            if not shutil.which(tool):
                raise LaunchError(f"{tool} is required to run Kafka locally (a JDK 17 and Maven)")
        _log("fetching Kafka jars from Maven Central (once; cached in .run/cache)")
        staging = libs.with_name("libs.partial")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            _run(
                [
                    "mvn",
                    "-q",
                    "-B",
                    "-f",
                    str(KAFKA_POM),
                    "dependency:copy-dependencies",
                    f"-DoutputDirectory={staging}",
                    "-DincludeScope=runtime",
                ]
            )
        except subprocess.CalledProcessError as exc:
            raise LaunchError(f"mvn could not fetch the Kafka jars:\n{exc.stdout}\n{exc.stderr}") from exc
        shutil.rmtree(libs, ignore_errors=True)
        staging.rename(libs)
        (libs / ".complete").write_text("ok\n")
        return libs

    def _java(self, main: str, *args: str, heap: str = "256m") -> list[str]:
        libs = self.ensure_libs()
        return [
            "java",
            f"-Xms{heap}" if main == "kafka.Kafka" else "-Xms64m",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={self.logs_dir}",
            f"-Dlog4j2.configurationFile={KAFKA_LOG4J}",
            "-cp",
            f"{libs}/*",
            main,
            *args,
        ]

    def _write_config(self) -> None:
        p = self.profile
        properties = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{p.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{p.kafka_port},CONTROLLER://127.0.0.1:{p.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{p.kafka_port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "log.dirs": str(self.data_dir),
            "num.partitions": "3",
            # One node: every internal topic has one replica and needs one in sync.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "min.insync.replicas": "1",
            "default.replication.factor": "1",
            "group.initial.rebalance.delay.ms": "0",
            # Topics are declared in code and created by the services at start-up.
            "auto.create.topics.enable": "false",
            "offsets.topic.num.partitions": "10",
            "num.network.threads": "2",
            "num.io.threads": "4",
        }
        self.config_file.write_text("".join(f"{k}={v}\n" for k, v in properties.items()))

    def format(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.logs_dir.mkdir(exist_ok=True)
        self._write_config()
        if (self.data_dir / "meta.properties").exists():
            return
        _log(f"formatting Kafka storage in {self.data_dir}")
        try:
            _run(
                self._java(
                    "kafka.tools.StorageTool",
                    "format",
                    "--standalone",
                    "-t",
                    _kafka_cluster_id(),
                    "-c",
                    str(self.config_file),
                )
            )
        except subprocess.CalledProcessError as exc:
            raise LaunchError(f"Kafka storage format failed:\n{exc.stdout}\n{exc.stderr}") from exc

    def pid(self) -> int | None:
        return _read_pid(self.pid_file)

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self, timeout: float = 90.0) -> None:
        if self.is_running():
            return
        self.format()
        if _port_open(self.port):
            raise LaunchError(f"port {self.port} is taken by another process; set SIRBI_KAFKA_PORT")
        _log(f"starting Kafka on {self.profile.kafka_bootstrap}")
        server_log = self.logs_dir / "server.log"
        start_offset = server_log.stat().st_size if server_log.exists() else 0
        stdout = (self.logs_dir / "kafka.out").open("ab")
        process = subprocess.Popen(
            self._java("kafka.Kafka", str(self.config_file), heap=self.heap),
            stdout=stdout,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LaunchError(f"Kafka exited with {process.returncode}; see {self.logs_dir}")
            if _port_open(self.port) and self._logged_since(server_log, start_offset, "Kafka Server started"):
                return
            time.sleep(0.2)
        raise LaunchError(f"Kafka did not start within {timeout:.0f}s; see {self.logs_dir}")

    @staticmethod
    def _logged_since(log: Path, offset: int, needle: str) -> bool:
        try:
            with log.open("rb") as handle:
                if handle.seek(0, os.SEEK_END) < offset:
                    offset = 0  # rolled over
                handle.seek(offset)
                return needle.encode() in handle.read()
        except FileNotFoundError:
            return False

    def stop(self, timeout: float = 60.0) -> None:
        pid = self.pid()
        if pid is None:
            return
        _log("stopping Kafka")
        _terminate(pid, timeout)
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL, for fault tests: no controlled shutdown."""
        pid = self.pid()
        if pid is not None:
            _terminate(pid, 0.0)
            self.pid_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------


class ServiceProcess:
    """One platform service run from the workspace's virtual environment."""

    def __init__(self, name: str, profile: Profile, postgres: PostgresCluster, python: str) -> None:
        self.name = name
        self.profile = profile
        self.postgres = postgres
        self.python = python
        self.root = profile.run_dir / "services"
        self.pid_file = self.root / f"{name}.pid"
        self.log_file = profile.run_dir / "logs" / f"{name}.log"

    @property
    def port(self) -> int:
        return self.profile.service_ports[self.name]

    @property
    def database(self) -> str:
        return f"sirbi_{self.name}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def exists(self) -> bool:
        return (REPO_ROOT / "services" / self.name / "pyproject.toml").exists()

    def environment(self) -> dict[str, str]:
        prefix = f"SIRBI_{self.name.upper()}_"
        keys = self.profile.run_dir / "keys"
        env = {
            **os.environ,
            "SIRBI_KAFKA_BOOTSTRAP_SERVERS": self.profile.kafka_bootstrap,
            "SIRBI_JWT_PUBLIC_KEY_FILE": str(keys / "jwt-public.pem"),
            "SIRBI_JWT_PRIVATE_KEY_FILE": str(keys / "jwt-private.pem"),
            f"{prefix}DATABASE_URL": self.postgres.url(self.database),
            f"{prefix}HOST": "127.0.0.1",
            f"{prefix}PORT": str(self.port),
            # Uploaded files wait here for their import job, across restarts of the platform.
            f"{prefix}IMPORT_DIR": str(self.profile.run_dir / "imports" / self.name),
        }
        if self.name == "gateway":
            env["SIRBI_GATEWAY_FIRST_SECRETARIAT_EMAIL"] = LOCAL_SECRETARIAT_EMAIL
            env["SIRBI_GATEWAY_FIRST_SECRETARIAT_PASSWORD"] = secretariat_password(self.profile)
        for other in SERVICES:
            env.setdefault(
                f"SIRBI_{other.upper()}_URL", f"http://127.0.0.1:{self.profile.service_ports[other]}"
            )
        return env

    def pid(self) -> int | None:
        return _read_pid(self.pid_file)

    def start_command(self, command: str) -> subprocess.Popen[str]:
        """`migrate` or `seed`: one-off commands run before the service starts."""
        return subprocess.Popen(
            [self.python, "-m", f"sirbi_{self.name}", command],
            env=self.environment(),
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def start(self) -> None:
        if self.pid() is not None:
            return
        if _port_open(self.port):
            raise LaunchError(f"{self.name}: port {self.port} is taken by another process")
        self.root.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            [self.python, "-m", f"sirbi_{self.name}", "serve"],
            env=self.environment(),
            cwd=REPO_ROOT,
            stdout=self.log_file.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid_file.write_text(str(process.pid))

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/health/ready", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is None:
                raise LaunchError(f"{self.name} exited; see {self.log_file}")
            if self.ready():
                return
            time.sleep(0.2)
        raise LaunchError(f"{self.name} was not ready within {timeout:.0f}s; see {self.log_file}")

    def stop(self) -> None:
        pid = self.pid()
        if pid is not None:
            _log(f"stopping {self.name}")
            _terminate(pid, 15.0)
        self.pid_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------
# Keys for the local platform
# --------------------------------------------------------------------------------------------


def ensure_jwt_keys(profile: Profile, python: str) -> None:
    """A local Ed25519 key pair: the gateway signs tokens, services verify them."""
    keys = profile.run_dir / "keys"
    if (keys / "jwt-private.pem").exists():
        return
    keys.mkdir(parents=True, exist_ok=True)
    keys.chmod(0o700)
    _run([python, "-m", "sirbi_shared.auth", "generate-keys", str(keys)], cwd=REPO_ROOT)


LOCAL_SECRETARIAT_EMAIL = "secretaria@sirbi.example"


def secretariat_password(profile: Profile) -> str:
    """The first secretariat account's password on this machine: made once, kept beside the keys
    (never committed, never a default anyone could guess)."""
    path = profile.run_dir / "keys" / "secretariat-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(18) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


# Who a newcomer can sign in as, one per role (product.md). Made through the gateway's own API,
# as the secretariat would, once the platform runs; the working groups' ids come from the roadmap.
DEMO_ACCOUNTS = (
    ("representante.pe@sirbi.example", "Representación nacional del Perú", ["representative"], "PE", False),
    ("coordinacion.grupo@sirbi.example", "Coordinación de grupo de trabajo", ["wg_coordinator"], None, True),
    ("miembro.grupo@sirbi.example", "Miembro de grupo de trabajo", ["wg_member"], None, True),
    ("observador@sirbi.example", "Observador regional", ["observer"], None, False),
)


def _api(base: str, method: str, path: str, body: object = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", method=method, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def ensure_demo_accounts(profile: Profile, gateway: str) -> str:
    """The demo accounts (made once; kept as people changed them). Returns their password."""
    path = profile.run_dir / "keys" / "demo-password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12) + "\n")
        path.chmod(0o600)
    password = path.read_text().strip()
    credentials = {"email": LOCAL_SECRETARIAT_EMAIL, "password": secretariat_password(profile)}
    token = str(_api(gateway, "POST", "/api/auth/login", credentials)["access_token"])
    existing = {u["email"] for u in _api(gateway, "GET", "/api/users", token=token)}
    groups = _api(gateway, "GET", "/api/roadmap/working-groups", token=token)
    first_group = [groups[0]["id"]] if groups else []
    for email, name, roles, country, in_group in DEMO_ACCOUNTS:
        if email in existing:
            continue
        user = {"email": email, "display_name": name, "password": password, "roles": roles}
        user |= {"country": country} if country else {}
        user |= {"working_groups": first_group} if in_group else {}
        _api(gateway, "POST", "/api/users", user, token=token)
    return password


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------


def _venv_python() -> str:
    python = REPO_ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        raise LaunchError("no .venv: run `make up` (it runs `uv sync` first)")
    return str(python)


def up(profile: Profile) -> None:
    started = time.monotonic()
    python = _venv_python()
    postgres = PostgresCluster(profile)
    kafka = KafkaBroker(profile)
    postgres.start()
    kafka.start()
    ensure_jwt_keys(profile, python)
    services = [ServiceProcess(n, profile, postgres, python) for n in SERVICES]
    services = [s for s in services if s.exists()]
    for service in services:
        postgres.ensure_database(service.database)
    # Each service migrates, then seeds (idempotently), its own database; services run side by side.
    for command in ("migrate", "seed"):
        running = [(service, service.start_command(command)) for service in services]
        for service, process in running:
            output, _ = process.communicate()
            if process.returncode != 0:
                raise LaunchError(f"{service.name}: {command} failed:\n{output}")
    for service in services:
        service.start()
    for service in services:
        service.wait_ready()
    _log(f"platform ready in {time.monotonic() - started:.1f}s")
    gateway = next((s for s in services if s.name == "gateway"), None)
    print()
    if gateway:
        demo_password = ensure_demo_accounts(profile, gateway.base_url)
        print(f"  web          {gateway.base_url}/   (health: {gateway.base_url}/health/ready)")
        print(f"  sign in      {LOCAL_SECRETARIAT_EMAIL} / {secretariat_password(profile)}")
        for email, _, roles, country, _ in DEMO_ACCOUNTS:
            where = f", {country}" if country else ""
            print(f"  demo         {email} / {demo_password}   ({roles[0]}{where})")
    for service in services:
        if service.name != "gateway":
            print(f"  {service.name:<12} {service.base_url}   (OpenAPI: {service.base_url}/docs)")
    print(f"  kafka        {profile.kafka_bootstrap}")
    print(f"  postgresql   {postgres.url('<service db>', driver='postgresql')}")
    print(f"  logs         {profile.run_dir / 'logs'}")
    print()


def down(profile: Profile) -> None:
    postgres = PostgresCluster(profile)
    python = str(REPO_ROOT / ".venv" / "bin" / "python")
    for name in reversed(SERVICES):
        ServiceProcess(name, profile, postgres, python).stop()
    KafkaBroker(profile).stop()
    postgres.stop()


def status(profile: Profile) -> int:
    postgres = PostgresCluster(profile)
    kafka = KafkaBroker(profile)
    python = str(REPO_ROOT / ".venv" / "bin" / "python")
    rows: list[tuple[str, str, str]] = [
        ("postgresql", "up" if postgres.is_running() else "down", f"127.0.0.1:{postgres.port}"),
        ("kafka", "up" if kafka.is_running() else "down", profile.kafka_bootstrap),
    ]
    for name in SERVICES:
        service = ServiceProcess(name, profile, postgres, python)
        if not service.exists():
            continue
        state = "down" if service.pid() is None else "ready" if service.ready() else "not ready"
        rows.append((name, state, service.base_url))
    for name, state, where in rows:
        print(f"  {name:<12} {state:<10} {where}")
    return 0 if all(state in ("up", "ready") for _, state, _ in rows) else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", choices=["up", "down", "status", "infra-up", "infra-down", "env"])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dev")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile]()
    try:
        if args.command == "up":
            up(profile)
        elif args.command == "down":
            down(profile)
        elif args.command == "status":
            return status(profile)
        elif args.command == "infra-up":
            PostgresCluster(profile).start()
            KafkaBroker(profile).start()
        elif args.command == "infra-down":
            KafkaBroker(profile).stop()
            PostgresCluster(profile).stop()
        elif args.command == "env":
            pg = PostgresCluster(profile)
            print(json.dumps({"kafka": profile.kafka_bootstrap, "postgres": pg.url("postgres")}))
    except LaunchError as exc:
        print(f"[sirbi] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

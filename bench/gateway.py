"""Gateway benchmark: what going through the gateway costs, measured against the service itself
in the same run.

- reads: `GET /api/members/member-states/PE` through the gateway vs `GET /member-states/PE`
  straight from the members service: throughput with concurrent clients (ratio), and the
  median latency of one client at a time (the gateway's added milliseconds);
- writes through the gateway: throughput with concurrent clients, for two mixes: registering
  national networks (a row, its outbox event and its history entry each), and half of those
  with half changes to networks the run registered (If-Match, a new version, its event and
  entry); and latency percentiles at a steady 100 registrations a second, while a client follows
  the gateway's live feed: from each registration's 2xx to its event on the feed (P3: members'
  outbox, relay, Kafka, the gateway's consumer, its commit and notification), beside bare Kafka
  produce -> consume at the same rate on the same broker. Write throughput is
  measured with more clients (32) than reads (16): through the gateway each write waits on two
  processes, and 16 clients left a fifth of the two cores idle, which measures the clients'
  latency rather than the platform's capacity (docs/performance.md).

The whole platform runs, as under `make up`: the four services as their own processes
(`python -m sirbi_<service> serve`, each with its database, its demo data and its consumers) on the
launcher's `bench` Kafka and PostgreSQL. So every write's event is also consumed where it would be
(the gateway's activity feed and webhook filing, the agreements and roadmap replicas), on the same
two cores. Writes straight to the members service are measured in the same run, as the baseline
of the writes through the gateway. The closed-loop load comes from wrk (Debian's package; `make bench`
installs it), a C load generator, so that the 2-core machine's time goes to the platform rather
than to a Python client; the open loop at a fixed rate comes from this process (httpx), over
real HTTP with keep-alive.

    python bench/gateway.py                # defaults
    python bench/gateway.py --seconds 10 --concurrency 16 --write-concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient

REPO = Path(__file__).resolve().parents[1]
WRK_SCRIPTS = REPO / "bench" / "wrk"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "deploy" / "local"))

import launcher  # noqa: E402
from bench import profiling  # noqa: E402
from bench.events import bare_latency  # noqa: E402
from bench.figures import BenchRun, Figure  # noqa: E402
from sirbi_shared.auth import Role, TokenIssuer  # noqa: E402
from sirbi_shared.auth.tokens import write_key_pair  # noqa: E402
from sirbi_shared.events import TopicSpec, ensure_topics  # noqa: E402

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
# Started in this order: the gateway last, once the services it routes to are up.
SERVICES = ("members", "agreements", "roadmap", "gateway")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(service: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    python = sys.executable
    for command in ("migrate", "seed"):
        subprocess.run([python, "-m", f"sirbi_{service}", command], env=env, check=True, capture_output=True)
    return subprocess.Popen([python, "-m", f"sirbi_{service}", "serve"], env=env, stdout=subprocess.DEVNULL)


async def _ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        for _ in range(300):
            try:
                if (await client.get("/health/ready")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{base} did not become ready")


# wrk scripts (bench/wrk/) of the write mixes measured.
WRITE_MIXES = {
    "registrations": "register_network.lua",
    "registrations and changes": "register_and_update_network.lua",
}


def _closed_loop(url: str, script: str, connections: int, seconds: float, token: str) -> dict[str, float]:
    """`connections` clients, each sending its next request when the last is answered (wrk):
    requests a second and latency percentiles in seconds."""
    lua = Path(tempfile.mkdtemp(prefix="sirbi-wrk-")) / "load.lua"
    lua.write_text((WRK_SCRIPTS / script).read_text() + (WRK_SCRIPTS / "report.lua").read_text())
    env = {**os.environ, "BENCH_TOKEN": token, "BENCH_RUN": uuid.uuid4().hex[:8]}
    duration = f"-d{max(1, round(seconds))}s"
    command = ["wrk", "-t1", f"-c{connections}", duration, "--timeout", "30s", "-s", str(lua), url]
    result = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    if summary["failed_status"] or summary["socket_errors"]:
        raise RuntimeError(f"{url}: failed requests in the run: {summary}\n{result.stderr}")
    return {
        "rate": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50": summary["p50_us"] / 1e6,
        "p99": summary["p99_us"] / 1e6,
    }


async def _propagation(
    base: str, request: Request, auth: dict[str, str], rate: float, seconds: float
) -> tuple[list[float], list[float]]:
    """Networks registered through the gateway at a fixed rate (an open loop), while a client
    follows the gateway's live feed: each write's latency, and the time from each write's 2xx
    to its event arriving on the feed — the members service's outbox, its relay, Kafka, the
    gateway's consumer and its commit, the notification and the stream: another service's
    replica, visible to a person."""
    answered: dict[str, float] = {}
    seen: dict[str, float] = {}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=30, headers=auth) as client:
        listening = asyncio.Event()

        async def follow() -> None:
            async with client.stream("GET", "/api/activity/stream", params={"service": "members"}) as stream:
                listening.set()
                async for line in stream.aiter_lines():
                    if line.startswith("data:"):
                        subject = json.loads(line.removeprefix("data:"))["subject"]
                        seen.setdefault(subject, time.perf_counter())

        follower = asyncio.create_task(follow())
        await asyncio.wait_for(listening.wait(), timeout=30)
        await request(client)  # warm the path

        async def one() -> None:
            started = time.perf_counter()
            response = await request(client)
            if response.status_code >= 300:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
            answered[response.json()["id"]] = finished = time.perf_counter()
            latencies.append(finished - started)

        tasks: list[asyncio.Task[None]] = []
        begin = time.perf_counter()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, begin + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one()))
        await asyncio.gather(*tasks)
        deadline = time.perf_counter() + 60
        while any(i not in seen for i in answered) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
    missing = [i for i in answered if i not in seen]
    if missing:
        raise RuntimeError(f"{len(missing)} registrations never reached the live feed")
    return latencies, [seen[i] - answered[i] for i in answered]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def _clear_run(
    kafka: launcher.KafkaBroker, postgres: launcher.PostgresCluster, prefix: str, databases: list[str]
) -> None:
    """Drop the run's topics and databases. The benchmark broker had kept every run's topics
    (2,250 partition folders, 3.5 GB after a day of runs), and later runs measured a broker
    busier with them than the platform's own would be."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.profile.kafka_bootstrap)
    await admin.start()
    try:
        topics = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()
    for database in databases:
        postgres.drop_database(database)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make wrk` installs it (Debian's package)")
    profile = launcher.bench_profile()
    postgres = launcher.PostgresCluster(profile)
    kafka = launcher.KafkaBroker(profile)
    postgres.start()
    kafka.start()
    work = Path(tempfile.mkdtemp(prefix="sirbi-bench-gateway-"))
    write_key_pair(work / "keys")
    run_id = uuid.uuid4().hex[:6]
    common = {
        **os.environ,
        "SIRBI_KAFKA_BOOTSTRAP_SERVERS": profile.kafka_bootstrap,
        "SIRBI_KAFKA_TOPIC_PREFIX": f"g{run_id}.",
        "SIRBI_JWT_PUBLIC_KEY_FILE": str(work / "keys" / "jwt-public.pem"),
        "SIRBI_JWT_PRIVATE_KEY_FILE": str(work / "keys" / "jwt-private.pem"),
        "SIRBI_LOG_LEVEL": "WARNING",
    }
    ports = {service: _free_port() for service in SERVICES}
    urls = {service: f"http://127.0.0.1:{port}" for service, port in ports.items()}
    environments: dict[str, dict[str, str]] = {}
    for service in SERVICES:
        database = f"bench_{service}_{run_id}"
        postgres.ensure_database(database)
        prefix = f"SIRBI_{service.upper()}_"
        environments[service] = {
            **common,
            f"{prefix}DATABASE_URL": postgres.url(database),
            f"{prefix}PORT": str(ports[service]),
            f"{prefix}IMPORT_DIR": str(work / "imports" / service),
            **{f"SIRBI_{other.upper()}_URL": urls[other] for other in SERVICES if other != "gateway"},
        }
    # The limiter still counts every request; the budget is only set out of reach.
    environments["gateway"]["SIRBI_GATEWAY_API_LIMIT_PER_CLIENT"] = "10000000/minute"
    processes = [_start(service, environments[service]) for service in SERVICES]
    members, gateway = urls["members"], urls["gateway"]
    token = TokenIssuer((work / "keys" / "jwt-private.pem").read_bytes()).mint("bench", [Role.SECRETARIAT])
    auth = {"Authorization": f"Bearer {token}"}
    try:
        for url in urls.values():
            await _ready(url)

        def register_network() -> Request:
            async def post(client: httpx.AsyncClient) -> httpx.Response:
                body = {
                    "country": "PE",
                    "kind": "public",
                    "official_name": f"Red de bibliotecas {uuid.uuid4().hex}",
                    "governing_entity": "Biblioteca Nacional",
                    "status": "constituted",
                }
                return await client.post("/api/members/networks", json=body, headers=auth)

            return post

        direct_read = f"{members}/member-states/PE"
        gateway_read = f"{gateway}/api/members/member-states/PE"
        for url in (direct_read, gateway_read):  # warm both paths: pools, caches, prepared statements
            _closed_loop(url, "read.lua", args.concurrency, 2, token)
        reads: dict[str, list[float]] = {"direct": [], "gateway": []}
        one: dict[str, list[float]] = {"direct": [], "gateway": []}
        for _ in range(args.rounds):  # alternated, so drift in the machine hits both alike
            for side, url in (("direct", direct_read), ("gateway", gateway_read)):
                loaded = _closed_loop(url, "read.lua", args.concurrency, args.seconds, token)
                reads[side].append(loaded["rate"])
                one[side].append(_closed_loop(url, "read.lua", 1, args.seconds / 2, token)["p50"])
        direct_rate, gateway_rate = statistics.median(reads["direct"]), statistics.median(reads["gateway"])
        direct_one, gateway_one = statistics.median(one["direct"]), statistics.median(one["gateway"])
        # Latency at a steady rate first, on a platform at rest, rather than right after the
        # throughput rounds, whose events the consumers may still be working through.
        steady, propagation = await _propagation(
            gateway, register_network(), auth, args.write_rate, args.seconds
        )
        # Its baseline, on the same broker at the same rate: bare records produced and consumed.
        bare_topic = f"g{run_id}.bare"
        await ensure_topics(profile.kafka_bootstrap, [TopicSpec(bare_topic, 6, {"retention.ms": "3600000"})])
        bare = await bare_latency(profile.kafka_bootstrap, bare_topic, args.write_rate, args.seconds)
        writes: dict[str, dict[str, list[float]]] = {
            mix: {"direct": [], "gateway": []} for mix in WRITE_MIXES
        }
        write_urls = (("direct", f"{members}/networks"), ("gateway", f"{gateway}/api/members/networks"))
        for _ in range(args.rounds):  # alternated, as the reads
            for mix, script in WRITE_MIXES.items():
                for side, url in write_urls:
                    loaded = _closed_loop(url, script, args.write_concurrency, args.seconds, token)
                    writes[mix][side].append(loaded["rate"])
        if args.profile:
            # After the measured rounds, so sampling never touches a figure: one more round of
            # the mix through the gateway, with every service process sampled.
            pids = {service: process.pid for service, process in zip(SERVICES, processes, strict=True)}
            script = WRITE_MIXES["registrations and changes"]
            with profiling.sampled(pids, args.seconds, "gateway-mix") as outputs:
                _closed_loop(write_urls[1][1], script, args.write_concurrency, args.seconds, token)
            for service, output in outputs.items():
                print(f"-- profile of {service} ({output.relative_to(REPO)}):")
                print("\n".join(profiling.summary(output)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        await _clear_run(
            kafka, postgres, f"g{run_id}.", [f"bench_{service}_{run_id}" for service in SERVICES]
        )
    return {
        "reads_per_second": {"direct": round(direct_rate), "gateway": round(gateway_rate)},
        "read_throughput_ratio": round(gateway_rate / direct_rate, 3),
        "read_median_ms": {"direct": _ms(direct_one), "gateway": _ms(gateway_one)},
        "read_added_median_ms": _ms(gateway_one - direct_one),
        "writes": {
            mix: {
                "per_second_through_gateway": round(statistics.median(rates["gateway"])),
                "per_second_direct": round(statistics.median(rates["direct"])),
                "ratio": round(statistics.median(rates["gateway"]) / statistics.median(rates["direct"]), 3),
                "rounds_through_gateway": [round(r) for r in rates["gateway"]],
                "rounds_direct": [round(r) for r in rates["direct"]],
            }
            for mix, rates in writes.items()
        },
        "write_concurrency": args.write_concurrency,
        "steady_writes": {
            "rate_per_second": args.write_rate,
            "count": len(steady),
            "p50_ms": _ms(_percentile(steady, 0.50)),
            "p99_ms": _ms(_percentile(steady, 0.99)),
            "max_ms": _ms(max(steady)),
        },
        "propagation": {
            "rate_per_second": args.write_rate,
            "count": len(propagation),
            "p50_ms": _ms(_percentile(propagation, 0.50)),
            "p99_ms": _ms(_percentile(propagation, 0.99)),
            "bare_p50_ms": round(bare["p50"], 2),
            "bare_p99_ms": round(bare["p99"], 2),
        },
        "concurrency": args.concurrency,
        "seconds_per_measure": args.seconds,
    }


def record(figures: dict[str, Any], args: argparse.Namespace, seconds: float) -> BenchRun:
    """P1, P2 and P3 on the whole platform, as figures."""
    run = BenchRun(
        name="gateway",
        command=(
            f"python bench/gateway.py --seconds {args.seconds:g} --rounds {args.rounds} "
            f"--concurrency {args.concurrency} --write-concurrency {args.write_concurrency}"
        ),
        seconds=seconds,
    )
    reads, one = figures["reads_per_second"], figures["read_median_ms"]
    run.add(
        Figure(
            bar="P1",
            what=f"reads of a member state through the gateway, {args.concurrency} clients (wrk)",
            value=reads["gateway"],
            unit="reads/s",
            baseline_what="straight from the members service",
            baseline=reads["direct"],
            ratio=figures["read_throughput_ratio"],
            target="ratio ≥ 0.7",
            holds=figures["read_throughput_ratio"] >= 0.7,
        )
    )
    run.add(
        Figure(
            bar="P1",
            what="read latency through the gateway, one client, median",
            value=one["gateway"],
            unit="ms",
            baseline_what="straight from the service",
            baseline=one["direct"],
            ratio=round(one["gateway"] / one["direct"], 2),
            target=f"added ≤ 2 ms (added {figures['read_added_median_ms']} ms)",
            holds=figures["read_added_median_ms"] <= 2,
        )
    )
    for mix, rates in figures["writes"].items():
        run.add(
            Figure(
                bar="P2",
                what=f"writes through the gateway ({mix}), {args.write_concurrency} clients (wrk)",
                value=rates["per_second_through_gateway"],
                unit="writes/s",
                baseline_what="straight to the members service",
                baseline=rates["per_second_direct"],
                ratio=rates["ratio"],
                target="≥ 500 writes/s",
                holds=rates["per_second_through_gateway"] >= 500,
            )
        )
    steady = figures["steady_writes"]
    run.add(
        Figure(
            bar="P2",
            what=f"write latency through the gateway, steady {steady['rate_per_second']:.0f} writes/s, p99",
            value=steady["p99_ms"],
            unit="ms",
            baseline_what="the same writes' p50",
            baseline=steady["p50_ms"],
            ratio=round(steady["p99_ms"] / steady["p50_ms"], 2),
            target="≤ 50 ms",
            holds=steady["p99_ms"] <= 50,
        )
    )
    spread = figures["propagation"]
    for name, bar_ms in (("p50", 30.0), ("p99", 150.0)):
        run.add(
            Figure(
                bar="P3",
                what=(
                    f"a write's 2xx (members) -> its event on the gateway's live feed, {name}, "
                    f"at {spread['rate_per_second']:.0f} writes/s"
                ),
                value=spread[f"{name}_ms"],
                unit="ms",
                baseline_what="bare Kafka produce -> consume, same rate",
                baseline=spread[f"bare_{name}_ms"],
                ratio=round(spread[f"{name}_ms"] / spread[f"bare_{name}_ms"], 2),
                target=f"≤ {bar_ms:g} ms",
                holds=spread[f"{name}_ms"] <= bar_ms,
            )
        )
    run.notes.append(
        "The whole platform as under `make up` (four service processes, demo data, every consumer), "
        "on the bench profile's Kafka and PostgreSQL; closed loops from wrk, alternated between "
        "straight and through the gateway (medians of the rounds); the steady rate from the "
        "benchmark's own open loop (httpx), queueing included."
    )
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--write-concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--write-rate", type=float, default=100.0)
    parser.add_argument(
        "--profile", action="store_true", help="then sample every service with py-spy under the write mix"
    )
    args = parser.parse_args()
    started = time.monotonic()
    figures = asyncio.run(run(args))
    print(
        f"reads: {figures['reads_per_second']['gateway']:,}/s through the gateway vs "
        f"{figures['reads_per_second']['direct']:,}/s straight from the service "
        f"(ratio {figures['read_throughput_ratio']}, bar >= 0.7)"
    )
    print(
        f"read latency, one client: median {figures['read_median_ms']['gateway']} ms vs "
        f"{figures['read_median_ms']['direct']} ms (added {figures['read_added_median_ms']} ms, bar <= 2)"
    )
    for mix, rates in figures["writes"].items():
        print(
            f"writes ({mix}) through the gateway: {rates['per_second_through_gateway']:,}/s (bar >= 500) vs "
            f"{rates['per_second_direct']:,}/s straight to the service (ratio {rates['ratio']}; "
            f"rounds {rates['rounds_through_gateway']} vs {rates['rounds_direct']})"
        )
    steady = figures["steady_writes"]
    print(
        f"at {steady['rate_per_second']:.0f} writes/s for {figures['seconds_per_measure']:.0f} s: "
        f"p50 {steady['p50_ms']} ms, p99 {steady['p99_ms']} ms (bar <= 50), max {steady['max_ms']} ms"
    )
    spread = figures["propagation"]
    print(
        f"write 2xx -> the gateway's live feed at {spread['rate_per_second']:.0f}/s: "
        f"p50 {spread['p50_ms']} ms, p99 {spread['p99_ms']} ms (bars <= 30 / 150; "
        f"bare Kafka {spread['bare_p50_ms']} / {spread['bare_p99_ms']})"
    )
    out = record(figures, args, time.monotonic() - started).write()
    print(f"figures written to {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()

"""Directory import benchmark (P5): a generated national directory CSV imported through the
members service, until every library event has reached a consumer, beside PostgreSQL COPY of the
same rows in the same run; and, during that import, how long a member-state suspension takes to
reach a consumer of `sirbi.members.v1`.

    python bench/directory_import.py --rows 100000

The members service runs as its own process (`python -m sirbi_members serve`) on the launcher's
`bench` Kafka and PostgreSQL; the file goes over HTTP like `sirbi import-libraries` sends it.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "deploy" / "local"))

import launcher  # noqa: E402
from bench.figures import BenchRun, Figure  # noqa: E402
from sirbi_members.imports.csv_rows import HEADER  # noqa: E402
from sirbi_members.libraries.repository import row_values  # noqa: E402
from sirbi_members.libraries.schemas import LibraryFields  # noqa: E402
from sirbi_shared.auth import Role, TokenIssuer  # noqa: E402
from sirbi_shared.auth.tokens import write_key_pair  # noqa: E402
from sirbi_shared.inbox.consumer import FETCH_MAX_WAIT_MS, FETCH_MIN_BYTES  # noqa: E402

DEPARTMENTS = [
    "Lima",
    "Cusco",
    "Arequipa",
    "La Libertad",
    "Piura",
    "Junín",
    "Puno",
    "Loreto",
    "Áncash",
    "Cajamarca",
]


def generate_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            department = DEPARTMENTS[i % len(DEPARTMENTS)]
            writer.writerow(
                [
                    f"PE-B{i:07d}",
                    "",
                    f"Biblioteca Pública Municipal N.º {i}",
                    "school" if i % 3 == 0 else "public",
                    department,
                    f"Provincia {i % 97}",
                    f"Distrito {i % 1831}",
                    "",
                    f"Jr. Los Libros {i % 900}",
                    f"{-3.5 - (i % 1500) / 100:.4f}",
                    f"{-70.0 - (i % 1000) / 100:.4f}",
                    "open" if i % 11 else "temporarily_closed",
                    "internet_access;public_computers" if i % 2 else "digital_content",
                ]
            )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def copy_baseline(dsn: str, csv_path: Path) -> float:
    """COPY of the same rows (already converted to columns) into a table shaped like `libraries`."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        records = []
        for row in csv.DictReader(handle):
            fields = LibraryFields.model_validate(
                {
                    "isil": row["isil"],
                    "name": row["name"],
                    "type": row["type"],
                    "admin_levels": [row["admin_1"], row["admin_2"], row["admin_3"]],
                    "address": row["address"],
                    "coordinates": {"latitude": float(row["latitude"]), "longitude": float(row["longitude"])},
                    "status": row["status"],
                    "capabilities": row["capabilities"].split(";"),
                }
            )
            values = row_values("PE", fields)
            records.append((uuid.uuid4(), *values.values(), 1, datetime.now(UTC), datetime.now(UTC)))
    columns = ["id", *row_values("PE", fields).keys(), "version", "created_at", "updated_at"]
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "CREATE TABLE copy_baseline "
            "(LIKE libraries INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
        started = time.perf_counter()
        await connection.copy_records_to_table("copy_baseline", records=records, columns=columns)
        elapsed = time.perf_counter() - started
        await connection.execute("DROP TABLE copy_baseline")
        return len(records) / elapsed
    finally:
        await connection.close()


async def _count_library_events(bootstrap: str, topic: str, expected: int) -> float:
    """Consume the directory topic until `expected` registrations arrived; when (monotonic clock)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    seen = 0
    try:
        while seen < expected:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batches.values():
                seen += sum(1 for r in records if (REGISTERED_TYPE_HEADER in r.headers))
        return time.monotonic()
    finally:
        await consumer.stop()


def _count_in_own_process(bootstrap: str, topic: str, expected: int) -> float:
    # A process of its own, like any real consumer: decoding 100,000 records must not delay
    # the membership consumer whose latency this benchmark reports.
    return asyncio.run(_count_library_events(bootstrap, topic, expected))


REGISTERED_TYPE_HEADER = ("ce_type", b"org.sirbi.members.library.registered.v1")
_EVENT_OF = {"suspend": "suspended", "reinstate": "reinstated"}


async def _membership_latencies(
    client: httpx.AsyncClient, bootstrap: str, topic: str, auth: dict[str, str], job_url: str, rows: int
) -> list[float]:
    """Suspend and reinstate a member state again and again while the import runs; each time,
    milliseconds from the 2xx to the event at a consumer of the members topic."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-m-{uuid.uuid4().hex[:6]}",
        # As the platform's own consumers fetch.
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        fetch_min_bytes=FETCH_MIN_BYTES,
    )
    await consumer.start()
    latencies: list[float] = []
    try:
        while not consumer.assignment():
            await asyncio.sleep(0.05)
        await consumer.seek_to_end()
        command = "suspend"
        while (await client.get(job_url)).json()["rows_done"] < rows * 0.9:
            current = (await client.get("/member-states/CL")).headers["etag"]
            response = await client.post(
                f"/member-states/CL/{command}",
                json={"reason": "benchmark"} if command == "suspend" else None,
                headers={**auth, "If-Match": current},
            )
            answered = time.perf_counter()
            response.raise_for_status()
            expected = f"org.sirbi.members.memberstate.{_EVENT_OF[command]}.v1".encode()
            async for record in consumer:
                if dict(record.headers).get("ce_type") == expected:
                    latencies.append((time.perf_counter() - answered) * 1000)
                    break
            command = "reinstate" if command == "suspend" else "suspend"
            await asyncio.sleep(0.5)
        return latencies
    finally:
        await consumer.stop()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    profile = launcher.bench_profile()
    postgres, kafka = launcher.PostgresCluster(profile), launcher.KafkaBroker(profile)
    postgres.start()
    kafka.start()
    database = f"bench_members_{uuid.uuid4().hex[:6]}"
    postgres.ensure_database(database)
    work = Path(tempfile.mkdtemp(prefix="sirbi-bench-"))
    write_key_pair(work / "keys")
    prefix = f"b{uuid.uuid4().hex[:6]}."
    port = _free_port()
    env = {
        **os.environ,
        "SIRBI_MEMBERS_DATABASE_URL": postgres.url(database),
        "SIRBI_MEMBERS_PORT": str(port),
        "SIRBI_MEMBERS_IMPORT_DIR": str(work / "imports"),
        "SIRBI_KAFKA_BOOTSTRAP_SERVERS": profile.kafka_bootstrap,
        "SIRBI_KAFKA_TOPIC_PREFIX": prefix,
        "SIRBI_JWT_PUBLIC_KEY_FILE": str(work / "keys" / "jwt-public.pem"),
        "SIRBI_LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    for command in ("migrate", "seed"):
        subprocess.run([python, "-m", "sirbi_members", command], env=env, check=True, capture_output=True)
    service = subprocess.Popen([python, "-m", "sirbi_members", "serve"], env=env, stdout=subprocess.DEVNULL)
    csv_path = work / "directory-PE.csv"
    generate_csv(csv_path, args.rows)
    auth = {
        "Authorization": "Bearer "
        + TokenIssuer((work / "keys" / "jwt-private.pem").read_bytes()).mint("bench", [Role.SECRETARIAT])
    }
    counter_process = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            while True:
                try:
                    if (await client.get("/health/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
            copy_rate = await copy_baseline(postgres.url(database, driver="postgresql"), csv_path)
            print(f"PostgreSQL COPY of the same rows: {copy_rate:,.0f} rows/s", flush=True)

            counting = asyncio.get_running_loop().run_in_executor(
                counter_process,
                _count_in_own_process,
                profile.kafka_bootstrap,
                prefix + "sirbi.directory.v1",
                args.rows,
            )
            started = time.monotonic()
            response = await client.post(
                "/libraries/imports",
                params={"country": "PE", "file_name": csv_path.name},
                content=csv_path.read_bytes(),
                headers={**auth, "content-type": "text/csv"},
            )
            response.raise_for_status()
            job_id = response.json()["id"]
            while (await client.get(f"/libraries/imports/{job_id}")).json()["rows_done"] < args.rows // 10:
                await asyncio.sleep(0.05)
            latencies = await _membership_latencies(
                client,
                profile.kafka_bootstrap,
                prefix + "sirbi.members.v1",
                auth,
                f"/libraries/imports/{job_id}",
                args.rows,
            )
            finished_consuming = await asyncio.wait_for(counting, timeout=1800)
            job = (await client.get(f"/libraries/imports/{job_id}")).json()
        elapsed = finished_consuming - started
        rate = args.rows / elapsed
        print(
            f"import of {args.rows:,} rows, every event consumed: {elapsed:.1f} s = {rate:,.0f} rows/s "
            f"(ratio to COPY {rate / copy_rate:.3f}); "
            f"job: created {job['created']}, rejected {job['rejected']}"
        )
        print(
            f"member-state suspensions and reinstatements during the import ({len(latencies)}): "
            f"2xx -> consumer median {statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms"
        )
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": args.rows,
            "import_rows_per_s": round(rate),
            "copy_rows_per_s": round(copy_rate),
            "ratio_to_copy": round(rate / copy_rate, 3),
            "membership_event_to_consumer_ms": {
                "samples": len(latencies),
                "median": round(statistics.median(latencies), 1),
                "max": round(max(latencies), 1),
            },
        }
    finally:
        counter_process.shutdown(cancel_futures=True)
        service.terminate()
        service.wait(timeout=30)
        postgres.drop_database(database)
        if not args.keep_running:
            kafka.stop()
            postgres.stop()


def record(results: dict[str, Any], args: argparse.Namespace, seconds: float) -> BenchRun:
    run = BenchRun(
        name="directory_import",
        command=f"python bench/directory_import.py --rows {args.rows}",
        seconds=seconds,
    )
    run.add(
        Figure(
            bar="P5",
            what=f"directory import of {args.rows:,} CSV rows over HTTP, until every event is consumed",
            value=results["import_rows_per_s"],
            unit="rows/s",
            baseline_what="PostgreSQL COPY of the same rows",
            baseline=results["copy_rows_per_s"],
            ratio=results["ratio_to_copy"],
            target="≥ 5,000 rows/s",
            holds=results["import_rows_per_s"] >= 5_000,
        )
    )
    membership = results["membership_event_to_consumer_ms"]
    run.add(
        Figure(
            bar="P3",
            what=(
                "during the import: a membership change's 2xx -> its event at a consumer, "
                f"max of {membership['samples']}"
            ),
            value=membership["max"],
            unit="ms",
            target="≤ 150 ms",
            holds=membership["max"] <= 150,
        )
    )
    run.notes.append(
        "The members service alone (its own process); the clock stops when a plain Kafka consumer "
        "in a process of its own has every `library.registered` event. COPY loads the same rows, "
        "already converted to columns, into a table shaped like `libraries` with its indexes."
    )
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep-running", action="store_true")
    args = parser.parse_args()
    started = time.monotonic()
    results = asyncio.run(run(args))
    out = record(results, args, time.monotonic() - started).write()
    print(f"figures written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

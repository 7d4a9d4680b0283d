"""The `sirbi` command line. `sirbi import-libraries FILE --country PE` uploads a national
directory to the members service and follows its import job with progress bars: the upload
(bytes), then the import (rows done of total), then the counts and the rejected rows.

Authentication: `--token` or `SIRBI_TOKEN`. On a machine running `make up`, when neither is
given, it signs a short-lived secretariat token with the local platform's key
(`.run/dev/keys/jwt-private.pem`, or `SIRBI_JWT_PRIVATE_KEY_FILE`); production machines have no
such key.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from sirbi_shared.auth import Role, TokenIssuer

LOCAL_KEY = Path(".run/dev/keys/jwt-private.pem")
CHUNK = 256 * 1024

console = Console(stderr=True)


def _token(explicit: str | None) -> str:
    if explicit:
        return explicit
    key_file = Path(os.environ.get("SIRBI_JWT_PRIVATE_KEY_FILE", LOCAL_KEY))
    if not key_file.exists():
        raise SystemExit("no token: pass --token or set SIRBI_TOKEN (the gateway's sign-in gives one)")
    issuer = TokenIssuer(key_file.read_bytes())
    return issuer.mint(f"cli:{getpass.getuser()}", [Role.SECRETARIAT])


def _chunks(path: Path, progress: Progress, task: Any) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            progress.update(task, advance=len(chunk))
            yield chunk


def _fail(response: httpx.Response) -> int:
    try:
        problem = response.json()
        console.print(
            f"[red]{problem.get('title')}[/red] ({problem.get('code')}): {problem.get('detail', '')}"
        )
    except ValueError:
        console.print(f"[red]HTTP {response.status_code}[/red]: {response.text[:500]}")
    return 1


def import_libraries(file: Path, country: str, url: str, token: str, poll_interval: float = 0.5) -> int:
    if not file.is_file():
        console.print(f"[red]no such file:[/red] {file}")
        return 2
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    with httpx.Client(base_url=url, headers=headers, timeout=httpx.Timeout(60.0, connect=10.0)) as client:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            upload = progress.add_task("uploading", total=file.stat().st_size)
            response = client.post(
                "/libraries/imports",
                params={"country": country.upper(), "file_name": file.name},
                content=_chunks(file, progress, upload),
            )
        if response.status_code != 202:
            return _fail(response)
        job = response.json()
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            rows = progress.add_task("importing", total=None)
            while job["status"] in ("queued", "running"):
                time.sleep(poll_interval)
                polled = client.get(f"/libraries/imports/{job['id']}")
                if polled.status_code != 200:
                    return _fail(polled)
                job = polled.json()
                progress.update(rows, total=job["total_rows"], completed=job["rows_done"])
        return _report(client, job)


def _report(client: httpx.Client, job: dict[str, Any]) -> int:
    if job["status"] != "completed":
        console.print(f"[red]import {job['status']}[/red]: {job.get('error') or ''}")
        return 1
    table = Table(title=f"Directory import {job['id']} ({job['country']})")
    for column in ("rows", "created", "updated", "unchanged", "rejected"):
        table.add_column(column, justify="right")
    table.add_row(*(str(job[k]) for k in ("total_rows", "created", "updated", "unchanged", "rejected")))
    console.print(table)
    if job["rejected"]:
        report = client.get(f"/libraries/imports/{job['id']}/rejections", params={"limit": 20}).json()
        for rejection in report["items"]:
            console.print(f"  line {rejection['line']}: {rejection['reason']}")
        if report.get("next_cursor"):
            console.print(f"  … the whole report: GET /libraries/imports/{job['id']}/rejections")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sirbi", description="SIRBI platform command line")
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import-libraries", help="import a national library directory from CSV")
    importer.add_argument("file", type=Path, help="the directory CSV (UTF-8, header row first)")
    importer.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code of the member state")
    importer.add_argument(
        "--url",
        default=os.environ.get("SIRBI_MEMBERS_URL", "http://127.0.0.1:8001"),
        help="members service URL",
    )
    importer.add_argument(
        "--token", default=os.environ.get("SIRBI_TOKEN"), help="access token (or SIRBI_TOKEN)"
    )
    args = parser.parse_args(argv)
    try:
        return import_libraries(args.file, args.country, args.url, _token(args.token))
    except httpx.HTTPError as exc:
        console.print(f"[red]cannot reach {args.url}:[/red] {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())

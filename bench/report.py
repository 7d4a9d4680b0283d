"""Writes the figures of the last run of every benchmark (bench/results/*.json) into
docs/performance.md, between its `bench:begin` and `bench:end` markers: each figure with its
same-run baseline, the ratio and the bar, the machine they were measured on, and the command of
each benchmark. What lies outside the markers (the history of measurements, what changed and
why) is the team's own prose and is left as it is.

    python bench/report.py            # after `make bench`, or after running one benchmark
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "deploy" / "local"))

import launcher  # noqa: E402
from bench.figures import RESULTS, BenchRun, Figure, read  # noqa: E402

DOCUMENT = REPO / "docs" / "performance.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# The order benchmarks appear in (the suite's order); any other result follows.
ORDER = ("platform_start", "events", "gateway", "directory_import", "directory_scale", "scaling")


def _first_line(command: Sequence[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (
        (result.stdout or result.stderr).strip().splitlines()[0]
        if (result.stdout or result.stderr)
        else "unknown"
    )


def machine() -> str:
    """Cores, memory, processor and the versions the figures depend on."""
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    pg_bin = launcher.PostgresCluster.bin_dir()
    postgres = (
        _first_line([str(pg_bin / "postgres"), "--version"]) if pg_bin else "PostgreSQL (not installed)"
    )
    kafka = re.search(r"<kafka.version>([^<]+)<", launcher.KAFKA_POM.read_text())
    commit = _first_line(["git", "-C", str(REPO), "describe", "--always", "--dirty"])
    return (
        f"{os.cpu_count()} cores ({model}), {memory_kib / 1024 / 1024:.1f} GiB of memory, "
        f"Linux {platform.release()}; Python {platform.python_version()}, {postgres}, "
        f"Kafka {kafka.group(1) if kafka else 'unknown'}; commit {commit}"
    )


def _number(value: float, unit: str) -> str:
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def _row(figure: Figure) -> str:
    baseline = (
        f"{figure.baseline_what}: {_number(figure.baseline, figure.unit)}"
        if figure.baseline is not None and figure.baseline_what
        else "—"
    )
    ratio = f"{figure.ratio:.2f}" if figure.ratio is not None else "—"
    holds = {True: "✔", False: "✘ not met", None: ""}[figure.holds]
    target = f"{figure.target} {holds}".strip() or "—"
    measured = _number(figure.value, figure.unit)
    return f"| {figure.bar} | {figure.what} | {measured} | {baseline} | {ratio} | {target} |"


def section(runs: Sequence[BenchRun]) -> str:
    lines = [
        BEGIN,
        "## Latest `make bench`",
        "",
        "Written by `bench/report.py` from the last run of each benchmark; do not edit by hand.",
        "",
        f"Machine: {machine()}.",
        "",
        "| bar | figure | measured | baseline, same run | ratio | bar |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines += [_row(figure) for figure in run.figures]
    missed = [f for run in runs for f in run.figures if f.holds is False]
    if missed:
        lines += [
            "",
            "Not met in this run (what limits each: the notes below, and the measurements after them):",
        ]
        lines += [f"- {f.bar}, {f.what}: {_number(f.value, f.unit)}, against {f.target}" for f in missed]
    else:
        lines += ["", "Every bar with a threshold held in this run."]
    lines += ["", "| benchmark | command | ran at | took |", "|---|---|---|---|"]
    lines += [f"| {run.name} | `{run.command}` | {run.when} | {run.seconds:.0f} s |" for run in runs]
    for run in runs:
        if run.notes:
            lines += ["", f"**{run.name}**", *[f"- {note}" for note in run.notes]]
    lines.append(END)
    return "\n".join(lines)


def runs() -> list[BenchRun]:
    found = {path.stem: read(path) for path in sorted(RESULTS.glob("*.json"))}
    ordered = [found.pop(name) for name in ORDER if name in found]
    return ordered + list(found.values())


def rewrite(document: Path = DOCUMENT) -> None:
    text = document.read_text()
    generated = section(runs())
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: generated, text, flags=re.S)
    else:  # the first time: after the title and its introduction
        title, _, rest = text.partition("\n\n")
        introduction, _, history = rest.partition("\n\n")
        text = f"{title}\n\n{introduction}\n\n{generated}\n\n{history}"
    document.write_text(text)


if __name__ == "__main__":
    rewrite()
    print(f"figures written into {DOCUMENT.relative_to(REPO)}")

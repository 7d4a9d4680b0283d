"""`make bench`: every benchmark, one after the other on this machine, within a time budget, then
docs/performance.md rewritten with their figures (bench/report.py).

Each benchmark runs as its own process and records its figures in bench/results/<name>.json
(bench/figures.py). A benchmark's earlier figures are removed before it runs, so one that fails
or runs out of time shows as missing rather than as an old run; the suite then exits non-zero.

    python bench/suite.py                 # all of them
    python bench/suite.py gateway events  # some of them
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "deploy" / "local"))

import launcher  # noqa: E402
from bench import report  # noqa: E402
from bench.figures import RESULTS  # noqa: E402

# (name, arguments, most seconds it may take). Sized so the whole suite stays under 15 minutes on
# a 2-core machine: the start-up first, on a machine at rest; the longest last.
BENCHMARKS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("platform_start", (), 180),
    ("events", ("--events", "50000", "--rate", "100", "--seconds", "15"), 180),
    ("gateway", ("--seconds", "6", "--rounds", "2"), 300),
    ("directory_import", ("--rows", "100000"), 240),
    ("directory_scale", (), 240),
    ("scaling", (), 240),
)


def main(chosen: list[str]) -> int:
    unknown = set(chosen) - {name for name, _, _ in BENCHMARKS}
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(sorted(unknown))}")
    failed: list[str] = []
    suite_started = time.monotonic()
    # platform_start brings up a platform of its own on the bench ports: an earlier run's servers
    # must not hold them.
    launcher.down(launcher.bench_profile())
    for name, arguments, budget in BENCHMARKS:
        if chosen and name not in chosen:
            continue
        (RESULTS / f"{name}.json").unlink(missing_ok=True)
        print(f"== {name} (at most {budget} s)", flush=True)
        started = time.monotonic()
        try:
            command = [sys.executable, str(REPO / "bench" / f"{name}.py"), *arguments]
            completed = subprocess.run(command, check=False, cwd=REPO, timeout=budget)
        except subprocess.TimeoutExpired:
            print(f"!! {name} ran out of its {budget} s", flush=True)
            failed.append(name)
            continue
        if completed.returncode != 0 or not (RESULTS / f"{name}.json").exists():
            print(f"!! {name} failed (exit {completed.returncode})", flush=True)
            failed.append(name)
        print(f"== {name}: {time.monotonic() - started:.0f} s", flush=True)
    # The benchmarks share the bench profile's Kafka and PostgreSQL and leave them running for
    # the next one; nothing of the suite outlives it.
    launcher.down(launcher.bench_profile())
    report.rewrite()
    print(f"suite: {time.monotonic() - suite_started:.0f} s; figures in docs/performance.md", flush=True)
    if failed:
        print(f"no figures from: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Sampling profiles of the services while a benchmark loads them (py-spy, pinned in the dev
group): where each process spends its time, written to bench/results/profiles/ as collapsed
stacks (for any flame-graph viewer, e.g. speedscope) and summed up as the functions with the most
time, inclusive and on their own.

py-spy reads the processes from outside (ptrace) without pausing them (`--nonblocking`), so the
profiled run costs the services little; its figures are still not the benchmark's figures.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

PROFILES = Path(__file__).resolve().parent / "results" / "profiles"
PY_SPY = Path(sys.executable).parent / "py-spy"


@contextmanager
def sampled(pids: Mapping[str, int], seconds: float, label: str) -> Iterator[dict[str, Path]]:
    """Sample each process for `seconds` while the block runs; the block should last as long."""
    PROFILES.mkdir(parents=True, exist_ok=True)
    outputs = {name: PROFILES / f"{label}-{name}.txt" for name in pids}
    samplers = [
        subprocess.Popen(
            [
                str(PY_SPY), "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
                "--rate", "250", "--nonblocking", "--format", "raw", "--output", str(outputs[name]),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]  # fmt: skip
    try:
        yield outputs
    finally:
        for sampler in samplers:
            sampler.wait(timeout=seconds + 60)


def summary(collapsed: Path, top: int = 12) -> list[str]:
    """The functions with the most samples: inclusive (anywhere on the stack) and self (on top)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    if not total:
        return ["no samples"]

    def share(counter: Counter[str], heading: str) -> list[str]:
        return [heading] + [f"  {100 * n / total:5.1f}%  {frame}" for frame, n in counter.most_common(top)]

    # The event loop's own frames sit under every sample: the interesting ones are below them.
    for frame in [f for f, n in inclusive.items() if n == total]:
        del inclusive[frame]
    return [f"{total} samples", *share(inclusive, "inclusive:"), *share(own, "self:")]

"""The figures a benchmark records, in one shape for all of them, so `bench/report.py` can write
docs/performance.md from the last run of each.

A figure is what was measured, next to the baseline measured in the same run on the same machine
(these machines are noisy: the ratio is what compares between runs), and the bar it answers to
with whether it held. A benchmark writes its figures to `bench/results/<name>.json`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Figure:
    bar: str  # the quality bar's id (P1 … P6, or "scale")
    what: str  # what was measured, in words
    value: float
    unit: str  # "events/s", "ms", "MiB", …
    baseline_what: str | None = None  # the same-run baseline, in words
    baseline: float | None = None
    # value / baseline, or the reverse where that reads better; None without a baseline
    ratio: float | None = None
    target: str = ""  # the bar, in words: "≥ 10,000 events/s"
    holds: bool | None = None  # None: the bar is not a threshold on this figure


@dataclass
class BenchRun:
    name: str  # bench/results/<name>.json
    command: str  # how to run this benchmark alone
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a reader needs to read the figures
    seconds: float = 0.0  # how long the benchmark ran
    when: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def write(self) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{self.name}.json"
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n")
        return path


def read(path: Path) -> BenchRun:
    raw: dict[str, Any] = json.loads(path.read_text())
    figures = [Figure(**figure) for figure in raw.pop("figures")]
    return BenchRun(figures=figures, **raw)

"""The figures of one benchmark run, in the one shape `make bench` collects (bench/results.json, docs/benchmarks.md).

Every benchmark module's main() takes the same three options besides its own (`arguments(parser)`):
- `--scale N`: the size of its data set, in rows of its largest table (`make bench SCALE=N`); each module maps it
  to its own options (rows, drafts, approvals, waiters) and seeds or reuses its data at that size;
- `--quick`: a smoke run (`make test` runs every benchmark this way at SCALE=1000): the fewest repetitions and
  seconds that still give every figure; its numbers mean nothing;
- `--json PATH`: write the run's figures there.

A figure is a median and a p95 over the samples of repeated runs (a single measurement has both equal to it),
next to its baseline measured in the same run, and their ratio (figure / baseline: below 1 is faster for a
time, above 1 is more for a rate). Usage:

    figures = Figures("approvals_workbench", args)
    figures.add("queue page 1", samples_ms, unit="ms", baseline=stock_samples_ms, baseline_name="stock admin",
                target="< 60 ms", met=median(samples_ms) < 60)
    figures.write()
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import sys
from pathlib import Path


def arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--scale", type=int, help="rows of the data set's largest table (make bench SCALE=N)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewest repetitions, numbers mean nothing")
    parser.add_argument("--json", help="write the figures there (the shape of benchmarks/figures.py)")
    return parser


def summary(samples) -> dict | None:
    """median and p95 (nearest rank) of a list of numbers, or of one number; None for no sample."""
    if samples is None:
        return None
    values = sorted(float(value) for value in (samples if isinstance(samples, list | tuple) else [samples]))
    if not values:
        return None
    rank = max(1, math.ceil(0.95 * len(values)))
    return {"median": statistics.median(values), "p95": values[rank - 1], "runs": len(values)}


class Figures:
    def __init__(self, benchmark: str, args: argparse.Namespace | None = None, *, scale: dict | None = None):
        self.benchmark = benchmark
        self.path = getattr(args, "json", None)
        self.quick = bool(getattr(args, "quick", False))
        self.scale = {"scale": getattr(args, "scale", None), **(scale or {})}
        self.figures: list[dict] = []

    def add(self, figure: str, samples, *, unit: str, baseline=None, baseline_name: str | None = None,
            target: str | None = None, met: bool | None = None, note: str | None = None) -> dict:
        """One figure: `samples` (and `baseline`) are a number or a list of numbers from repeated runs."""
        own, base = summary(samples), summary(baseline)
        if met is None and own and target:
            met = target_met(target, own["median"])
        ratio = None
        if own and base and base["median"]:
            ratio = round(own["median"] / base["median"], 3)
        entry = {
            "figure": figure, "unit": unit,
            "median": own and own["median"], "p95": own and own["p95"], "runs": own and own["runs"],
            "baseline": base and {"name": baseline_name, "median": base["median"], "p95": base["p95"], "runs": base["runs"]},
            "ratio": ratio, "target": target, "met": met,
        }
        if note:
            entry["note"] = note
        self.figures.append(entry)
        return entry

    def add_rows(self, rows: dict, *, unit: str = "ms", baselines: dict[str, str] | None = None) -> None:
        """Figures from what a benchmark printed as rows: {name: (samples, target[, unit])}.

        `baselines` maps a row to the row that is its baseline (that row is not added on its own).
        """
        baselines = baselines or {}
        for name, (samples, target, *own_unit) in rows.items():
            if name in baselines.values():
                continue
            base = baselines.get(name)
            self.add(name, samples, unit=own_unit[0] if own_unit else unit, target=target or None,
                     baseline=rows[base][0] if base in rows else None, baseline_name=base)

    def write(self, path: str | None = None) -> None:
        path = path or self.path
        if not path:
            return
        out = {
            "benchmark": self.benchmark,
            "command": "python -m benchmarks." + self.benchmark + " " + " ".join(sys.argv[1:]),
            "machine": machine(),
            "postgresql": postgresql_version(),
            "scale": self.scale,
            "quick": self.quick,
            "figures": self.figures,
        }
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(out, indent=2, default=str) + "\n")


def target_met(target: str, median: float) -> bool | None:
    """Whether a median meets a target written as "< 20 ms", ">= 500", "≥ 10 items/s"; None if not of that form."""
    match = re.match(r"\s*(<=|>=|<|>|≤|≥)\s*([\d,.]+)", target)
    if not match:
        return None
    bound = float(match.group(2).replace(",", ""))
    return {"<": median < bound, "<=": median <= bound, "≤": median <= bound,
            ">": median > bound, ">=": median >= bound, "≥": median >= bound}[match.group(1)]


def machine() -> dict:
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        pass
    return {"cpus": os.cpu_count(), "memory_gib": memory, "platform": platform.platform(), "python": platform.python_version()}


def postgresql_version() -> str | None:
    url = os.environ.get("DATABASE_OWNER_URL")
    if not url:
        return None
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]

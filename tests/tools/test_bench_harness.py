"""`make bench` at a tiny scale, so the harness cannot rot: every benchmark of benchmarks/ runs and writes its figures.

The smoke run (SCALE=1000, --quick: the fewest repetitions that still give every figure; its numbers mean nothing)
goes against databases of its own, named after the test database (`<test db>_bench` and one per benchmark),
kept between runs like `make bench`'s: the first run migrates them, later runs reuse them. It writes into a
temporary copy of docs/benchmarks.md, which must keep its hand-written sections.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from benchmarks.harness import BEGIN, END, available
from tests.conftest import database_url

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def own_database(alias: str, name: str) -> str:
    return urlunsplit(urlsplit(database_url(settings.DATABASES[alias]))._replace(path="/" + name))


def test_make_bench_runs_every_benchmark_and_writes_each_figure_next_to_its_baseline(tmp_path):
    name = settings.DATABASES["owner"]["NAME"] + "_bench"
    results, doc = tmp_path / "results.json", tmp_path / "benchmarks.md"
    shutil.copy(BASE_DIR / "docs" / "benchmarks.md", doc)
    env = {**os.environ, "DATABASE_URL": own_database("default", name),
           "DATABASE_OWNER_URL": own_database("owner", name)}

    run = subprocess.run(
        [sys.executable, "-m", "tools.devstack", "bench", "--scale", "1000", "--quick", "--results", str(results),
         "--doc", str(doc)],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=900,
    )

    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    written = json.loads(results.read_text())
    assert set(written["benchmarks"]) == set(available())
    for benchmark, entry in written["benchmarks"].items():
        assert entry["status"] == "ok", benchmark
        assert entry["postgresql"] and entry["machine"]["cpus"] and entry["scale"]["scale"] == 1000
        assert entry["figures"], f"{benchmark} wrote no figure"
        for figure in entry["figures"]:
            assert {"median", "p95", "baseline", "ratio", "unit"} <= figure.keys(), (benchmark, figure)
            assert figure["median"] is not None, (benchmark, figure["figure"])
    figures = {f["figure"]: f for f in written["benchmarks"]["approvals_workbench"]["figures"]}
    assert figures["CPU ms per decision, web workers"]["median"] > 0  # next to decisions/s
    assert figures["queue (pending, oldest first), page 1"]["baseline"]["name"] == "stock Django admin"
    text = doc.read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    # the hand-written history is kept below the generated section
    assert "## Row-level security overhead on 1M facts" in text and text.index(END) < text.index("## Row-level")
    assert "| approvals_workbench |" in text

"""A smoke run of the waiting-agents benchmark (20 waiters, both servers) so its harness cannot rot."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import celery_env

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_waiting_agents_benchmark_runs_both_servers_and_writes_each_figure_next_to_its_baseline(tmp_path):
    results = tmp_path / "results.json"
    command = [
        sys.executable, "-m", "benchmarks.waiting_agents", "--waiters", "20", "--page-requests", "2",
        "--decide-rate", "50", "--settle", "15", "--json", str(results),
    ]
    run = subprocess.run(command, env=celery_env("unused"), cwd=BASE_DIR, capture_output=True, text=True, timeout=400)

    assert run.returncode == 0, run.stderr[-3000:]
    written = json.loads(results.read_text())
    assert written["postgresql"] and written["scale"]["waiters"] == 20 and written["machine"]["cpus"]
    figures = {figure["figure"]: figure for figure in written["figures"]}
    assert figures["waiters held"]["median"] == 20
    assert figures["failed waits (5xx, cut off)"]["median"] == 0
    assert figures["waiters answered within 1 s of the decision"]["median"] == 20
    assert figures["wake-up latency (decision to answer)"]["runs"] == 20
    # the old server was measured in the same run
    assert figures["waiters answered within 1 s of the decision"]["baseline"]["name"] == "old WSGI line"

"""The workbench benchmark's data set is built from a run state the real SDK wrote: the file must be there."""

import json

from benchmarks.approvals_workbench import RUN_STATE_FIXTURE, state_template


def test_the_workbench_benchmark_finds_the_run_state_it_loads():
    assert RUN_STATE_FIXTURE.is_file()
    assert json.loads(state_template())["current_agent"]

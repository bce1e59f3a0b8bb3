# The two README commands: `make demo` and `make test`. Both create or update .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo serve test fuzz lint bench dbhealth venv stop clean system-packages manage demo-reset

demo: venv
	$(PY) -m tools.devstack demo

# The production web server (README's line) on HOTDASH_ADDR, against DATABASE_URL / REDIS_URL.
serve: venv
	$(PY) -m tools.devstack serve

test: lint system-packages
	$(PY) -m tools.devstack test $(PYTEST_ARGS)

# The fuzz test of `make test` at full strength: FUZZ_EXAMPLES per operation and role, every phase (docs/fuzzing.md).
FUZZ_EXAMPLES ?= 400
fuzz: venv
	HOTDASH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) HOTDASH_FUZZ_PHASES=examples,coverage,fuzzing \
		$(PY) -m tools.devstack test -q -p no:cacheprovider -s tests/fuzz/test_api_fuzz.py

# ruff, configured in pyproject.toml; `make test` runs it first.
lint: venv
	$(VENV)/bin/ruff check .

# make bench [SCALE=1000000] [BENCH=a,b] [QUICK=1]: every benchmark of benchmarks/ (or a and b) at one scale, on a
# database of its own; a table, bench/results.json and the generated section of docs/benchmarks.md.
# make bench BENCH="rls_overhead --rows 1000000": one benchmark with its own options (figures printed only).
SCALE ?=
QUICK ?=
bench: venv system-packages
	$(PY) -m tools.devstack bench $(if $(SCALE),--scale $(SCALE)) $(if $(QUICK),--quick) $(BENCH)

# make dbhealth DBHEALTH="--fail-on critical": the health report of a freshly migrated database (CI runs it).
dbhealth: venv
	$(PY) -m tools.devstack dbhealth $(DBHEALTH)

stop: venv
	$(PY) -m tools.devstack stop

# While `make demo` runs: manage.py with its environment (kept in HOTDASH_DATA_DIR/demo.env), for example
#   make manage ARGS="issue_token --role ingest --client agent-platform"
# The recipe is silent, so `$$(make -s manage ARGS=...)` captures the command's own output only.
manage: venv
	@$(PY) -m tools.devstack manage $(ARGS)

# While `make demo` runs: clear the demo's agent data and load the scenarios again (a full queue).
demo-reset: venv
	$(PY) -m tools.devstack manage seed_demo --reset

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[embedded,test]'
	touch $(STAMP)

# Debian packages the suite drives: chromium (browser tests; Playwright cannot download a browser here) and
# PgBouncer (the pooled-connection tests, transaction pooling), wrk (the benchmarks' concurrent operators, and
# the bench smoke run of `make test`). Installing them needs root; one apt-get update.
system-packages:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -x /usr/sbin/pgbouncer || missing="$$missing pgbouncer"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then apt-get update -q && apt-get install -y -q $$missing; fi

clean:
	rm -rf $(VENV)

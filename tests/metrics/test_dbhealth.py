"""The database health report, each check against a real defect made on purpose in the test database.

The report runs on the suite's `default` connection, which is the runtime role hotdash_app (as in
production): RLS is judged from that role's session, never a superuser's. Defects in the schema are made
through the owner connection, in transactional tests so the report's transaction is over before they are
dropped again.
"""

import io
import json
import time
from datetime import timedelta

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from hotdash.db_context import Role, acting_as
from metrics.dbhealth import connections as connections_section
from metrics.dbhealth import query_audit
from metrics.dbhealth.report import BAD_ARGUMENTS, Level, exit_status
from metrics.dbhealth.sections import SECTIONS, report_build
from metrics.models import Fact
from tests.conftest import database_url, owner_connect

FINDING_KEYS = {"check", "level", "object", "detail", "remediation"}


def findings(report, section: str, check: str | None = None) -> list:
    (found,) = [s for s in report.sections if s.name == section]
    return [f for f in found.findings if check is None or f.check == check]


@pytest.fixture
def owner_ddl():
    """Run DDL as the owner (autocommit); whatever was created is dropped after the test."""
    undo = []

    def run(sql: str, drop: str) -> None:
        with owner_connect(autocommit=True) as owner:
            owner.execute(sql)
        undo.append(drop)

    yield run
    with owner_connect(autocommit=True) as owner:
        for statement in reversed(undo):
            owner.execute(statement)


def test_the_report_reads_the_schema_as_the_runtime_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")
        assert cursor.fetchone() == ("hotdash_app",)

    report = report_build(["rls"])

    (runtime,) = findings(report, "rls", "runtime role")
    assert (runtime.level, runtime.object) == (Level.OK, "hotdash_app")


@pytest.mark.django_db(transaction=True)
def test_a_table_created_without_row_level_security_makes_the_report_critical(owner_ddl):
    owner_ddl("CREATE TABLE dbhealth_probe_open (id bigint PRIMARY KEY, secret text)", "DROP TABLE dbhealth_probe_open")

    report = report_build(["rls"])

    problems = {
        (f.check, f.level) for f in findings(report, "rls") if f.object == "dbhealth_probe_open" and f.level != Level.OK
    }
    assert problems == {("rls enabled", Level.CRITICAL), ("rls forced", Level.CRITICAL), ("policies", Level.CRITICAL)}
    assert exit_status(report.summary(), Level.CRITICAL) == 2


@pytest.mark.django_db(transaction=True)
def test_a_policy_calling_current_setting_per_row_is_flagged(owner_ddl):
    owner_ddl(
        "CREATE TABLE dbhealth_probe_rowwise (id bigint PRIMARY KEY, project text);"
        " ALTER TABLE dbhealth_probe_rowwise ENABLE ROW LEVEL SECURITY;"
        " ALTER TABLE dbhealth_probe_rowwise FORCE ROW LEVEL SECURITY;"
        " CREATE POLICY dbhealth_probe_rowwise_service ON dbhealth_probe_rowwise FOR ALL TO hotdash_service"
        "  USING (true) WITH CHECK (true);"
        " CREATE POLICY dbhealth_probe_rowwise_tenant ON dbhealth_probe_rowwise FOR SELECT TO hotdash_tenant"
        "  USING (project = current_setting('app.current_project', true))",
        "DROP TABLE dbhealth_probe_rowwise",
    )

    report = report_build(["rls"])

    flagged = [f.object for f in findings(report, "rls", "setting per row")]
    assert flagged == ["dbhealth_probe_rowwise.dbhealth_probe_rowwise_tenant"]  # the schema's own policies pass


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_index_is_found(owner_ddl):
    owner_ddl("CREATE INDEX dbhealth_probe_dup ON facts (topic, key)", "DROP INDEX dbhealth_probe_dup")

    report = report_build(["indexes"])

    duplicates = findings(report, "indexes", "duplicate")
    assert [(f.object, f.level) for f in duplicates] == [("dbhealth_probe_dup", Level.WARNING)]
    assert "facts_topic_key_idx" in duplicates[0].detail


def index_scans(name: str) -> int:
    with owner_connect() as owner:
        row = owner.execute("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = %s", [name]).fetchone()
    return row[0]


@pytest.mark.django_db(transaction=True)
def test_an_index_nobody_uses_is_listed_as_unused_once_statistics_say_so(owner_ddl):
    # given two indexes above the size floor on a table of 40k rows; a query uses one of them
    owner_ddl(
        "CREATE TABLE dbhealth_probe_big (id bigint PRIMARY KEY, a text, b text);"
        " INSERT INTO dbhealth_probe_big SELECT n, md5(n::text), md5((n + 1)::text) FROM generate_series(1, 40000) n;"
        " CREATE INDEX dbhealth_probe_big_a ON dbhealth_probe_big (a);"
        " CREATE INDEX dbhealth_probe_big_b ON dbhealth_probe_big (b); ANALYZE dbhealth_probe_big",
        "DROP TABLE dbhealth_probe_big",
    )
    with owner_connect(autocommit=True) as owner:
        owner.execute("SELECT count(*) FROM dbhealth_probe_big WHERE a = md5('7')")
    deadline = time.monotonic() + 10
    while index_scans("dbhealth_probe_big_a") == 0 and time.monotonic() < deadline:
        time.sleep(0.2)  # a backend reports its statistics when it ends or goes idle
    assert index_scans("dbhealth_probe_big_a") > 0

    report = report_build(["indexes"])

    unused = findings(report, "indexes", "unused")
    assert [(f.object, f.level) for f in unused] == [("dbhealth_probe_big_b", Level.WARNING)]
    assert "statistics" in unused[0].detail  # how old the evidence is, stated
    # an index of an empty table is unused too, and below the floor: inventory only
    assert "agent_run_conv_idx" not in {f.object for f in unused}


def test_a_query_slowed_on_purpose_crosses_the_thresholds_under_its_own_role_and_tenant(db):
    def slow(seconds: float) -> query_audit.NamedQuery:
        return query_audit.NamedQuery(
            f"facts, {seconds} s", Role.TENANT, lambda s: {"project": "occ"},
            lambda s: (f"SELECT pg_sleep({seconds}), current_user, count(*) FROM facts", []),  # noqa: S608
        )

    with acting_as(Role.SERVICE):
        section = query_audit.section([slow(0.0), slow(0.08), slow(0.25)])

    levels = [f.level for f in section.findings if f.check == "explain analyze"]
    assert levels == [Level.OK, Level.WARNING, Level.CRITICAL]
    assert all("as tenant project=occ" in f.detail for f in section.findings)


def test_the_query_audit_rolls_back_what_a_query_did(db):
    writes = query_audit.NamedQuery(
        "a write", Role.TENANT, lambda s: {"project": "occ"},
        lambda s: ("INSERT INTO facts (project, topic, key, value) VALUES ('occ', 't', 'k', '1')", []),
    )

    with acting_as(Role.SERVICE):
        section = query_audit.section([writes])
        assert Fact.objects.count() == 0

    assert [f.level for f in section.findings] == [Level.OK]


def test_the_named_queries_run_under_the_roles_that_run_them(db):
    report = report_build(["query_audit"])

    by_name = {f.object: f for f in findings(report, "query_audit")}
    assert set(by_name) == {q.name for q in query_audit.NAMED_QUERIES}
    assert by_name["decision_sync_events by scope"].detail.startswith("as tenant scope=")
    assert by_name["feedback by annotator"].detail.startswith("as annotator")
    assert "dsel_scope_created_idx" in by_name["decision_sync_events by scope"].detail
    # the migration populates the dashboard's materialized views: each one is read on a fresh database
    for name in ("dashboard: daily agent metrics over 30 days", "dashboard: agent performance snapshot",
                 "dashboard: data-quality violations"):
        assert "not been populated" not in by_name[name].detail, name


def test_a_transaction_left_idle_is_reported(db):
    runtime_url = database_url(connection.settings_dict)
    with psycopg.connect(runtime_url) as idle:
        idle.execute("SELECT 1")  # opens a transaction and leaves it open
        pid = idle.info.backend_pid
        time.sleep(1.2)

        with acting_as(Role.SERVICE):
            warned = connections_section.section(idle_warning=1, idle_critical=60)
            critical = connections_section.section(idle_warning=0.1, idle_critical=1)

    def idle_levels(section) -> list[Level]:
        return [f.level for f in section.findings if f.check == "idle in transaction" and f.object == f"pid {pid} (hotdash_app)"]

    assert idle_levels(warned) == [Level.WARNING]
    assert idle_levels(critical) == [Level.CRITICAL]
    # the service role sees every role's sessions (pg_read_all_stats, granted by the migration)
    assert [f.level for f in warned.findings if f.check == "sessions"] == [Level.OK]


def test_a_periodic_task_that_has_not_run_on_schedule_is_flagged(db):
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    now = timezone.now()
    PeriodicTask.objects.create(name="probe on time", task="x.on_time", interval=hourly, last_run_at=now - timedelta(minutes=50))
    PeriodicTask.objects.create(name="probe late", task="x.late", interval=hourly, last_run_at=now - timedelta(minutes=75))
    PeriodicTask.objects.create(name="probe stopped", task="x.stopped", interval=hourly, last_run_at=now - timedelta(hours=5))

    report = report_build(["schedules"])

    levels = {f.object: f.level for f in findings(report, "schedules", "beat job")}
    assert (levels["probe on time"], levels["probe late"], levels["probe stopped"]) == (
        Level.OK, Level.WARNING, Level.CRITICAL,
    )
    # the migrations installed the report's own daily job
    assert "Database health report" in levels


def test_the_json_shape_is_stable(db):
    out = io.StringIO()

    call_command("dbhealth", "--format", "json", stdout=out)

    report = json.loads(out.getvalue())
    assert set(report) == {"generated_at", "database", "summary", "sections"}
    assert set(report["summary"]) == {"ok", "warning", "critical"}
    assert [s["name"] for s in report["sections"]] == [
        "migrations", "rls", "indexes", "tables", "query_audit", "schedules", "connections", "statements",
    ]
    for section in report["sections"]:
        assert set(section) == {"name", "findings"}
        assert section["findings"], f"{section['name']} reported nothing"
        for finding in section["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["level"] in {"ok", "warning", "critical"}
            assert all(isinstance(finding[key], str) for key in FINDING_KEYS)
    levels = [f["level"] for s in report["sections"] for f in s["findings"]]
    assert report["summary"] == {level: levels.count(level) for level in ("ok", "warning", "critical")}
    # every section ran to the end on the migrated test database
    assert [f for s in report["sections"] for f in s["findings"] if f["check"] == "section failed"] == []


def test_the_markdown_form_is_a_summary_then_the_sections(db):
    out = io.StringIO()

    call_command("dbhealth", "--section", "migrations", "--section", "rls", stdout=out)

    text = out.getvalue()
    assert text.startswith("# Database Health & Optimization Report\n")
    assert text.index("## Summary") < text.index("## 1. Migrations") < text.index("## 2. Row-level security")


@pytest.mark.parametrize(
    ("summary", "fail_on", "status"),
    [
        ({"ok": 3, "warning": 0, "critical": 0}, Level.CRITICAL, 0),
        ({"ok": 3, "warning": 2, "critical": 0}, Level.CRITICAL, 0),
        ({"ok": 3, "warning": 2, "critical": 0}, Level.WARNING, 1),
        ({"ok": 3, "warning": 2, "critical": 1}, Level.WARNING, 2),
        ({"ok": 3, "warning": 0, "critical": 1}, Level.CRITICAL, 2),
    ],
)
def test_exit_status_follows_fail_on(summary, fail_on, status):
    assert exit_status(summary, fail_on) == status


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_with_the_status_of_what_it_found(owner_ddl):
    call_command("dbhealth", "--section", "migrations", stdout=io.StringIO())  # nothing found: returns
    owner_ddl("CREATE INDEX dbhealth_probe_dup ON facts (topic, key)", "DROP INDEX dbhealth_probe_dup")

    call_command("dbhealth", "--section", "indexes", stdout=io.StringIO())  # a warning, --fail-on critical
    with pytest.raises(SystemExit) as warned:
        call_command("dbhealth", "--section", "indexes", "--fail-on", "warning", stdout=io.StringIO())
    assert warned.value.code == 1

    owner_ddl("CREATE TABLE dbhealth_probe_open (id bigint)", "DROP TABLE dbhealth_probe_open")
    with pytest.raises(SystemExit) as failed:
        call_command("dbhealth", "--section", "rls", stdout=io.StringIO())
    assert failed.value.code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "--format must be one of md, json, not 'xml'"),
        (["--fail-on", "ok"], "--fail-on must be one of warning, critical, not 'ok'"),
        (["--section", "vacuum"], "--section 'vacuum' is not a section; expected one of migrations, rls,"),
    ],
)
def test_a_bad_argument_is_one_readable_line_and_its_own_exit_status(args, message):
    with pytest.raises(CommandError) as error:
        call_command("dbhealth", *args)

    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert error.value.returncode == BAD_ARGUMENTS


def test_every_section_is_reachable_by_name():
    assert list(SECTIONS) == [
        "migrations", "rls", "indexes", "tables", "query_audit", "schedules", "connections", "statements",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_policy_that_lets_a_tenant_read_other_tenants_rows_is_critical(owner_ddl):
    # given a table whose tenant policy forgot the tenant column, and one row of some tenant
    owner_ddl(
        "CREATE TABLE dbhealth_probe_leak (id bigint PRIMARY KEY, project text);"
        " ALTER TABLE dbhealth_probe_leak ENABLE ROW LEVEL SECURITY;"
        " ALTER TABLE dbhealth_probe_leak FORCE ROW LEVEL SECURITY;"
        " GRANT SELECT ON dbhealth_probe_leak TO hotdash_tenant, hotdash_service;"
        " CREATE POLICY dbhealth_probe_leak_service ON dbhealth_probe_leak FOR ALL TO hotdash_service USING (true);"
        " CREATE POLICY dbhealth_probe_leak_tenant ON dbhealth_probe_leak FOR SELECT TO hotdash_tenant USING (true);"
        " INSERT INTO dbhealth_probe_leak VALUES (1, 'occ')",
        "DROP TABLE dbhealth_probe_leak",
    )

    report = report_build(["rls"])

    isolation = {f.object: f.level for f in findings(report, "rls", "tenant isolation")}
    assert isolation["dbhealth_probe_leak"] == Level.CRITICAL
    assert isolation["facts"] == Level.OK
    assert [f.object for f in findings(report, "rls", "fail closed")] == []


@pytest.mark.django_db(transaction=True)
def test_a_table_the_runtime_role_reads_without_a_role_is_critical(owner_ddl):
    owner_ddl(
        "CREATE TABLE dbhealth_probe_granted (id bigint PRIMARY KEY); GRANT SELECT ON dbhealth_probe_granted TO PUBLIC",
        "DROP TABLE dbhealth_probe_granted",
    )

    report = report_build(["rls"])

    assert [f.object for f in findings(report, "rls", "fail closed")] == ["dbhealth_probe_granted"]
    (runtime,) = [f for f in findings(report, "rls", "runtime role") if f.level == Level.CRITICAL]
    assert "holds privileges on dbhealth_probe_granted" in runtime.detail


def test_dangerous_operations_of_a_migration_are_named():
    from django.db import migrations, models

    from metrics.dbhealth.migrations import operation_dangers

    assert operation_dangers(migrations.AddField("fact", "weight", models.IntegerField())) == [
        "adds NOT NULL column weight without a default",
    ]
    assert operation_dangers(migrations.AddField("fact", "weight", models.IntegerField(db_default=0))) == []
    assert operation_dangers(migrations.AddField("fact", "weight", models.IntegerField(null=True))) == []
    assert operation_dangers(migrations.RemoveField("fact", "key")) == ["drops key: running code still reads it"]
    assert operation_dangers(migrations.RenameField("fact", "key", "name")) == [
        "renames: running code still uses the old name",
    ]
    assert operation_dangers(migrations.RunSQL("CREATE INDEX facts_x ON facts (key)")) == [
        "creates an index without CONCURRENTLY",
    ]
    assert operation_dangers(migrations.RunSQL("CREATE INDEX CONCURRENTLY facts_x ON facts (key)")) == []

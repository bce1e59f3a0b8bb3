"""The tables that backups, restores and retention know, in the order their foreign keys need.

A restore inserts parents before children (an approval before its audit row and lease, a run before its
checks); retention deletes children first. Any other table name is refused as bad input.
"""

from dataclasses import dataclass

from psycopg import sql


@dataclass(frozen=True)
class TableSpec:
    name: str
    key: str  # the primary key: restore skips rows whose key already exists


# Parents before children.
TABLES: tuple[TableSpec, ...] = (
    TableSpec("support_curated_replies", "id"),
    TableSpec("agent_feedback", "id"),
    TableSpec("feedback_annotations", "id"),
    TableSpec("annotation_reviews", "id"),
    TableSpec("annotation_rework", "id"),
    TableSpec("annotation_leases", "feedback_id"),
    TableSpec("annotation_skips", "id"),
    TableSpec("agent_approvals", "id"),
    TableSpec("approval_decisions", "id"),
    TableSpec("approval_leases", "approval_id"),
    TableSpec("agent_queries", "id"),
    TableSpec("agent_run", "id"),
    TableSpec("agent_qc", "id"),
    TableSpec("facts", "id"),
    TableSpec("decision_sync_event_logs", "id"),
    TableSpec("observability_logs", "id"),
)
BY_NAME = {spec.name: spec for spec in TABLES}

# What `backup` copies when no --tables are given: the agent tables and the gold set. The append-only
# facts and logs are large and mostly re-derivable, so they are an option.
DEFAULT_BACKUP_TABLES = (
    "support_curated_replies",
    "agent_feedback",
    "agent_approvals",
    "approval_decisions",
    "agent_queries",
    "agent_run",
    "agent_qc",
)
OPTIONAL_BACKUP_TABLES = ("facts", "decision_sync_event_logs", "observability_logs", "approval_leases")

# Rows that point at a table's rows without a cascading foreign key: (child table, its column pointing at id).
# Retention and purges back them up and delete them before their parents.
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    # The annotator's workbench: deleted in this order (a rework names its review, a review its annotation).
    "agent_feedback": (
        ("annotation_rework", "feedback_id"),
        ("annotation_reviews", "feedback_id"),
        ("feedback_annotations", "feedback_id"),
        ("annotation_leases", "feedback_id"),
        ("annotation_skips", "feedback_id"),
    ),
    "agent_approvals": (("approval_leases", "approval_id"), ("approval_decisions", "approval_id")),
    "agent_run": (("agent_qc", "run_id"),),
}

# What a manual purge deletes for one conversation (the gold set is curated, and not purged with it).
PURGE_TABLES = ("agent_feedback", "agent_approvals", "agent_queries", "agent_run")

# The apps whose migrations decide the shape of these tables (recorded in every manifest).
SCHEMA_APPS = ("hotdash", "approvals", "feedback", "metrics")


def tables_check(names) -> list[str]:
    """The names in dependency order; ValueError naming the first unknown one."""
    names = list(dict.fromkeys(names))
    for name in names:
        if name not in BY_NAME:
            raise ValueError(f"unknown table {name!r}; expected one of {', '.join(BY_NAME)}")
    return [spec.name for spec in TABLES if spec.name in names]


def column_list(columns: list[list[str]]) -> sql.Composable:
    """`a, b, c` for the [[name, type], ...] of a manifest or of table_columns()."""
    return sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns)

"""Seeding the scenarios: `demo_data_seed()`, and clearing them for a fresh start: `demo_data_clear()`.
Both run as the service role.

It writes the scenarios of the production report (section 12): the label vocabulary, the approval queue,
annotated drafts, query logs, facts, decision events, logs, agent runs and one gold reply. It is idempotent:
every row has a natural key (name, call_id, conversation + text, (project, topic, key), run_id, ...) and a row whose key is already there is counted
as found and left alone. facts and the two logs are append-only, so "already there" is checked, never updated.
An advisory lock keeps two concurrent seeds from inserting the same rows twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from psycopg import sql

from approvals.models import AgentApproval, ApprovalStatus, DecisionChannel
from approvals.sdk_state import run_state_read
from approvals.services import approval_decide, approvals_expire
from demo.scenarios import (
    APPROVAL_SCENARIOS,
    APPROVAL_TTL,
    DECISION_EVENT_SCENARIOS,
    FACT_SCENARIOS,
    FEEDBACK_SCENARIOS,
    GOLD_REPLY_MESSAGE_ID,
    GOLD_REPLY_SOURCE,
    GOLD_REPLY_TAGS,
    LABEL_VOCABULARY,
    LOG_SCENARIOS,
    QUERY_SCENARIOS,
    RUN_SCENARIOS,
    ApprovalScenario,
    FeedbackScenario,
)
from feedback.models import AgentFeedback, AnnotationLabel, AnnotationState, SupportCuratedReply
from metrics.models import (
    AgentQC,
    AgentQuery,
    AgentRun,
    DecisionSyncEventLog,
    Fact,
    ObservabilityLog,
)

# --------------------------------------------------------------------------------------------------------------
# Seeding the scenarios
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSeed:
    created: int = 0
    found: int = 0


@dataclass(frozen=True)
class SeedReport:
    tables: dict[str, TableSeed]

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tables.values())

    @property
    def found(self) -> int:
        return sum(t.found for t in self.tables.values())


def _insert_missing(model: type[models.Model], objects: list[models.Model], key: tuple[str, ...]) -> TableSeed:
    """Insert the objects whose natural key is not in the table yet; count the others as found."""
    if not objects:
        return TableSeed()
    keys = [tuple(getattr(obj, name) for name in key) for obj in objects]
    present = set(
        model.objects.filter(reduce(or_, (Q(**dict(zip(key, values, strict=True))) for values in keys))).values_list(*key)
    )
    missing = [obj for obj, values in zip(objects, keys, strict=True) if values not in present]
    model.objects.bulk_create(missing)
    return TableSeed(created=len(missing), found=len(objects) - len(missing))


def _approval(scenario: ApprovalScenario, now: datetime) -> AgentApproval:
    """The approval as the agent queued it: pending. Decisions are made afterwards, by the services."""
    state = scenario.state()
    summary = run_state_read(state)
    created_at = now - scenario.age
    return AgentApproval(
        conversation_id=scenario.conversation_id,
        serialized=state,
        last_interruptions=[item.as_json() for item in summary.interruptions],
        schema_version=summary.schema_version,
        expires_at=created_at + APPROVAL_TTL,
        call_id=summary.call_key,
        created_at=created_at,
        updated_at=created_at,
    )


def _decisions_replay() -> TableSeed:
    """Decide and expire the decided scenarios through approvals.services, at the time each happened.

    So the demo's history is what real decisions leave: the row's decision, its audit entry (Approval
    decisions, the item page) and the wake-up for waiting agents. Scenarios decided already are left alone.
    """
    call_keys = {run_state_read(s.state()).call_key: s for s in APPROVAL_SCENARIOS if s.status != ApprovalStatus.PENDING}
    created = 0
    for approval in AgentApproval.objects.defer("serialized").filter(call_id__in=call_keys, status=ApprovalStatus.PENDING):
        scenario = call_keys[approval.call_id]
        if scenario.status == ApprovalStatus.EXPIRED:
            approvals_expire(approval_ids=[approval.pk], at=approval.expires_at)
        else:
            approval_decide(
                approval_id=approval.pk,
                outcome=scenario.status,
                decided_by=scenario.approved_by,
                reason=scenario.reason,
                via=DecisionChannel.ADMIN,
                at=approval.created_at + scenario.decided_after,
            )
        created += 1
    return TableSeed(created=created, found=len(call_keys) - created)


def _feedback(scenario: FeedbackScenario, now: datetime) -> AgentFeedback:
    created_at = now - scenario.age
    reviewed = scenario.safe_to_send is not None
    return AgentFeedback(
        conversation_id=scenario.conversation_id,
        input_text=scenario.input_text,
        model_draft=scenario.model_draft,
        safe_to_send=scenario.safe_to_send,
        labels=list(scenario.labels),
        rubric=dict(scenario.rubric),
        annotator=scenario.annotator,
        notes=scenario.notes,
        meta={"source": "chatwoot", "agent": "support-agent", "model": "gpt-4.1-mini"},
        created_at=created_at,
        updated_at=created_at + timedelta(minutes=25) if reviewed else created_at,
        annotations_needed=1,
        annotation_state=AnnotationState.DONE if reviewed else AnnotationState.OPEN,
    )


@transaction.atomic
def demo_data_seed(*, now: datetime | None = None) -> SeedReport:
    """Write the production scenarios that are not there yet. Run it as the service role."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        # Two seeds at once would both find a row missing and both insert it.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('hotdash.demo_data_seed'))")

    # Keys an admin already gave to labels of their own stay theirs: a demo label then has no key.
    taken = set(AnnotationLabel.objects.exclude(key=None).values_list("key", flat=True))
    tables = {
        "annotation_labels": _insert_missing(
            AnnotationLabel,
            [AnnotationLabel(name=name, description=description, colour=colour, key=None if key in taken else key)
             for name, description, colour, key in LABEL_VOCABULARY],
            ("name",),
        ),
        "agent_approvals": _insert_missing(
            AgentApproval, [_approval(s, now) for s in APPROVAL_SCENARIOS], ("call_id",)
        ),
        "approval_decisions": _decisions_replay(),
        "agent_feedback": _insert_missing(
            AgentFeedback, [_feedback(s, now) for s in FEEDBACK_SCENARIOS], ("conversation_id", "input_text")
        ),
    }

    gold = next(s for s in FEEDBACK_SCENARIOS if s.conversation_id == GOLD_REPLY_SOURCE)
    gold_at = now - gold.age + timedelta(hours=2)
    tables["support_curated_replies"] = _insert_missing(
        SupportCuratedReply,
        [
            SupportCuratedReply(
                conversation_id=gold.conversation_id,
                source_message_id=GOLD_REPLY_MESSAGE_ID,
                question=gold.input_text,
                reply=gold.model_draft,
                tags=list(GOLD_REPLY_TAGS),
                approved_at=gold_at,
                created_at=gold_at,
                updated_at=gold_at,
            )
        ],
        ("source_message_id",),
    )

    tables["agent_queries"] = _insert_missing(
        AgentQuery,
        [
            AgentQuery(
                query=s.query,
                result=dict(s.result),
                conversation_id=s.conversation_id,
                agent=s.agent,
                approved=s.approved,
                human_edited=s.human_edited,
                latency_ms=s.latency_ms,
                created_at=now - s.age,
                updated_at=now - s.age,
            )
            for s in QUERY_SCENARIOS
        ],
        ("conversation_id", "query"),
    )
    tables["facts"] = _insert_missing(
        Fact,
        [
            Fact(project=project, topic=topic, key=key, value=value, created_at=now - age)
            for project, topic, key, value, age in FACT_SCENARIOS
        ],
        ("project", "topic", "key"),
    )
    tables["decision_sync_event_logs"] = _insert_missing(
        DecisionSyncEventLog,
        [
            DecisionSyncEventLog(
                decision_id=decision_id, scope=scope, status=status, payload=payload, duration_ms=duration,
                created_at=now - age,
            )
            for decision_id, scope, status, payload, duration, age in DECISION_EVENT_SCENARIOS
        ],
        ("decision_id", "status"),
    )
    tables["observability_logs"] = _insert_missing(
        ObservabilityLog,
        [
            ObservabilityLog(level=level, message=message, request_id=request_id, metadata=metadata,
                             created_at=now - age)
            for level, message, request_id, metadata, age in LOG_SCENARIOS
        ],
        ("request_id", "message"),
    )
    tables["agent_run"] = _insert_missing(
        AgentRun,
        [
            AgentRun(
                run_id=s.run_id,
                agent_name=s.agent_name,
                conversation_id=s.conversation_id,
                started_at=now - s.age,
                ended_at=now - s.age + s.duration if s.duration else None,
                resolved=s.resolved,
                self_corrected=s.self_corrected,
                tool_calls=s.tool_calls,
                input_tokens=s.input_tokens,
                output_tokens=s.output_tokens,
                cost_usd=Decimal(s.cost_usd),
                metadata={"model": "gpt-4.1-mini", "sdk": "openai-agents 0.24"},
                created_at=now - s.age,
            )
            for s in RUN_SCENARIOS
        ],
        ("run_id",),
    )
    runs = dict(AgentRun.objects.filter(run_id__in=[s.run_id for s in RUN_SCENARIOS]).values_list("run_id", "pk"))
    tables["agent_qc"] = _insert_missing(
        AgentQC,
        [
            AgentQC(
                run_id=runs[s.run_id],
                check_name=name,
                passed=passed,
                score=Decimal(score) if score is not None else None,
                notes=notes,
                created_at=now - s.age + (s.duration or timedelta()),
            )
            for s in RUN_SCENARIOS
            for name, passed, score, notes in s.checks
        ],
        ("run_id", "check_name"),
    )
    return SeedReport(tables=tables)


# --------------------------------------------------------------------------------------------------------------
# Clearing the demo data
# --------------------------------------------------------------------------------------------------------------

# The apps whose tables hold the demo's rows: the scenarios, what people did with them, and --scale volume.
DEMO_DATA_APPS = ("approvals", "feedback", "metrics")
# Settings people keep in the admin, not data: a reset leaves them as they are.
DEMO_KEPT_TABLES = ("annotation_labels", "annotation_overlap")
# Aggregates that triggers keep from the tables above (feedback/sql/0012_annotation_rollups.sql): deleting the
# drafts and annotations takes their counts out; they are not rows of the demo of their own.
DEMO_DERIVED_TABLES = (
    "annotation_work_daily", "annotation_quality_daily", "annotation_labels_daily", "annotation_agreement_units",
    "annotation_agreement_coincidences", "annotation_agreement_labels", "annotation_agreement_pairs",
)


def _tables_children_first() -> list[str]:
    """The demo apps' tables, each after every table that references it (audit rows before their approval)."""
    models_ = [
        m for label in DEMO_DATA_APPS for m in apps.get_app_config(label).get_models()
        if m._meta.managed and m._meta.db_table not in (*DEMO_KEPT_TABLES, *DEMO_DERIVED_TABLES)
    ]
    ordered: list[type[models.Model]] = []

    def visit(model: type[models.Model]) -> None:
        if model in ordered:
            return
        for other in models_:
            if other is not model and any(f.related_model is model for f in other._meta.concrete_fields if f.is_relation):
                visit(other)
        ordered.append(model)

    for model in models_:
        visit(model)
    return [model._meta.db_table for model in ordered]


@transaction.atomic
def demo_data_clear() -> dict[str, int]:
    """Delete every row of the demo apps' tables (decided approvals and their audit rows included), so the next
    seed starts from a full queue. Only the service role may delete from the append-only tables: run it as that
    role. Returns the rows deleted per table."""
    deleted = {}
    with connection.cursor() as cursor:
        # A seed running meanwhile would insert into tables this has already emptied.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('hotdash.demo_data_seed'))")
        for table in _tables_children_first():
            cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            deleted[table] = cursor.rowcount
    return deleted

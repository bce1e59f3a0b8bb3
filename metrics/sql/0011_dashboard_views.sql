-- The operator dashboard's views, its history table and its near-real-time materialized views.
-- Views are security_invoker: the reader's own row-level security applies underneath. Materialized views
-- carry no row-level security: they are owned by hotdash_service (REFRESH runs the query as the owner, whose
-- policies see every row) and only roles that read every tenant may read them.

-- The quality score of an agent, 0-100: 50 % approval rate + 30 % (1 - edit rate) + 20 % latency score.
-- Latency score = greatest(0, 1 - average latency / 1000 ms): 1 for an instant answer, 0 from one second on.
-- Derived from the production report's four agents, whose scores it reproduces to within 0.01:
--   data       90 % approved, 20 % edited, 98 ms: 45 + 24 + 20 * 0.902 = 87.04 (report: 87.05)
--   marketing 100 % approved,  0 % edited, 41 ms: 50 + 30 + 20 * 0.959 = 99.18 (report: 99.18)
--   support   2/3 approved,    0 % edited, 47 ms: 33.33 + 30 + 20 * 0.953 = 82.39 (report: 82.39)
--   engineer   50 % approved,  0 % edited, 78 ms: 25 + 30 + 20 * 0.922 = 73.44 (report: 73.44)
-- Rates are fractions (0-1). NULL when the agent has no judged query or no measured latency.
CREATE OR REPLACE FUNCTION hotdash_quality_score(approval_rate numeric, edit_rate numeric, avg_latency_ms numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(50 * approval_rate + 30 * (1 - edit_rate) + 20 * greatest(0, 1 - avg_latency_ms / 1000), 2)
$$;
COMMENT ON FUNCTION hotdash_quality_score(numeric, numeric, numeric) IS
    'Agent quality score 0-100: 50% approval rate + 30% (1 - edit rate) + 20% max(0, 1 - avg latency ms / 1000).';

-- v_approval_queue_depth -------------------------------------------------------------------------------
-- Per UTC hour of creation: approvals by status, how fast people settled them, and the SLA of 5 minutes.
-- Resolution time counts approved and rejected approvals (a person decided); SLA compliance is the share of
-- settled approvals (approved, rejected or expired) decided within 5 minutes: an expired one is a breach.
-- Read by the dashboard's queue-depth chart and /api/v1/metrics/approval-queue-depth/ (operators).
CREATE OR REPLACE VIEW v_approval_queue_depth WITH (security_invoker = true) AS
SELECT
    date_trunc('hour', created_at, 'UTC') AS hour,
    count(*) AS total,
    count(*) FILTER (WHERE status = 'pending') AS pending,
    count(*) FILTER (WHERE status = 'approved') AS approved,
    count(*) FILTER (WHERE status = 'rejected') AS rejected,
    count(*) FILTER (WHERE status = 'expired') AS expired,
    round(avg(extract(epoch FROM decided_at - created_at))
          FILTER (WHERE status IN ('approved', 'rejected')), 1) AS avg_resolution_seconds,
    round(100.0 * count(*) FILTER (WHERE status IN ('approved', 'rejected')
                                   AND decided_at - created_at <= interval '5 minutes')
          / nullif(count(*) FILTER (WHERE status <> 'pending'), 0), 1) AS sla_compliance_pct,
    floor(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')))::int
        AS oldest_pending_age_seconds
FROM agent_approvals
GROUP BY 1;
COMMENT ON VIEW v_approval_queue_depth IS
    'Approvals per UTC hour: counts by status, resolution time, SLA (5 min) compliance, oldest pending age. '
    'Read by the dashboard and /api/v1/metrics/approval-queue-depth/.';

-- v_approval_queue_status ------------------------------------------------------------------------------
-- Per status: how long approvals waited (pending: until now; settled: until decided), in age buckets, and
-- how many waited past the 5-minute SLA. Read by the dashboard's "SLA breaches now" tile and
-- /api/v1/metrics/approval-queue/ (operators).
CREATE OR REPLACE VIEW v_approval_queue_status WITH (security_invoker = true) AS
WITH waits AS (
    SELECT status, coalesce(decided_at, now()) - created_at AS waited
    FROM agent_approvals
)
SELECT
    status,
    count(*) AS approvals,
    count(*) FILTER (WHERE waited < interval '5 minutes') AS under_5_minutes,
    count(*) FILTER (WHERE waited >= interval '5 minutes' AND waited < interval '1 hour') AS from_5_minutes_to_1_hour,
    count(*) FILTER (WHERE waited >= interval '1 hour' AND waited < interval '24 hours') AS from_1_to_24_hours,
    count(*) FILTER (WHERE waited >= interval '24 hours') AS over_24_hours,
    count(*) FILTER (WHERE waited > interval '5 minutes') AS sla_breaches,
    floor(extract(epoch FROM max(waited)))::int AS longest_wait_seconds
FROM waits
GROUP BY status;
COMMENT ON VIEW v_approval_queue_status IS
    'Approvals by status: wait-time buckets and SLA (5 min) breaches. Read by the dashboard and '
    '/api/v1/metrics/approval-queue/.';

-- v_agent_response_accuracy ----------------------------------------------------------------------------
-- Per agent and UTC day: approval rate (approved / judged), edit rate (human-edited / all queries), latency
-- percentiles (nearest rank, ms) and the quality score of hotdash_quality_score above.
-- Read by /api/v1/metrics/agent-accuracy/ and the dashboard's quality chart (operators, QA, monitoring).
CREATE OR REPLACE VIEW v_agent_response_accuracy WITH (security_invoker = true) AS
WITH days AS (
    SELECT
        agent,
        (created_at AT TIME ZONE 'UTC')::date AS day,
        count(*) AS queries,
        count(*) FILTER (WHERE approved IS NOT NULL) AS judged,
        count(*) FILTER (WHERE approved) AS approved,
        count(*) FILTER (WHERE human_edited) AS human_edited,
        avg(latency_ms) AS avg_latency_ms,
        percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_ms) AS p50_latency_ms,
        percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency_ms,
        percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99_latency_ms
    FROM agent_queries
    GROUP BY agent, (created_at AT TIME ZONE 'UTC')::date
)
SELECT
    agent,
    day,
    queries,
    judged,
    round(100.0 * approved / nullif(judged, 0), 2) AS approval_rate_pct,
    round(100.0 * human_edited / queries, 2) AS edit_rate_pct,
    round(avg_latency_ms, 1) AS avg_latency_ms,
    p50_latency_ms,
    p95_latency_ms,
    p99_latency_ms,
    hotdash_quality_score(approved::numeric / nullif(judged, 0), human_edited::numeric / queries, avg_latency_ms)
        AS quality_score
FROM days;
COMMENT ON VIEW v_agent_response_accuracy IS
    'Per agent and UTC day: approval rate, edit rate, latency p50/p95/p99 and the quality score '
    '(see hotdash_quality_score). Read by /api/v1/metrics/agent-accuracy/ and the dashboard.';

-- v_agent_performance_snapshot -------------------------------------------------------------------------
-- Per agent active in the last 24 hours: queries in the last hour and 24 hours, approval rate and latency
-- over 24 hours, and a health:
--   degraded  approval rate < 50 % or p95 latency >= 2000 ms
--   warning   approval rate < 80 % or p95 latency >= 1000 ms
--   healthy   otherwise (an unknown rate or latency, nothing judged or measured yet, counts as healthy)
-- Read through mv_agent_performance_realtime (refreshed every 30 s) by the dashboard and
-- /api/v1/metrics/agent-performance/.
CREATE OR REPLACE VIEW v_agent_performance_snapshot WITH (security_invoker = true) AS
WITH recent AS (
    SELECT
        agent,
        count(*) FILTER (WHERE created_at >= now() - interval '1 hour') AS queries_last_hour,
        count(*) AS queries_last_24h,
        round(100.0 * count(*) FILTER (WHERE approved)
              / nullif(count(*) FILTER (WHERE approved IS NOT NULL), 0), 2) AS approval_rate_pct,
        round(avg(latency_ms), 1) AS avg_latency_ms,
        percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency_ms
    FROM agent_queries
    WHERE created_at >= now() - interval '24 hours'
    GROUP BY agent
)
SELECT
    agent,
    queries_last_hour,
    queries_last_24h,
    approval_rate_pct,
    avg_latency_ms,
    p95_latency_ms,
    CASE
        WHEN approval_rate_pct < 50 OR p95_latency_ms >= 2000 THEN 'degraded'
        WHEN approval_rate_pct < 80 OR p95_latency_ms >= 1000 THEN 'warning'
        ELSE 'healthy'
    END AS health
FROM recent;
COMMENT ON VIEW v_agent_performance_snapshot IS
    'Per agent, last hour / 24 h: queries, approval rate, latency, health (degraded: approval < 50% or '
    'p95 >= 2000 ms; warning: approval < 80% or p95 >= 1000 ms; else healthy).';

COMMENT ON VIEW v_agent_kpis IS
    'Per agent and day, from agent_run / agent_qc: runs, resolution and self-correction rates, duration, tokens, '
    'cost, QC pass rate. Read by /api/v1/metrics/agent-kpis/ and the dashboard (QA, monitoring).';

-- v_data_quality_report ---------------------------------------------------------------------------------
-- The data-quality rules of the five dimensions: one row per rule with its violation count and severity.
-- critical: a broken invariant of a decision (an approval decided without a decider or an audit row, a
-- pending approval past its TTL, so the expiry job is not running); warning: data that skews the metrics.
-- Read through mv_data_quality_report (refreshed hourly by the data-quality check) by the dashboard and
-- /api/v1/metrics/data-quality/; the view itself needs every table, so only the service role and
-- supervisors read it.
CREATE OR REPLACE VIEW v_data_quality_report WITH (security_invoker = true) AS
-- violations: bigint for every rule (a sum of duplicates would otherwise be numeric).
SELECT rule, dimension, table_name, severity, violations::bigint AS violations, description FROM (
    -- completeness
    SELECT 'queries_blank_agent' AS rule, 'completeness' AS dimension, 'agent_queries' AS table_name,
           'critical' AS severity, 'agent queries whose agent is blank' AS description,
           (SELECT count(*) FROM agent_queries WHERE btrim(agent) = '') AS violations
    UNION ALL
    SELECT 'queries_missing_latency', 'completeness', 'agent_queries', 'warning',
           'agent queries of the last 24 hours without a latency',
           (SELECT count(*) FROM agent_queries WHERE latency_ms IS NULL AND created_at >= now() - interval '24 hours')
    UNION ALL
    SELECT 'approvals_missing_agent', 'completeness', 'agent_approvals', 'warning',
           'approvals whose agent could not be read from the run state',
           (SELECT count(*) FROM agent_approvals WHERE agent IS NULL)
    UNION ALL
    SELECT 'feedback_missing_rubric', 'completeness', 'agent_feedback', 'warning',
           'annotated feedback (safe_to_send set) without a rubric',
           (SELECT count(*) FROM agent_feedback WHERE safe_to_send IS NOT NULL AND rubric = '{}'::jsonb)
    -- accuracy
    UNION ALL
    SELECT 'queries_latency_out_of_range', 'accuracy', 'agent_queries', 'warning',
           'agent queries with a latency over 60 000 ms',
           (SELECT count(*) FROM agent_queries WHERE latency_ms > 60000)
    UNION ALL
    SELECT 'feedback_rubric_out_of_range', 'accuracy', 'agent_feedback', 'warning',
           'feedback whose clarity, accuracy or tone is not a number from 1 to 5',
           (SELECT count(*) FROM agent_feedback f WHERE EXISTS (
                SELECT 1 FROM jsonb_each(f.rubric) AS r(name, value)
                WHERE r.name IN ('clarity', 'accuracy', 'tone')
                  AND (jsonb_typeof(r.value) <> 'number' OR (r.value #>> '{}')::numeric NOT BETWEEN 1 AND 5)))
    UNION ALL
    SELECT 'qc_score_out_of_range', 'accuracy', 'agent_qc', 'warning',
           'QC checks with a score outside 0-100',
           (SELECT count(*) FROM agent_qc WHERE score < 0 OR score > 100)
    UNION ALL
    SELECT 'rows_created_in_the_future', 'accuracy', 'agent_queries', 'warning',
           'agent queries created more than 5 minutes in the future (a client clock)',
           (SELECT count(*) FROM agent_queries WHERE created_at > now() + interval '5 minutes')
    -- consistency
    UNION ALL
    SELECT 'queries_updated_before_created', 'consistency', 'agent_queries', 'warning',
           'agent queries whose updated_at is before created_at',
           (SELECT count(*) FROM agent_queries WHERE updated_at < created_at)
    UNION ALL
    SELECT 'approvals_updated_before_created', 'consistency', 'agent_approvals', 'warning',
           'approvals whose updated_at is before created_at',
           (SELECT count(*) FROM agent_approvals WHERE updated_at < created_at)
    UNION ALL
    SELECT 'decisions_without_decider', 'consistency', 'agent_approvals', 'critical',
           'approved or rejected approvals without who decided or when',
           (SELECT count(*) FROM agent_approvals
            WHERE status IN ('approved', 'rejected')
              AND (approved_by IS NULL OR btrim(approved_by) = '' OR decided_at IS NULL))
    UNION ALL
    SELECT 'decisions_without_audit_row', 'consistency', 'approval_decisions', 'critical',
           'settled approvals without their approval_decisions row',
           (SELECT count(*) FROM agent_approvals a
            WHERE a.status <> 'pending' AND NOT EXISTS (SELECT 1 FROM approval_decisions d WHERE d.approval_id = a.id))
    -- timeliness
    UNION ALL
    SELECT 'pending_past_ttl', 'timeliness', 'agent_approvals', 'critical',
           'pending approvals past their expiry (the expiry job is not running)',
           (SELECT count(*) FROM agent_approvals WHERE status = 'pending' AND expires_at < now())
    UNION ALL
    SELECT 'pending_past_sla', 'timeliness', 'agent_approvals', 'warning',
           'pending approvals older than the 5-minute SLA',
           (SELECT count(*) FROM agent_approvals WHERE status = 'pending' AND created_at < now() - interval '5 minutes')
    UNION ALL
    SELECT 'queries_stale', 'timeliness', 'agent_queries', 'warning',
           'no agent query in the last hour (1 when stale)',
           (SELECT CASE WHEN max(created_at) < now() - interval '1 hour' THEN 1 ELSE 0 END FROM agent_queries)
    -- uniqueness
    UNION ALL
    SELECT 'duplicate_queries', 'uniqueness', 'agent_queries', 'warning',
           'agent queries logged twice (same conversation, agent, query and time)',
           (SELECT coalesce(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM agent_queries
                GROUP BY conversation_id, agent, query, created_at HAVING count(*) > 1) AS d)
    UNION ALL
    SELECT 'duplicate_sync_events', 'uniqueness', 'decision_sync_event_logs', 'warning',
           'decision sync events recorded twice (same decision, scope, status and time)',
           (SELECT coalesce(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM decision_sync_event_logs
                GROUP BY decision_id, scope, status, created_at HAVING count(*) > 1) AS d)
    UNION ALL
    SELECT 'duplicate_run_call_ids', 'uniqueness', 'agent_approvals', 'critical',
           'tool calls (call_id, ignoring case and spaces) awaiting more than one approval',
           (SELECT coalesce(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM agent_approvals WHERE call_id IS NOT NULL
                GROUP BY lower(btrim(call_id)) HAVING count(*) > 1) AS d)
) AS rules;
COMMENT ON VIEW v_data_quality_report IS
    'Data-quality rules (completeness, accuracy, consistency, timeliness, uniqueness): violations and severity. '
    'Read through mv_data_quality_report (hourly) by the dashboard and /api/v1/metrics/data-quality/.';

-- History that outlives retention ------------------------------------------------------------------------
-- agent_daily_metrics (a Django model) holds each closed UTC day once rolled up; raw queries go after 60
-- days. mv_daily_agent_metrics is that history plus the days not rolled up yet, read from agent_queries.
DROP MATERIALIZED VIEW IF EXISTS mv_daily_agent_metrics;
CREATE MATERIALIZED VIEW mv_daily_agent_metrics AS
WITH rolled AS (
    SELECT agent, day, queries, judged, approved, human_edited,
           latency_sum_ms::numeric / nullif(latency_count, 0) AS avg_latency,
           p50_latency_ms, p95_latency_ms, p99_latency_ms
    FROM agent_daily_metrics
), fresh AS (
    SELECT
        agent,
        (created_at AT TIME ZONE 'UTC')::date AS day,
        count(*) AS queries,
        count(*) FILTER (WHERE approved IS NOT NULL) AS judged,
        count(*) FILTER (WHERE approved) AS approved,
        count(*) FILTER (WHERE human_edited) AS human_edited,
        avg(latency_ms) AS avg_latency,
        percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_ms) AS p50_latency_ms,
        percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency_ms,
        percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99_latency_ms
    FROM agent_queries
    WHERE created_at >= coalesce(
        ((SELECT max(day) FROM agent_daily_metrics) + 1)::timestamp AT TIME ZONE 'UTC', '-infinity')
    GROUP BY agent, (created_at AT TIME ZONE 'UTC')::date
), days AS (
    SELECT * FROM rolled UNION ALL SELECT * FROM fresh
)
SELECT
    agent, day, queries, judged, approved, human_edited,
    round(avg_latency, 1) AS avg_latency_ms,
    p50_latency_ms, p95_latency_ms, p99_latency_ms,
    round(100.0 * approved / nullif(judged, 0), 2) AS approval_rate_pct,
    round(100.0 * human_edited / queries, 2) AS edit_rate_pct,
    hotdash_quality_score(approved::numeric / nullif(judged, 0), human_edited::numeric / queries, avg_latency)
        AS quality_score
FROM days
WITH NO DATA;
CREATE UNIQUE INDEX mv_daily_agent_metrics_key ON mv_daily_agent_metrics (agent, day);
COMMENT ON MATERIALIZED VIEW mv_daily_agent_metrics IS
    'Per agent and UTC day, every day since the first (agent_daily_metrics) plus the days not rolled up yet: '
    'refreshed nightly. Read by /api/v1/metrics/agent-accuracy/ history and the dashboard (all-tenant roles).';

-- Near-real-time aggregates (refreshed CONCURRENTLY every 30 s) -------------------------------------------
CREATE MATERIALIZED VIEW mv_agent_performance_realtime AS
SELECT * FROM v_agent_performance_snapshot
WITH NO DATA;
CREATE UNIQUE INDEX mv_agent_performance_realtime_key ON mv_agent_performance_realtime (agent);
COMMENT ON MATERIALIZED VIEW mv_agent_performance_realtime IS
    'v_agent_performance_snapshot, refreshed every 30 s. Read by the dashboard and /api/v1/metrics/agent-performance/.';

CREATE MATERIALIZED VIEW mv_approval_queue_depth_24h AS
SELECT * FROM v_approval_queue_depth WHERE hour >= date_trunc('hour', now(), 'UTC') - interval '24 hours'
WITH NO DATA;
CREATE UNIQUE INDEX mv_approval_queue_depth_24h_key ON mv_approval_queue_depth_24h (hour);
COMMENT ON MATERIALIZED VIEW mv_approval_queue_depth_24h IS
    'v_approval_queue_depth of the last 24 hours, refreshed every 30 s. Read by the dashboard''s queue chart.';

CREATE MATERIALIZED VIEW mv_data_quality_report AS
SELECT * FROM v_data_quality_report
WITH NO DATA;
CREATE UNIQUE INDEX mv_data_quality_report_key ON mv_data_quality_report (rule);
COMMENT ON MATERIALIZED VIEW mv_data_quality_report IS
    'v_data_quality_report as of the hourly data-quality check. Read by the dashboard and /api/v1/metrics/data-quality/.';

ALTER MATERIALIZED VIEW mv_daily_agent_metrics OWNER TO hotdash_service;
ALTER MATERIALIZED VIEW mv_agent_performance_realtime OWNER TO hotdash_service;
ALTER MATERIALIZED VIEW mv_approval_queue_depth_24h OWNER TO hotdash_service;
ALTER MATERIALIZED VIEW mv_data_quality_report OWNER TO hotdash_service;

-- Grants -----------------------------------------------------------------------------------------------
REVOKE ALL ON v_approval_queue_depth, v_approval_queue_status, v_agent_response_accuracy,
    v_agent_performance_snapshot, v_data_quality_report FROM PUBLIC;
-- Approvals are read by operators (and the service role); a tenant's own reads go through its policies.
GRANT SELECT ON v_approval_queue_depth, v_approval_queue_status TO hotdash_service, hotdash_operator;
GRANT SELECT ON v_agent_response_accuracy, v_agent_performance_snapshot
    TO hotdash_service, hotdash_operator, hotdash_qa, hotdash_monitoring;
GRANT SELECT ON v_data_quality_report TO hotdash_service, hotdash_supervisor;

-- Materialized views: only roles that read every tenant (no policy narrows them). The approval queue's
-- aggregates go to the roles that read every approval.
REVOKE ALL ON mv_daily_agent_metrics, mv_agent_performance_realtime, mv_approval_queue_depth_24h,
    mv_data_quality_report FROM PUBLIC;
GRANT SELECT ON mv_daily_agent_metrics, mv_agent_performance_realtime, mv_data_quality_report
    TO hotdash_operator, hotdash_qa, hotdash_monitoring;
GRANT SELECT ON mv_approval_queue_depth_24h TO hotdash_operator;

-- agent_daily_metrics and metrics_refreshes: aggregates and job timings, no tenant's rows ----------------
ALTER TABLE agent_daily_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_daily_metrics FORCE ROW LEVEL SECURITY;
ALTER TABLE metrics_refreshes ENABLE ROW LEVEL SECURITY;
ALTER TABLE metrics_refreshes FORCE ROW LEVEL SECURITY;
REVOKE ALL ON agent_daily_metrics, metrics_refreshes FROM PUBLIC;
-- The nightly rollup and the refresh jobs write; DELETE for retention of the refresh log.
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_daily_metrics, metrics_refreshes TO hotdash_service;
GRANT SELECT ON agent_daily_metrics, metrics_refreshes TO hotdash_operator, hotdash_qa, hotdash_monitoring;

CREATE POLICY agent_daily_metrics_service ON agent_daily_metrics FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- Aggregates over every tenant: the roles that read every tenant's queries read them all.
CREATE POLICY agent_daily_metrics_staff_select ON agent_daily_metrics FOR SELECT
    TO hotdash_operator, hotdash_qa, hotdash_monitoring
    USING (true);
CREATE POLICY metrics_refreshes_service ON metrics_refreshes FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
CREATE POLICY metrics_refreshes_staff_select ON metrics_refreshes FOR SELECT
    TO hotdash_operator, hotdash_qa, hotdash_monitoring
    USING (true);

-- Populated once here, as their owner (whose policies see every row), so that reading one never fails with
-- "has not been populated" before its first scheduled refresh. The migrating role is a member of
-- hotdash_service (hotdash 0004_owner_joins_service).
SET ROLE hotdash_service;
REFRESH MATERIALIZED VIEW mv_daily_agent_metrics;
REFRESH MATERIALIZED VIEW mv_agent_performance_realtime;
REFRESH MATERIALIZED VIEW mv_approval_queue_depth_24h;
REFRESH MATERIALIZED VIEW mv_data_quality_report;
RESET ROLE;

-- updated_at for the one mutable metrics table.
DROP TRIGGER IF EXISTS agent_queries_touch_updated_at ON agent_queries;
CREATE TRIGGER agent_queries_touch_updated_at
    BEFORE UPDATE ON agent_queries
    FOR EACH ROW EXECUTE FUNCTION hotdash_touch_updated_at();

-- Append-only tables: UPDATE and DELETE raise.
DROP TRIGGER IF EXISTS facts_append_only ON facts;
CREATE TRIGGER facts_append_only
    BEFORE UPDATE OR DELETE ON facts
    FOR EACH STATEMENT EXECUTE FUNCTION hotdash_reject_mutation();

DROP TRIGGER IF EXISTS decision_sync_event_logs_append_only ON decision_sync_event_logs;
CREATE TRIGGER decision_sync_event_logs_append_only
    BEFORE UPDATE OR DELETE ON decision_sync_event_logs
    FOR EACH STATEMENT EXECUTE FUNCTION hotdash_reject_mutation();

DROP TRIGGER IF EXISTS observability_logs_append_only ON observability_logs;
CREATE TRIGGER observability_logs_append_only
    BEFORE UPDATE OR DELETE ON observability_logs
    FOR EACH STATEMENT EXECUTE FUNCTION hotdash_reject_mutation();

-- The public API view over decision telemetry (the production contract: "timestamp", not created_at).
-- security_invoker: the caller's own row-level security applies through the view.
CREATE OR REPLACE VIEW decision_sync_events WITH (security_invoker = true) AS
SELECT id, decision_id, scope, status, payload, duration_ms, created_at AS "timestamp"
FROM decision_sync_event_logs;

-- Per agent and day, the run KPIs and QC pass rate, for the monitoring dashboard.
CREATE OR REPLACE VIEW v_agent_kpis WITH (security_invoker = true) AS
WITH qc AS (
    SELECT run_id, count(*) AS checks, count(*) FILTER (WHERE passed) AS passed
    FROM agent_qc
    GROUP BY run_id
)
SELECT
    r.agent_name,
    date_trunc('day', r.started_at) AS day,
    count(*) AS runs,
    avg(r.resolved::int) AS resolution_rate,
    avg(r.self_corrected::int) AS self_correction_rate,
    avg(extract(epoch FROM r.ended_at - r.started_at) * 1000) AS avg_duration_ms,
    sum(r.input_tokens + r.output_tokens) AS tokens,
    sum(r.cost_usd) AS cost_usd,
    sum(qc.passed)::numeric / nullif(sum(qc.checks), 0) AS qc_pass_rate
FROM agent_run r
LEFT JOIN qc ON qc.run_id = r.id
GROUP BY r.agent_name, date_trunc('day', r.started_at);

-- Back to 0004's mv_daily_agent_metrics (read from agent_queries only); the tables go with their models.
DROP MATERIALIZED VIEW IF EXISTS mv_data_quality_report;
DROP MATERIALIZED VIEW IF EXISTS mv_approval_queue_depth_24h;
DROP MATERIALIZED VIEW IF EXISTS mv_agent_performance_realtime;
DROP MATERIALIZED VIEW IF EXISTS mv_daily_agent_metrics;
DROP VIEW IF EXISTS v_data_quality_report;
DROP VIEW IF EXISTS v_agent_performance_snapshot;
DROP VIEW IF EXISTS v_agent_response_accuracy;
DROP VIEW IF EXISTS v_approval_queue_status;
DROP VIEW IF EXISTS v_approval_queue_depth;
DROP FUNCTION IF EXISTS hotdash_quality_score(numeric, numeric, numeric);
COMMENT ON VIEW v_agent_kpis IS NULL;

-- mv_daily_agent_metrics: per agent and UTC day, the numbers behind the nightly agent report.
-- Owned by hotdash_service: REFRESH runs the query as the owner, and the owner's policies must see every
-- row (FORCE row-level security applies to the migrating role as well). Refreshed CONCURRENTLY, which
-- needs the unique index below.
CREATE MATERIALIZED VIEW IF NOT EXISTS mv_daily_agent_metrics AS
SELECT
    agent,
    (created_at AT TIME ZONE 'UTC')::date AS day,
    count(*) AS queries,
    count(*) FILTER (WHERE approved IS NOT NULL) AS judged,
    count(*) FILTER (WHERE approved) AS approved,
    count(*) FILTER (WHERE human_edited) AS human_edited,
    round(avg(latency_ms)::numeric, 1) AS avg_latency_ms,
    percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency_ms
FROM agent_queries
GROUP BY agent, (created_at AT TIME ZONE 'UTC')::date
WITH NO DATA;

CREATE UNIQUE INDEX IF NOT EXISTS mv_daily_agent_metrics_key ON mv_daily_agent_metrics (agent, day);

ALTER MATERIALIZED VIEW mv_daily_agent_metrics OWNER TO hotdash_service;

-- A materialized view carries no row-level security, so only roles that read every tenant's queries
-- may read it; tenants never do.
REVOKE ALL ON mv_daily_agent_metrics FROM PUBLIC;
GRANT SELECT ON mv_daily_agent_metrics TO hotdash_operator, hotdash_qa, hotdash_monitoring;

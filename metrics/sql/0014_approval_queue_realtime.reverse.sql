-- Back to 0011: the live views' first expressions and the 24-hour materialized view.
DROP MATERIALIZED VIEW IF EXISTS mv_approval_queue_status;
DROP MATERIALIZED VIEW IF EXISTS mv_approval_queue_depth;

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

CREATE MATERIALIZED VIEW mv_approval_queue_depth_24h AS
SELECT * FROM v_approval_queue_depth WHERE hour >= date_trunc('hour', now(), 'UTC') - interval '24 hours'
WITH NO DATA;
CREATE UNIQUE INDEX mv_approval_queue_depth_24h_key ON mv_approval_queue_depth_24h (hour);
COMMENT ON MATERIALIZED VIEW mv_approval_queue_depth_24h IS
    'v_approval_queue_depth of the last 24 hours, refreshed every 30 s. Read by the dashboard''s queue chart.';
ALTER MATERIALIZED VIEW mv_approval_queue_depth_24h OWNER TO hotdash_service;
REVOKE ALL ON mv_approval_queue_depth_24h FROM PUBLIC;
GRANT SELECT ON mv_approval_queue_depth_24h TO hotdash_operator;
SET ROLE hotdash_service;
REFRESH MATERIALIZED VIEW mv_approval_queue_depth_24h;
RESET ROLE;

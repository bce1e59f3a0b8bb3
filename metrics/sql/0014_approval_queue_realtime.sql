-- The approval queue's aggregates become near-real-time materialized views, like the agents' snapshot.
-- Read live, v_approval_queue_status and v_approval_queue_depth aggregated every approval on every API call
-- (twice: the page and its count), 41 and 58 ms at p95 on 20,000 approvals against the 20 ms target, and
-- growing with the table. Now /api/v1/metrics/approval-queue/, approval-queue-depth/ and the dashboard read
-- the materialized views below, refreshed CONCURRENTLY every 30 s by the realtime job (each refresh timed in
-- metrics_refreshes); the views stay for what must be live (the service role, supervisors, checks).
--
-- The views keep their columns and meaning, with cheaper expressions for the refresh: the UTC hour is
-- date_bin('1 hour', created_at, 2000-01-01 00:00 UTC), plain arithmetic, where date_trunc('hour', created_at,
-- 'UTC') looked the time zone up for every row; waits are compared as time stamps (until < created_at +
-- 5 minutes) rather than as intervals.

CREATE OR REPLACE VIEW v_approval_queue_depth WITH (security_invoker = true) AS
SELECT
    date_bin('1 hour', created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS hour,
    count(*) AS total,
    count(*) FILTER (WHERE status = 'pending') AS pending,
    count(*) FILTER (WHERE status = 'approved') AS approved,
    count(*) FILTER (WHERE status = 'rejected') AS rejected,
    count(*) FILTER (WHERE status = 'expired') AS expired,
    round(avg(extract(epoch FROM decided_at - created_at))
          FILTER (WHERE status IN ('approved', 'rejected')), 1) AS avg_resolution_seconds,
    round(100.0 * count(*) FILTER (WHERE status IN ('approved', 'rejected')
                                   AND decided_at <= created_at + interval '5 minutes')
          / nullif(count(*) FILTER (WHERE status <> 'pending'), 0), 1) AS sla_compliance_pct,
    floor(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')))::int
        AS oldest_pending_age_seconds
FROM agent_approvals
GROUP BY 1;
COMMENT ON VIEW v_approval_queue_depth IS
    'Approvals per UTC hour: counts by status, resolution time, SLA (5 min) compliance, oldest pending age. '
    'Read live by the service role and supervisors; the API and dashboard read mv_approval_queue_depth.';

CREATE OR REPLACE VIEW v_approval_queue_status WITH (security_invoker = true) AS
WITH waits AS (
    SELECT status, created_at, coalesce(decided_at, now()) AS until
    FROM agent_approvals
)
SELECT
    status,
    count(*) AS approvals,
    count(*) FILTER (WHERE until < created_at + interval '5 minutes') AS under_5_minutes,
    count(*) FILTER (WHERE until >= created_at + interval '5 minutes' AND until < created_at + interval '1 hour')
        AS from_5_minutes_to_1_hour,
    count(*) FILTER (WHERE until >= created_at + interval '1 hour' AND until < created_at + interval '24 hours')
        AS from_1_to_24_hours,
    count(*) FILTER (WHERE until >= created_at + interval '24 hours') AS over_24_hours,
    count(*) FILTER (WHERE until > created_at + interval '5 minutes') AS sla_breaches,
    floor(extract(epoch FROM max(until - created_at)))::int AS longest_wait_seconds
FROM waits
GROUP BY status;
COMMENT ON VIEW v_approval_queue_status IS
    'Approvals by status: wait-time buckets and SLA (5 min) breaches. Read live by the service role and '
    'supervisors; the API and dashboard read mv_approval_queue_status.';

-- The dashboard's 24-hour chart reads the last 24 rows of the full history below instead.
DROP MATERIALIZED VIEW mv_approval_queue_depth_24h;

CREATE MATERIALIZED VIEW mv_approval_queue_depth AS
SELECT * FROM v_approval_queue_depth
WITH NO DATA;
CREATE UNIQUE INDEX mv_approval_queue_depth_key ON mv_approval_queue_depth (hour);
COMMENT ON MATERIALIZED VIEW mv_approval_queue_depth IS
    'v_approval_queue_depth (every hour), refreshed every 30 s. Read by the dashboard''s queue chart and '
    '/api/v1/metrics/approval-queue-depth/ (operators).';

CREATE MATERIALIZED VIEW mv_approval_queue_status AS
SELECT * FROM v_approval_queue_status
WITH NO DATA;
CREATE UNIQUE INDEX mv_approval_queue_status_key ON mv_approval_queue_status (status);
COMMENT ON MATERIALIZED VIEW mv_approval_queue_status IS
    'v_approval_queue_status, refreshed every 30 s. Read by the dashboard''s SLA tile and '
    '/api/v1/metrics/approval-queue/ (operators).';

-- Owned by the refresh jobs' role, readable by the roles that read every approval (supervisors through their
-- membership of hotdash_operator); no tenant reads them.
ALTER MATERIALIZED VIEW mv_approval_queue_depth OWNER TO hotdash_service;
ALTER MATERIALIZED VIEW mv_approval_queue_status OWNER TO hotdash_service;
REVOKE ALL ON mv_approval_queue_depth, mv_approval_queue_status FROM PUBLIC;
GRANT SELECT ON mv_approval_queue_depth, mv_approval_queue_status TO hotdash_operator;

SET ROLE hotdash_service;
REFRESH MATERIALIZED VIEW mv_approval_queue_depth;
REFRESH MATERIALIZED VIEW mv_approval_queue_status;
RESET ROLE;

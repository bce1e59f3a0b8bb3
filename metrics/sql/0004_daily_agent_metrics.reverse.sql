DROP MATERIALIZED VIEW IF EXISTS mv_daily_agent_metrics;

DROP VIEW IF EXISTS v_agent_kpis;
DROP VIEW IF EXISTS decision_sync_events;
DROP TRIGGER IF EXISTS observability_logs_append_only ON observability_logs;
DROP TRIGGER IF EXISTS decision_sync_event_logs_append_only ON decision_sync_event_logs;
DROP TRIGGER IF EXISTS facts_append_only ON facts;
DROP TRIGGER IF EXISTS agent_queries_touch_updated_at ON agent_queries;

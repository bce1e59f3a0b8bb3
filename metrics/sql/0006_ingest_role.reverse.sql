DROP POLICY IF EXISTS agent_qc_ingest_insert ON agent_qc;
DROP POLICY IF EXISTS agent_qc_ingest_select ON agent_qc;
DROP POLICY IF EXISTS agent_run_ingest_insert ON agent_run;
DROP POLICY IF EXISTS agent_run_ingest_select ON agent_run;
DROP POLICY IF EXISTS observability_logs_ingest_insert ON observability_logs;
DROP POLICY IF EXISTS observability_logs_ingest_select ON observability_logs;
DROP POLICY IF EXISTS decision_sync_event_logs_ingest_insert ON decision_sync_event_logs;
DROP POLICY IF EXISTS decision_sync_event_logs_ingest_select ON decision_sync_event_logs;
DROP POLICY IF EXISTS facts_ingest_insert ON facts;
DROP POLICY IF EXISTS facts_ingest_select ON facts;
DROP POLICY IF EXISTS agent_queries_ingest_insert ON agent_queries;
DROP POLICY IF EXISTS agent_queries_ingest_select ON agent_queries;
REVOKE ALL ON agent_queries, facts, decision_sync_event_logs, observability_logs, agent_run, agent_qc,
    decision_sync_events FROM hotdash_ingest;

-- The agent platform (hotdash_ingest) logs queries, facts, decision events, runs, QC checks and log lines of
-- every tenant, and reads them back. Idempotent. SELECT and INSERT only: it corrects nothing and deletes
-- nothing (retention runs as the service), and a query it logs arrives unjudged (approved and human_edited
-- are the operators' judgement).
GRANT SELECT, INSERT ON agent_queries, facts, decision_sync_event_logs, observability_logs, agent_run, agent_qc
    TO hotdash_ingest;
GRANT SELECT ON decision_sync_events TO hotdash_ingest;

DROP POLICY IF EXISTS agent_queries_ingest_select ON agent_queries;
CREATE POLICY agent_queries_ingest_select ON agent_queries FOR SELECT TO hotdash_ingest
    USING (true);
DROP POLICY IF EXISTS agent_queries_ingest_insert ON agent_queries;
CREATE POLICY agent_queries_ingest_insert ON agent_queries FOR INSERT TO hotdash_ingest
    WITH CHECK (approved IS NULL AND NOT human_edited);

DROP POLICY IF EXISTS facts_ingest_select ON facts;
CREATE POLICY facts_ingest_select ON facts FOR SELECT TO hotdash_ingest
    USING (true);
DROP POLICY IF EXISTS facts_ingest_insert ON facts;
CREATE POLICY facts_ingest_insert ON facts FOR INSERT TO hotdash_ingest
    WITH CHECK (true);

DROP POLICY IF EXISTS decision_sync_event_logs_ingest_select ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_ingest_select ON decision_sync_event_logs FOR SELECT TO hotdash_ingest
    USING (true);
DROP POLICY IF EXISTS decision_sync_event_logs_ingest_insert ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_ingest_insert ON decision_sync_event_logs FOR INSERT TO hotdash_ingest
    WITH CHECK (true);

DROP POLICY IF EXISTS observability_logs_ingest_select ON observability_logs;
CREATE POLICY observability_logs_ingest_select ON observability_logs FOR SELECT TO hotdash_ingest
    USING (true);
DROP POLICY IF EXISTS observability_logs_ingest_insert ON observability_logs;
CREATE POLICY observability_logs_ingest_insert ON observability_logs FOR INSERT TO hotdash_ingest
    WITH CHECK (true);

DROP POLICY IF EXISTS agent_run_ingest_select ON agent_run;
CREATE POLICY agent_run_ingest_select ON agent_run FOR SELECT TO hotdash_ingest
    USING (true);
DROP POLICY IF EXISTS agent_run_ingest_insert ON agent_run;
CREATE POLICY agent_run_ingest_insert ON agent_run FOR INSERT TO hotdash_ingest
    WITH CHECK (true);

DROP POLICY IF EXISTS agent_qc_ingest_select ON agent_qc;
CREATE POLICY agent_qc_ingest_select ON agent_qc FOR SELECT TO hotdash_ingest
    USING (true);
DROP POLICY IF EXISTS agent_qc_ingest_insert ON agent_qc;
CREATE POLICY agent_qc_ingest_insert ON agent_qc FOR INSERT TO hotdash_ingest
    WITH CHECK (true);

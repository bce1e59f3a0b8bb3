-- Row-level security on the metrics tables (DESIGN.md §5). Idempotent.
-- Privileges say which commands a role may run at all (a refusal is an error, never a silent 0 rows);
-- policies say which rows. Tenant settings are read once per statement through (SELECT current_setting(..)),
-- and every column they are compared with leads an index. Only the service role updates or deletes
-- (retention, restore); facts and the two logs are append-only for everyone else (hotdash_reject_mutation).

-- agent_queries ---------------------------------------------------------------------------------------
ALTER TABLE agent_queries ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_queries FORCE ROW LEVEL SECURITY;

REVOKE ALL ON agent_queries FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_queries TO hotdash_service;
GRANT SELECT, UPDATE (approved, human_edited) ON agent_queries TO hotdash_operator;
GRANT SELECT ON agent_queries TO hotdash_qa, hotdash_monitoring, hotdash_tenant;

-- For the agent platform (logs every query) and scheduled jobs: every row.
DROP POLICY IF EXISTS agent_queries_service ON agent_queries;
CREATE POLICY agent_queries_service ON agent_queries FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For operators, QA and monitoring: every query, to judge and to watch.
DROP POLICY IF EXISTS agent_queries_staff_select ON agent_queries;
CREATE POLICY agent_queries_staff_select ON agent_queries FOR SELECT
    TO hotdash_operator, hotdash_qa, hotdash_monitoring
    USING (true);

-- For operators judging a query: any row, but the UPDATE grant names approved and human_edited only.
DROP POLICY IF EXISTS agent_queries_operator_update ON agent_queries;
CREATE POLICY agent_queries_operator_update ON agent_queries FOR UPDATE TO hotdash_operator
    USING (true) WITH CHECK (true);

-- For an agent acting as a tenant: the queries of its own conversation.
DROP POLICY IF EXISTS agent_queries_tenant_select ON agent_queries;
CREATE POLICY agent_queries_tenant_select ON agent_queries FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT current_setting('app.conversation_id', true)));

-- facts -----------------------------------------------------------------------------------------------
ALTER TABLE facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE facts FORCE ROW LEVEL SECURITY;

REVOKE ALL ON facts FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON facts TO hotdash_service;
GRANT SELECT, INSERT ON facts TO hotdash_tenant;
GRANT SELECT ON facts TO hotdash_ai_readonly;

-- For the platform and retention: every project.
DROP POLICY IF EXISTS facts_service ON facts;
CREATE POLICY facts_service ON facts FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For a tenant: the facts of its own project (the leak the production report found).
DROP POLICY IF EXISTS facts_tenant_select ON facts;
CREATE POLICY facts_tenant_select ON facts FOR SELECT TO hotdash_tenant
    USING (project = (SELECT current_setting('app.current_project', true)));

-- For a tenant writing: only into its own project.
DROP POLICY IF EXISTS facts_tenant_insert ON facts;
CREATE POLICY facts_tenant_insert ON facts FOR INSERT TO hotdash_tenant
    WITH CHECK (project = (SELECT current_setting('app.current_project', true)));

-- For the AI read-only role: every project's facts.
DROP POLICY IF EXISTS facts_ai_readonly_select ON facts;
CREATE POLICY facts_ai_readonly_select ON facts FOR SELECT TO hotdash_ai_readonly
    USING (true);

-- decision_sync_event_logs ----------------------------------------------------------------------------
ALTER TABLE decision_sync_event_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE decision_sync_event_logs FORCE ROW LEVEL SECURITY;

REVOKE ALL ON decision_sync_event_logs FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON decision_sync_event_logs TO hotdash_service;
GRANT SELECT ON decision_sync_event_logs TO hotdash_operator, hotdash_monitoring;
GRANT SELECT, INSERT ON decision_sync_event_logs TO hotdash_tenant;

-- For the platform and retention: every scope.
DROP POLICY IF EXISTS decision_sync_event_logs_service ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_service ON decision_sync_event_logs FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For operators and monitoring: every scope.
DROP POLICY IF EXISTS decision_sync_event_logs_staff_select ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_staff_select ON decision_sync_event_logs FOR SELECT
    TO hotdash_operator, hotdash_monitoring
    USING (true);

-- For a tenant: the events of its own scope.
DROP POLICY IF EXISTS decision_sync_event_logs_tenant_select ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_tenant_select ON decision_sync_event_logs FOR SELECT TO hotdash_tenant
    USING (scope = (SELECT current_setting('app.current_scope', true)));

-- For a tenant writing: only into its own scope.
DROP POLICY IF EXISTS decision_sync_event_logs_tenant_insert ON decision_sync_event_logs;
CREATE POLICY decision_sync_event_logs_tenant_insert ON decision_sync_event_logs FOR INSERT TO hotdash_tenant
    WITH CHECK (scope = (SELECT current_setting('app.current_scope', true)));

-- observability_logs ----------------------------------------------------------------------------------
ALTER TABLE observability_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE observability_logs FORCE ROW LEVEL SECURITY;

REVOKE ALL ON observability_logs FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON observability_logs TO hotdash_service;
GRANT SELECT ON observability_logs TO hotdash_monitoring, hotdash_tenant;

-- For the platform's functions and our jobs, which write every line: every row.
DROP POLICY IF EXISTS observability_logs_service ON observability_logs;
CREATE POLICY observability_logs_service ON observability_logs FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For monitoring: every line.
DROP POLICY IF EXISTS observability_logs_monitoring_select ON observability_logs;
CREATE POLICY observability_logs_monitoring_select ON observability_logs FOR SELECT TO hotdash_monitoring
    USING (true);

-- For a tenant: INFO and WARN lines, and any line of its own request (production report, section 10).
DROP POLICY IF EXISTS observability_logs_tenant_select ON observability_logs;
CREATE POLICY observability_logs_tenant_select ON observability_logs FOR SELECT TO hotdash_tenant
    USING (level IN ('INFO', 'WARN') OR request_id = (SELECT current_setting('app.request_id', true)));

-- agent_run and agent_qc ------------------------------------------------------------------------------
ALTER TABLE agent_run ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_run FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_qc ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_qc FORCE ROW LEVEL SECURITY;

REVOKE ALL ON agent_run, agent_qc FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_run, agent_qc TO hotdash_service;
GRANT SELECT ON agent_run, agent_qc TO hotdash_qa, hotdash_monitoring, hotdash_tenant;

-- For the platform (writes run KPIs and QC results) and retention: every run.
DROP POLICY IF EXISTS agent_run_service ON agent_run;
CREATE POLICY agent_run_service ON agent_run FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS agent_qc_service ON agent_qc;
CREATE POLICY agent_qc_service ON agent_qc FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);

-- For QA and monitoring: every run and check, for agent performance.
DROP POLICY IF EXISTS agent_run_staff_select ON agent_run;
CREATE POLICY agent_run_staff_select ON agent_run FOR SELECT TO hotdash_qa, hotdash_monitoring
    USING (true);
DROP POLICY IF EXISTS agent_qc_staff_select ON agent_qc;
CREATE POLICY agent_qc_staff_select ON agent_qc FOR SELECT TO hotdash_qa, hotdash_monitoring
    USING (true);

-- For a tenant: the runs of its own conversation, and their checks.
DROP POLICY IF EXISTS agent_run_tenant_select ON agent_run;
CREATE POLICY agent_run_tenant_select ON agent_run FOR SELECT TO hotdash_tenant
    USING (conversation_id = (SELECT current_setting('app.conversation_id', true)));
DROP POLICY IF EXISTS agent_qc_tenant_select ON agent_qc;
CREATE POLICY agent_qc_tenant_select ON agent_qc FOR SELECT TO hotdash_tenant
    USING (run_id IN (SELECT id FROM agent_run
                      WHERE conversation_id = (SELECT current_setting('app.conversation_id', true))));

-- Views: security_invoker, so the reader's own policies apply underneath --------------------------------
REVOKE ALL ON decision_sync_events, v_agent_kpis FROM PUBLIC;
-- The public telemetry view: whoever may read the log.
GRANT SELECT ON decision_sync_events TO hotdash_service, hotdash_operator, hotdash_monitoring, hotdash_tenant;
-- Agent KPIs: the roles that watch agent performance.
GRANT SELECT ON v_agent_kpis TO hotdash_service, hotdash_qa, hotdash_monitoring;

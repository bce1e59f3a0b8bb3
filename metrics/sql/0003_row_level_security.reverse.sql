REVOKE ALL ON decision_sync_events, v_agent_kpis
    FROM hotdash_service, hotdash_operator, hotdash_qa, hotdash_monitoring, hotdash_tenant;

DROP POLICY IF EXISTS agent_qc_tenant_select ON agent_qc;
DROP POLICY IF EXISTS agent_run_tenant_select ON agent_run;
DROP POLICY IF EXISTS agent_qc_staff_select ON agent_qc;
DROP POLICY IF EXISTS agent_run_staff_select ON agent_run;
DROP POLICY IF EXISTS agent_qc_service ON agent_qc;
DROP POLICY IF EXISTS agent_run_service ON agent_run;
REVOKE ALL ON agent_run, agent_qc FROM hotdash_service, hotdash_qa, hotdash_monitoring, hotdash_tenant;
ALTER TABLE agent_qc NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_qc DISABLE ROW LEVEL SECURITY;
ALTER TABLE agent_run NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_run DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS observability_logs_tenant_select ON observability_logs;
DROP POLICY IF EXISTS observability_logs_monitoring_select ON observability_logs;
DROP POLICY IF EXISTS observability_logs_service ON observability_logs;
REVOKE ALL ON observability_logs FROM hotdash_service, hotdash_monitoring, hotdash_tenant;
ALTER TABLE observability_logs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE observability_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS decision_sync_event_logs_tenant_insert ON decision_sync_event_logs;
DROP POLICY IF EXISTS decision_sync_event_logs_tenant_select ON decision_sync_event_logs;
DROP POLICY IF EXISTS decision_sync_event_logs_staff_select ON decision_sync_event_logs;
DROP POLICY IF EXISTS decision_sync_event_logs_service ON decision_sync_event_logs;
REVOKE ALL ON decision_sync_event_logs FROM hotdash_service, hotdash_operator, hotdash_monitoring, hotdash_tenant;
ALTER TABLE decision_sync_event_logs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE decision_sync_event_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS facts_ai_readonly_select ON facts;
DROP POLICY IF EXISTS facts_tenant_insert ON facts;
DROP POLICY IF EXISTS facts_tenant_select ON facts;
DROP POLICY IF EXISTS facts_service ON facts;
REVOKE ALL ON facts FROM hotdash_service, hotdash_tenant, hotdash_ai_readonly;
ALTER TABLE facts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE facts DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS agent_queries_tenant_select ON agent_queries;
DROP POLICY IF EXISTS agent_queries_operator_update ON agent_queries;
DROP POLICY IF EXISTS agent_queries_staff_select ON agent_queries;
DROP POLICY IF EXISTS agent_queries_service ON agent_queries;
REVOKE ALL ON agent_queries FROM hotdash_service, hotdash_operator, hotdash_qa, hotdash_monitoring, hotdash_tenant;
ALTER TABLE agent_queries NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_queries DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS approval_leases_staff ON approval_leases;
REVOKE ALL ON approval_leases FROM hotdash_service, hotdash_operator;
ALTER TABLE approval_leases NO FORCE ROW LEVEL SECURITY;
ALTER TABLE approval_leases DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS approval_decisions_operator_insert ON approval_decisions;
DROP POLICY IF EXISTS approval_decisions_operator_select ON approval_decisions;
DROP POLICY IF EXISTS approval_decisions_service ON approval_decisions;
REVOKE ALL ON approval_decisions FROM hotdash_service, hotdash_operator;
ALTER TABLE approval_decisions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE approval_decisions DISABLE ROW LEVEL SECURITY;
DROP TRIGGER IF EXISTS approval_decisions_append_only ON approval_decisions;

DROP TRIGGER IF EXISTS agent_approvals_notify_decided ON agent_approvals;
DROP TRIGGER IF EXISTS agent_approvals_notify_inserted ON agent_approvals;
DROP FUNCTION IF EXISTS approvals_notify_decided();
DROP FUNCTION IF EXISTS approvals_notify_inserted();
DROP TRIGGER IF EXISTS agent_approvals_decision_is_final ON agent_approvals;
DROP FUNCTION IF EXISTS approvals_decision_is_final();
DROP TRIGGER IF EXISTS agent_approvals_fill_queue_columns ON agent_approvals;
DROP FUNCTION IF EXISTS approvals_fill_queue_columns();

DROP TRIGGER IF EXISTS agent_approvals_touch_updated_at ON agent_approvals;

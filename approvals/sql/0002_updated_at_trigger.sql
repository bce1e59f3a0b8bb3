-- Keeps agent_approvals.updated_at true for every writer.
DROP TRIGGER IF EXISTS agent_approvals_touch_updated_at ON agent_approvals;
CREATE TRIGGER agent_approvals_touch_updated_at
    BEFORE UPDATE ON agent_approvals
    FOR EACH ROW EXECUTE FUNCTION hotdash_touch_updated_at();

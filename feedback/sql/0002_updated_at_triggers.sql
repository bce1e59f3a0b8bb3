-- Keeps updated_at true for every writer of the feedback tables.
DROP TRIGGER IF EXISTS agent_feedback_touch_updated_at ON agent_feedback;
CREATE TRIGGER agent_feedback_touch_updated_at
    BEFORE UPDATE ON agent_feedback
    FOR EACH ROW EXECUTE FUNCTION hotdash_touch_updated_at();

DROP TRIGGER IF EXISTS support_curated_replies_touch_updated_at ON support_curated_replies;
CREATE TRIGGER support_curated_replies_touch_updated_at
    BEFORE UPDATE ON support_curated_replies
    FOR EACH ROW EXECUTE FUNCTION hotdash_touch_updated_at();

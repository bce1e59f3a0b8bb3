DROP TRIGGER IF EXISTS agent_feedback_draw_annotations_needed ON agent_feedback;
DROP FUNCTION IF EXISTS feedback_draw_annotations_needed();
DROP POLICY IF EXISTS agent_feedback_qa_update ON agent_feedback;
DROP POLICY IF EXISTS agent_feedback_monitoring_select ON agent_feedback;
REVOKE SELECT ON agent_feedback FROM hotdash_monitoring;
REVOKE UPDATE (safe_to_send, labels, rubric, annotator, notes, annotation_state) ON agent_feedback
    FROM hotdash_qa, hotdash_supervisor;
DROP POLICY IF EXISTS agent_feedback_ingest_insert ON agent_feedback;
CREATE POLICY agent_feedback_ingest_insert ON agent_feedback FOR INSERT TO hotdash_ingest
    WITH CHECK (safe_to_send IS NULL AND annotator IS NULL);
-- The new tables go with the schema migration that follows in reverse; their policies and triggers with them.

-- Back to computing per request: the triggers and their functions go; v_training_data_quality reads the drafts
-- again (as feedback/sql/0009_progress_views.sql defined it). The tables go with the migration's models.
DROP TRIGGER IF EXISTS agent_feedback_rollup_inserted ON agent_feedback;
DROP TRIGGER IF EXISTS agent_feedback_rollup_updated ON agent_feedback;
DROP TRIGGER IF EXISTS agent_feedback_rollup_deleted ON agent_feedback;
DROP TRIGGER IF EXISTS agent_feedback_rollup_truncated ON agent_feedback;
DROP TRIGGER IF EXISTS feedback_annotations_lock_draft ON feedback_annotations;
DROP TRIGGER IF EXISTS feedback_annotations_rollup_inserted ON feedback_annotations;
DROP TRIGGER IF EXISTS feedback_annotations_rollup_updated ON feedback_annotations;
DROP TRIGGER IF EXISTS feedback_annotations_rollup_deleted ON feedback_annotations;
DROP TRIGGER IF EXISTS feedback_annotations_rollup_truncated ON feedback_annotations;
DROP FUNCTION IF EXISTS feedback_quality_rollup();
DROP FUNCTION IF EXISTS feedback_quality_statements(text);
DROP FUNCTION IF EXISTS feedback_annotations_rollup();
DROP FUNCTION IF EXISTS feedback_annotations_lock_draft();
DROP FUNCTION IF EXISTS feedback_agreement_refresh(bigint[]);
DROP FUNCTION IF EXISTS feedback_agreement_votes(bigint[]);
DROP FUNCTION IF EXISTS feedback_rollups_truncate();

CREATE OR REPLACE VIEW v_training_data_quality WITH (security_invoker = true) AS
SELECT (created_at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS drafts,
       count(*) FILTER (WHERE annotation_state = 'done') AS final,
       count(*) FILTER (WHERE annotation_state = 'open') AS open,
       count(*) FILTER (WHERE annotation_state = 'adjudication') AS adjudication,
       count(*) FILTER (WHERE annotations_needed > 1) AS overlap,
       count(*) FILTER (WHERE annotation_state = 'done' AND safe_to_send) AS safe,
       count(*) FILTER (WHERE annotation_state = 'done' AND NOT safe_to_send) AS unsafe,
       avg((rubric ->> 'clarity')::numeric) FILTER (WHERE annotation_state = 'done' AND rubric ? 'clarity')::numeric(4, 2) AS clarity,
       avg((rubric ->> 'accuracy')::numeric) FILTER (WHERE annotation_state = 'done' AND rubric ? 'accuracy')::numeric(4, 2) AS accuracy,
       avg((rubric ->> 'tone')::numeric) FILTER (WHERE annotation_state = 'done' AND rubric ? 'tone')::numeric(4, 2) AS tone
FROM agent_feedback
GROUP BY (created_at AT TIME ZONE 'UTC')::date;

-- Annotation progress and the quality of the training data, for the progress page, its tile and the metrics API.
-- security_invoker: the reader's own policies apply underneath (an annotator's progress view holds their own
-- annotations only; QA's everyone's). Idempotent.

-- v_annotation_progress: per annotator and UTC day, how many annotations, of how many drafts, and how long one took.
CREATE OR REPLACE VIEW v_annotation_progress WITH (security_invoker = true) AS
SELECT annotator,
       (created_at AT TIME ZONE 'UTC')::date AS day,
       count(*) AS annotations,
       count(DISTINCT feedback_id) AS drafts,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_spent) AS median_seconds,
       avg(seconds_spent)::numeric(10, 1) AS mean_seconds,
       count(*) FILTER (WHERE NOT safe_to_send) AS unsafe
FROM feedback_annotations
GROUP BY annotator, (created_at AT TIME ZONE 'UTC')::date;
COMMENT ON VIEW v_annotation_progress IS 'For annotators (their own rows), QA and supervisors: annotations per annotator and day.';

-- v_training_data_quality: per UTC day a draft was created, where its annotation stands and what the final values say.
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
COMMENT ON VIEW v_training_data_quality IS 'For QA, monitoring and supervisors: drafts per day, their state and final values.';

REVOKE ALL ON v_annotation_progress, v_training_data_quality FROM PUBLIC;
GRANT SELECT ON v_annotation_progress TO hotdash_annotator, hotdash_qa, hotdash_supervisor, hotdash_service;
GRANT SELECT ON v_training_data_quality TO hotdash_qa, hotdash_monitoring, hotdash_supervisor, hotdash_service;

-- training_feedback_stream: one notification per statement that adds drafts, annotations or gold replies, or
-- changes where drafts stand, delivered at commit, with the count and the first 100 ids (as
-- approval_queue_stream does). Statement-level, so a batch of 1,000 drafts sends one message. Idempotent.
CREATE OR REPLACE FUNCTION feedback_notify_stream() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    first_ids bigint[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- Drafts whose state or final values changed; a touch that changed nothing says nothing.
        SELECT count(*), (array_agg(n.id ORDER BY n.id))[1:100] INTO total, first_ids
        FROM changed n JOIN previous o ON o.id = n.id
        WHERE (n.annotation_state, n.safe_to_send, n.labels, n.rubric, n.annotator)
              IS DISTINCT FROM (o.annotation_state, o.safe_to_send, o.labels, o.rubric, o.annotator);
    ELSE
        SELECT count(*), (array_agg(id ORDER BY id))[1:100] INTO total, first_ids FROM changed;
    END IF;
    IF total > 0 THEN
        PERFORM pg_notify('training_feedback_stream',
                          json_build_object('op', TG_ARGV[0], 'table', TG_TABLE_NAME, 'count', total,
                                            'ids', first_ids)::text);
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS agent_feedback_stream_created ON agent_feedback;
CREATE TRIGGER agent_feedback_stream_created
    AFTER INSERT ON agent_feedback REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_notify_stream('created');
DROP TRIGGER IF EXISTS agent_feedback_stream_settled ON agent_feedback;
CREATE TRIGGER agent_feedback_stream_settled
    AFTER UPDATE ON agent_feedback REFERENCING OLD TABLE AS previous NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_notify_stream('settled');
DROP TRIGGER IF EXISTS feedback_annotations_stream ON feedback_annotations;
CREATE TRIGGER feedback_annotations_stream
    AFTER INSERT ON feedback_annotations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_notify_stream('annotated');
DROP TRIGGER IF EXISTS support_curated_replies_stream ON support_curated_replies;
CREATE TRIGGER support_curated_replies_stream
    AFTER INSERT ON support_curated_replies REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_notify_stream('promoted');

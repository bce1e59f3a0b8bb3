DROP TRIGGER IF EXISTS support_curated_replies_stream ON support_curated_replies;
DROP TRIGGER IF EXISTS feedback_annotations_stream ON feedback_annotations;
DROP TRIGGER IF EXISTS agent_feedback_stream_settled ON agent_feedback;
DROP TRIGGER IF EXISTS agent_feedback_stream_created ON agent_feedback;
DROP FUNCTION IF EXISTS feedback_notify_stream();

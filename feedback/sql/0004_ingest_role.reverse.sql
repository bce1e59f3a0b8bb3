DROP POLICY IF EXISTS agent_feedback_ingest_insert ON agent_feedback;
DROP POLICY IF EXISTS agent_feedback_ingest_select ON agent_feedback;
REVOKE ALL ON agent_feedback FROM hotdash_ingest;

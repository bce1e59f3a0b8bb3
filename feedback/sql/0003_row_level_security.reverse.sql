DROP POLICY IF EXISTS support_curated_replies_annotator_insert ON support_curated_replies;
DROP POLICY IF EXISTS support_curated_replies_reviewers_select ON support_curated_replies;
DROP POLICY IF EXISTS support_curated_replies_service ON support_curated_replies;
REVOKE ALL ON support_curated_replies FROM hotdash_service, hotdash_annotator, hotdash_qa;
ALTER TABLE support_curated_replies NO FORCE ROW LEVEL SECURITY;
ALTER TABLE support_curated_replies DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS agent_feedback_tenant_select ON agent_feedback;
DROP POLICY IF EXISTS agent_feedback_annotator_update ON agent_feedback;
DROP POLICY IF EXISTS agent_feedback_reviewers_select ON agent_feedback;
DROP POLICY IF EXISTS agent_feedback_service ON agent_feedback;
REVOKE ALL ON agent_feedback FROM hotdash_service, hotdash_annotator, hotdash_qa, hotdash_tenant;
ALTER TABLE agent_feedback NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_feedback DISABLE ROW LEVEL SECURITY;

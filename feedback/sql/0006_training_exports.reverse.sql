DROP POLICY IF EXISTS training_exports_readers_request ON training_exports;
DROP POLICY IF EXISTS training_exports_readers_select ON training_exports;
DROP POLICY IF EXISTS training_exports_service ON training_exports;
REVOKE ALL ON training_exports FROM hotdash_service, hotdash_qa, hotdash_ai_readonly;
ALTER TABLE training_exports NO FORCE ROW LEVEL SECURITY;
ALTER TABLE training_exports DISABLE ROW LEVEL SECURITY;

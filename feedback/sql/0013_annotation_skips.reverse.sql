-- The table and its policies go with the migration's model.
DROP POLICY IF EXISTS annotation_skips_own ON annotation_skips;
DROP POLICY IF EXISTS annotation_skips_service ON annotation_skips;

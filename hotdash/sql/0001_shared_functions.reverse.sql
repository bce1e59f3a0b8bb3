DROP FUNCTION IF EXISTS hotdash_reject_mutation();
DROP FUNCTION IF EXISTS hotdash_touch_updated_at();

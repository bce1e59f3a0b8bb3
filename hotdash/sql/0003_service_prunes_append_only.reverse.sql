-- Back to 0001: append-only for every role.
-- Append-only tables (facts, decision_sync_event_logs, observability_logs) refuse UPDATE and DELETE.
-- A statement-level trigger: the refusal costs nothing per row and comes before any row is touched.
CREATE OR REPLACE FUNCTION hotdash_reject_mutation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Rows of this table are immutable; retention removes them through its own audited path.';
END;
$$;

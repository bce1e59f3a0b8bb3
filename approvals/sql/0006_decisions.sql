-- Decisions: single-use in the database, audited, announced. Idempotent.

-- The queue's filter columns follow last_interruptions for every writer (the API, seeding, COPY, restore).
CREATE OR REPLACE FUNCTION approvals_fill_queue_columns() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF jsonb_typeof(NEW.last_interruptions) = 'array' THEN
        NEW.agent := NEW.last_interruptions -> 0 ->> 'agent';
        NEW.tool_names := ARRAY(SELECT jsonb_array_elements(NEW.last_interruptions) ->> 'tool_name');
    ELSE
        NEW.agent := NULL;
        NEW.tool_names := NULL;
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS agent_approvals_fill_queue_columns ON agent_approvals;
CREATE TRIGGER agent_approvals_fill_queue_columns
    BEFORE INSERT OR UPDATE OF last_interruptions ON agent_approvals
    FOR EACH ROW EXECUTE FUNCTION approvals_fill_queue_columns();

-- A decision is final: once an approval left 'pending', nobody (the service included) rewrites it.
-- The services check this first and answer 409; this is the guarantee when something else writes.
CREATE OR REPLACE FUNCTION approvals_decision_is_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'pending'
       AND (NEW.status, NEW.approved_by, NEW.reason, NEW.decided_at)
           IS DISTINCT FROM (OLD.status, OLD.approved_by, OLD.reason, OLD.decided_at) THEN
        RAISE EXCEPTION 'approval % is already %: a decision is final', OLD.id, OLD.status
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS agent_approvals_decision_is_final ON agent_approvals;
CREATE TRIGGER agent_approvals_decision_is_final
    BEFORE UPDATE ON agent_approvals
    FOR EACH ROW EXECUTE FUNCTION approvals_decision_is_final();

-- approval_queue_stream: one notification per statement that adds approvals or changes their status,
-- delivered at commit, with the count and the first 100 ids. Statement-level, so seeding a million rows
-- sends one message, not a million.
CREATE OR REPLACE FUNCTION approvals_notify_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    first_ids bigint[];
BEGIN
    SELECT count(*), (array_agg(id ORDER BY id))[1:100] INTO total, first_ids FROM inserted;
    IF total > 0 THEN
        PERFORM pg_notify('approval_queue_stream',
                          json_build_object('op', 'created', 'count', total, 'ids', first_ids)::text);
    END IF;
    RETURN NULL;
END;
$$;
CREATE OR REPLACE FUNCTION approvals_notify_decided() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    total bigint;
    first_ids bigint[];
BEGIN
    SELECT count(*), (array_agg(n.id ORDER BY n.id))[1:100] INTO total, first_ids
    FROM updated n JOIN previous o ON o.id = n.id
    WHERE n.status IS DISTINCT FROM o.status;
    IF total > 0 THEN
        PERFORM pg_notify('approval_queue_stream',
                          json_build_object('op', 'decided', 'count', total, 'ids', first_ids)::text);
    END IF;
    RETURN NULL;
END;
$$;
DROP TRIGGER IF EXISTS agent_approvals_notify_inserted ON agent_approvals;
CREATE TRIGGER agent_approvals_notify_inserted
    AFTER INSERT ON agent_approvals REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION approvals_notify_inserted();
DROP TRIGGER IF EXISTS agent_approvals_notify_decided ON agent_approvals;
CREATE TRIGGER agent_approvals_notify_decided
    AFTER UPDATE ON agent_approvals REFERENCING OLD TABLE AS previous NEW TABLE AS updated
    FOR EACH STATEMENT EXECUTE FUNCTION approvals_notify_decided();

-- approval_decisions: the audit trail, append-only like the other logs.
DROP TRIGGER IF EXISTS approval_decisions_append_only ON approval_decisions;
CREATE TRIGGER approval_decisions_append_only
    BEFORE UPDATE OR DELETE ON approval_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION hotdash_reject_mutation();

ALTER TABLE approval_decisions ENABLE ROW LEVEL SECURITY;
ALTER TABLE approval_decisions FORCE ROW LEVEL SECURITY;
REVOKE ALL ON approval_decisions FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON approval_decisions TO hotdash_service;
GRANT SELECT, INSERT ON approval_decisions TO hotdash_operator;

-- For the expiry job (writes expiries) and retention: every row.
DROP POLICY IF EXISTS approval_decisions_service ON approval_decisions;
CREATE POLICY approval_decisions_service ON approval_decisions FOR ALL TO hotdash_service
    USING (true) WITH CHECK (true);
-- For operators: the whole trail, and a row for each decision they make.
DROP POLICY IF EXISTS approval_decisions_operator_select ON approval_decisions;
CREATE POLICY approval_decisions_operator_select ON approval_decisions FOR SELECT TO hotdash_operator
    USING (true);
DROP POLICY IF EXISTS approval_decisions_operator_insert ON approval_decisions;
CREATE POLICY approval_decisions_operator_insert ON approval_decisions FOR INSERT TO hotdash_operator
    WITH CHECK (true);

-- approval_leases: who has which pending approval open, for a couple of minutes.
ALTER TABLE approval_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE approval_leases FORCE ROW LEVEL SECURITY;
REVOKE ALL ON approval_leases FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON approval_leases TO hotdash_service, hotdash_operator;

-- For operators claiming and releasing items, and the service cleaning up: every lease.
DROP POLICY IF EXISTS approval_leases_staff ON approval_leases;
CREATE POLICY approval_leases_staff ON approval_leases FOR ALL TO hotdash_service, hotdash_operator
    USING (true) WITH CHECK (true);

-- The queue reads every column of agent_approvals but the agent's run state (`serialized`, several kB),
-- which is read one approval at a time (the item page, the API's detail). Once a row passes 2 kB,
-- PostgreSQL compresses it and moves values out of line (TOAST) until it is under this target; with 256
-- bytes the run state always leaves the heap, even when it compresses to 1-2 kB, so queue pages, counts
-- and expiry touch a few times fewer pages. Applies to rows written from now on.
ALTER TABLE agent_approvals SET (toast_tuple_target = 256);

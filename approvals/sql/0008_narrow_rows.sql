-- The queue reads every column of agent_approvals but the agent's run state (`serialized`, a kilobyte or
-- more), which is read one approval at a time (the item page, the API's detail). Moving it out of line
-- (TOAST) once a row passes 256 bytes keeps the heap narrow: queue pages, counts and expiry touch a few
-- times fewer pages. Applies to rows written from now on.
ALTER TABLE agent_approvals SET (toast_tuple_target = 256);

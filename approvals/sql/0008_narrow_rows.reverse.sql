ALTER TABLE agent_approvals RESET (toast_tuple_target);

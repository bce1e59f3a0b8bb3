INSERT INTO agent_approvals (conversation_id, serialized, last_interruptions, status, approved_by, reason,
                             decided_at, expires_at, call_id, schema_version, created_at, updated_at)
SELECT
    g.conversation_id,
    replace(t.states[g.kind], '@@T@@', g.token)::jsonb,
    replace(t.interruptions[g.kind], '@@T@@', g.token)::jsonb,
    g.status,
    CASE WHEN g.status IN ('approved', 'rejected') THEN t.operators[g.operator] END,
    CASE g.status WHEN 'approved' THEN t.approve_reasons[g.reason]
                  WHEN 'rejected' THEN t.reject_reasons[g.reason]
                  WHEN 'expired' THEN %(expired_reason)s END,
    g.decided_at,
    g.created_at + %(ttl)s,
    replace(t.call_ids[g.kind], '@@T@@', g.token),
    %(schema_version)s,
    g.created_at,
    coalesce(g.decided_at, g.created_at)
FROM (SELECT %(states)s::text[] AS states, %(interruptions)s::text[] AS interruptions,
             %(call_ids)s::text[] AS call_ids, %(operators)s::text[] AS operators,
             %(approve_reasons)s::text[] AS approve_reasons, %(reject_reasons)s::text[] AS reject_reasons) AS t,
     (SELECT *,
             CASE status
                 WHEN 'pending' THEN NULL
                 WHEN 'expired' THEN created_at + %(ttl)s
                 -- most decisions inside the 5-minute SLA, the rest within the hour
                 ELSE created_at + CASE WHEN r_decide < 0.85 THEN 15 + r_decide / 0.85 * 280
                                        ELSE 300 + (r_decide - 0.85) / 0.15 * 3300 END * interval '1 second'
             END AS decided_at
      FROM (SELECT status,
                   -- pending ones are recent (inside their TTL, some past the SLA); decided ones are 1-200 days old
                   CASE WHEN status = 'pending' THEN %(now)s::timestamptz - r_age * interval '23 hours'
                        ELSE %(now)s::timestamptz - interval '1 day' - r_age * %(days)s * interval '1 day' END
                       AS created_at,
                   r_decide, kind, operator, reason, conversation_id, token
            FROM (SELECT CASE WHEN r < 0.02 THEN 'pending' WHEN r < 0.80 THEN 'approved'
                              WHEN r < 0.92 THEN 'rejected' ELSE 'expired' END AS status,
                         r_age, r_decide, kind, operator, reason, conversation_id, token
                  FROM (SELECT random() AS r,
                               random() AS r_age,
                               random() AS r_decide,
                               1 + floor(random() * %(kinds)s)::int AS kind,
                               1 + floor(random() * %(n_operators)s)::int AS operator,
                               1 + floor(random() * %(n_reasons)s)::int AS reason,
                               'cw-' || (1000000 + floor(random() * 9000000)::int) AS conversation_id,
                               substr(md5(%(salt)s || ':' || i), 1, 24) AS token
                        FROM generate_series(%(first)s, %(last)s) AS i
                        OFFSET 0) AS draws) AS typed) AS dated
      OFFSET 0) AS g

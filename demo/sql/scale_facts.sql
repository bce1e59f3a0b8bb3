INSERT INTO facts (project, topic, key, value, created_at)
SELECT
    CASE WHEN g.r_project < 0.15 THEN 'occ' WHEN g.r_project < 0.25 THEN 'chatwoot'
         ELSE 'shop-' || lpad(g.shop::text, 3, '0') END,
    t.topics[g.kind],
    t.keys[g.kind],
    jsonb_build_object('value', round((g.r_value * t.scales[g.kind])::numeric, 2), 'unit', t.units[g.kind],
                       'delta_pct', round(((g.r_delta - 0.5) * 40)::numeric, 1), 'window', '24h'),
    g.created_at
FROM (SELECT %(topics)s::text[] AS topics, %(keys)s::text[] AS keys, %(units)s::text[] AS units,
             %(scales)s::float8[] AS scales) AS t,
     (SELECT random() AS r_project,
             1 + floor(random() * 98)::int AS shop,
             1 + floor(random() * %(kinds)s)::int AS kind,
             random() AS r_value,
             random() AS r_delta,
             %(now)s::timestamptz - random() * %(days)s * interval '1 day' AS created_at
      FROM generate_series(%(first)s, %(last)s) AS i
      OFFSET 0) AS g

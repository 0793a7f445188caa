-- Enumerates every function (EXECUTE) and relation (SELECT on the table or any column) in schemas
-- migstat and migstat_data -- only those: pgTAP's schema tap and pg_temp are not looked at -- that
-- the connected user or group role :grp can use, lists them as diagnostics with their result
-- columns, and checks that none returns record-level rows or identifiers: no result column named
-- like pseudonym / record_id / person / line_no, no bytea result (but the audit log's hash /
-- prev_hash and the audit tree's hash), no relation or row type from migstat.records or migstat_data. Needs :who, :grp.
-- Three pgTAP checks.
CREATE TEMP TABLE IF NOT EXISTS visible (kind text, name text, columns text[], types regtype[], rowtype regclass);
TRUNCATE visible;
SELECT lives_ok(format($q$INSERT INTO visible
SELECT 'function', p.oid::regprocedure::text,
       CASE WHEN p.proargmodes IS NOT NULL AND p.proargmodes && ARRAY['o', 'b', 't']::"char"[] THEN
                ARRAY(SELECT coalesce(p.proargnames[i], '?') FROM generate_subscripts(p.proargmodes, 1) i
                       WHERE p.proargmodes[i] IN ('o', 'b', 't') ORDER BY i)
            WHEN t.typrelid <> 0 THEN
                ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped ORDER BY a.attnum)
            ELSE ARRAY[p.proname::text] END,
       CASE WHEN p.proargmodes IS NOT NULL AND p.proargmodes && ARRAY['o', 'b', 't']::"char"[] THEN
                ARRAY(SELECT p.proallargtypes[i]::regtype FROM generate_subscripts(p.proargmodes, 1) i
                       WHERE p.proargmodes[i] IN ('o', 'b', 't') ORDER BY i)
            WHEN t.typrelid <> 0 THEN
                ARRAY(SELECT a.atttypid::regtype FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0
                         AND NOT a.attisdropped ORDER BY a.attnum)
            ELSE ARRAY[p.prorettype::regtype] END,
       nullif(t.typrelid, 0)::regclass
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_type t ON t.oid = p.prorettype
 WHERE n.nspname IN ('migstat', 'migstat_data')
   AND (has_function_privilege(%1$L, p.oid, 'EXECUTE') OR has_function_privilege(p.oid, 'EXECUTE'))$q$, :'grp') || '; ' || format($q$INSERT INTO visible
SELECT 'relation', c.oid::regclass::text,
       ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND (has_column_privilege(%1$L, c.oid, a.attnum, 'SELECT') OR has_column_privilege(c.oid, a.attnum, 'SELECT'))
              ORDER BY a.attnum),
       ARRAY(SELECT a.atttypid::regtype FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                AND (has_column_privilege(%1$L, c.oid, a.attnum, 'SELECT') OR has_column_privilege(c.oid, a.attnum, 'SELECT'))
              ORDER BY a.attnum),
       c.oid::regclass
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('migstat', 'migstat_data') AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
   AND (has_any_column_privilege(%1$L, c.oid, 'SELECT') OR has_any_column_privilege(c.oid, 'SELECT'))$q$, :'grp'),
                :'who' || ': enumerating visible functions and relations');
SELECT diag(format('%s can %s %s -> %s', :'who', CASE kind WHEN 'function' THEN 'execute' ELSE 'select' END, name,
                   array_to_string(columns, ', ')))
  FROM visible ORDER BY kind, name;
SELECT is(coalesce(string_agg(DISTINCT name, ', '), 'none'), 'none',
          :'who' || ': no visible function or relation has a result column named like pseudonym/record_id/person/line_no, or of type bytea (audit hashes aside)')
  FROM visible v, unnest(v.columns, v.types) AS u(col, typ)
 WHERE u.col ~* '(pseudonym|record_id|person|line_no)'
    OR (u.typ = 'bytea'::regtype AND NOT ((v.name = 'migstat.audit_log' AND u.col IN ('hash', 'prev_hash'))
                                          OR (v.name = 'migstat.audit_tree' AND u.col = 'hash')));
SELECT is(coalesce(string_agg(name, ', '), 'none'), 'none', :'who' || ': no visible function or relation is or returns rows of migstat.records / migstat_data')
  FROM visible v
 WHERE v.rowtype IS NOT NULL
   AND (v.rowtype = 'migstat.records'::regclass
        OR v.rowtype IN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'migstat_data'));

-- Run once as EACH login. A function of the user's own, cheap enough to be evaluated first and
-- pushed as far down the plan as the planner allows, records every value it is shown. Applied
-- to each column of every relation in migstat / migstat_data the user can SELECT (tables, views:
-- migstat.code, migstat.batches, migstat.access, ...; pgTAP's schema tap is not looked at), it
-- must see nothing beyond the rows the relation itself returns (multiset of leaked values minus
-- multiset of returned values = empty). One check per such relation, and one that all ran.
-- Needs :who.
\ir ../helpers/tap.sql
SELECT plan(1 + (SELECT count(*)::integer FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname IN ('migstat', 'migstat_data') AND c.relkind IN ('r', 'p', 'v', 'm')
                    AND has_any_column_privilege(c.oid, 'SELECT')));
CREATE TEMP TABLE leaked (v text);
CREATE FUNCTION pg_temp.leak(v text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    RAISE NOTICE 'leak: %', v;
    INSERT INTO pg_temp.leaked VALUES (v);
    RETURN true;
END
$$;
CREATE FUNCTION pg_temp.leak_check(p_rel regclass) RETURNS TABLE (col name, leaked bigint, extra bigint)
LANGUAGE plpgsql AS $$
DECLARE
    a name;
BEGIN
    FOR a IN SELECT attname FROM pg_attribute WHERE attrelid = p_rel AND attnum > 0 AND NOT attisdropped
               AND has_column_privilege(p_rel, attnum, 'SELECT') ORDER BY attnum LOOP
        TRUNCATE pg_temp.leaked;
        EXECUTE format('SELECT count(*) FROM %s t WHERE pg_temp.leak(t.%I::text)', p_rel, a);
        col := a;
        leaked := (SELECT count(*) FROM pg_temp.leaked);
        EXECUTE format('SELECT count(*) FROM (SELECT v FROM pg_temp.leaked EXCEPT ALL SELECT t.%I::text FROM %s t) x',
                       a, p_rel) INTO extra;
        RETURN NEXT;
    END LOOP;
END
$$;
SELECT ok(sum(l.extra) = 0,
          format('%s: a leaky WHERE function on %s sees only the rows it returns (%s columns, %s values seen%s)',
                 :'who', c.oid::regclass, count(*), sum(l.leaked),
                 CASE WHEN sum(l.extra) > 0 THEN '; ' || sum(l.extra) || ' values beyond them, in '
                      || string_agg(l.col, ', ') FILTER (WHERE l.extra > 0) ELSE '' END))
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL pg_temp.leak_check(c.oid) l
 WHERE n.nspname IN ('migstat', 'migstat_data') AND c.relkind IN ('r', 'p', 'v', 'm')
   AND has_any_column_privilege(c.oid, 'SELECT')
 GROUP BY c.oid ORDER BY c.oid::regclass::text;
SELECT pass(:'who' || ': leaky-function probes ran');

SELECT * FROM finish();

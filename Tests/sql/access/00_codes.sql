-- As a superuser, right after the schema files: load the code lists (Schemas/codes/*.csv, header
-- lines removed, fed on psql's standard input) with ids 1..n per dimension in sort_order.
\set ON_ERROR_STOP on
CREATE TEMP TABLE code_in (dimension text, code text, label text, parent text, level smallint, sort_order integer);
\copy code_in FROM pstdin WITH (FORMAT csv)
INSERT INTO migstat.code (dimension, id, code, label, parent, level, sort_order)
SELECT dimension, sort_order, code, label, parent, level, sort_order FROM code_in
ON CONFLICT DO NOTHING;
SELECT 'ok - setup: code lists loaded (' || count(*) || ' codes in ' || count(DISTINCT dimension) || ' dimensions)'
  FROM migstat.code;
\echo __end__

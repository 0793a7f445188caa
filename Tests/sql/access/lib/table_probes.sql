-- Every way of reading or changing a record-level relation by name, as the connected user.
-- Needs :who (role label) and :rel (schema-qualified relation name). Each probe must fail with
-- 42501 or touch nothing (RLS is forced, so a slipped grant alone still returns no row).
\set d :who ': SELECT * FROM ' :rel
\o :out
SELECT * FROM :rel;
\ir denied.sql
\set d :who ': SELECT record_id, person_pseudonym FROM ' :rel ' (column privileges)'
\o :out
SELECT record_id, person_pseudonym FROM :rel;
\ir denied.sql
\set d :who ': COPY (SELECT * FROM ' :rel ') TO STDOUT'
\o :out
COPY (SELECT * FROM :rel) TO STDOUT;
\ir denied.sql
\set d :who ': COPY ' :rel ' TO STDOUT'
\o :out
COPY :rel TO STDOUT;
\ir denied.sql
\set d :who ': SET row_security = off, then SELECT * FROM ' :rel
\o :out
SET row_security = off;
SELECT * FROM :rel;
\ir denied.sql
RESET row_security;
\set d :who ': TABLE ' :rel ' inside a transaction with row_security = off'
\o :out
BEGIN;
SET LOCAL row_security = off;
TABLE :rel;
\ir denied.sql
ROLLBACK;
\set d :who ': INSERT INTO ' :rel
\o :out
INSERT INTO :rel (purpose_id, source_id, batch_id, line_no, event_date, direction, sex, nationality,
                  migration_status, record_id)
VALUES (1, 1, 1, 999, '2024-01-01', 1, 1, 1, 1, 'probe');
\ir denied.sql
\set d :who ': UPDATE ' :rel
\o :out
UPDATE :rel SET age = age RETURNING record_id;
\ir denied.sql
\set d :who ': DELETE FROM ' :rel
\o :out
DELETE FROM :rel RETURNING record_id;
\ir denied.sql
\set d :who ': TRUNCATE ' :rel
\o :out
TRUNCATE :rel;
\set want 42501
\ir state.sql
\set d :who ': ALTER TABLE ' :rel ' NO FORCE ROW LEVEL SECURITY'
\o :out
ALTER TABLE :rel NO FORCE ROW LEVEL SECURITY;
\ir state.sql
\set d :who ': CREATE POLICY on ' :rel
\o :out
CREATE POLICY probe ON :rel USING (true);
\ir state.sql
\set d :who ': EXPLAIN ANALYZE SELECT * FROM ' :rel
\o :out
EXPLAIN ANALYZE SELECT * FROM :rel;
\ir state.sql

-- migstat.drop_record_storage: the one way record-level storage goes (internal; withdraw_batch and
-- purge_execute): DROP TABLE of the given tables of schema migstat_data, whole -- never a DELETE,
-- never a detached or renamed copy. Returns what it dropped: the relations (the tables, their
-- partitions, indexes and TOAST tables) and their files relative to the data directory, for the
-- purge's verification after the next checkpoint. A purpose's partition (purpose_<id>) goes with
-- the purpose's record_id ranges (record_id_ranges_<id>, see migstat.record_id_ranges).
CREATE OR REPLACE FUNCTION migstat.drop_record_storage(p_tables text[], OUT relations text[], OUT files text[])
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $fn$
DECLARE
    v_t text;
BEGIN
    p_tables := p_tables || ARRAY(SELECT 'record_id_ranges_' || substr(x, 9) FROM unnest(p_tables) x WHERE x ~ '^purpose_[0-9]+$');
    WITH t AS (SELECT to_regclass(format('migstat_data.%I', x)) AS oid FROM unnest(p_tables) x),
         tree AS (SELECT pt.relid FROM t CROSS JOIN LATERAL pg_partition_tree(t.oid) pt WHERE t.oid IS NOT NULL),
         rel AS (SELECT relid AS oid FROM tree
                 UNION SELECT c.reltoastrelid FROM tree JOIN pg_class c ON c.oid = tree.relid WHERE c.reltoastrelid <> 0
                 UNION SELECT i.indexrelid FROM tree JOIN pg_index i ON i.indrelid = tree.relid
                 UNION SELECT i.indexrelid FROM tree JOIN pg_class c ON c.oid = tree.relid JOIN pg_index i ON i.indrelid = c.reltoastrelid)
    SELECT array_agg(r.oid::regclass::text ORDER BY r.oid::regclass::text),
           array_agg(pg_relation_filepath(r.oid) ORDER BY r.oid::regclass::text) FILTER (WHERE pg_relation_filepath(r.oid) IS NOT NULL)
      INTO relations, files FROM rel r;
    FOREACH v_t IN ARRAY p_tables LOOP
        EXECUTE format('DROP TABLE IF EXISTS migstat_data.%I', v_t);
    END LOOP;
    relations := coalesce(relations, '{}');
    files := coalesce(files, '{}');
END
$fn$;

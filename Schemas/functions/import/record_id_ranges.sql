-- The partition of a purpose in migstat.record_id_range (migstat_data.record_id_ranges_<id>),
-- created when missing; internal (check_batch, withdraw_batch). One row per loaded batch that
-- stored any record: its source and the smallest and largest record_id it stored (C collation).
-- check_batch compares a new batch's record_ids only with the earlier batches of its compartment
-- (source within purpose) whose range overlaps the new batch's, so that the duplicate check does not
-- read a compartment's whole history. Record-level data: no grants, row-level security enabled
-- and forced, dropped with the purpose's partition (drop_record_storage), rewritten without a
-- withdrawn batch. Returns the partition's name.
CREATE OR REPLACE FUNCTION migstat.record_id_ranges(p_purpose_id smallint) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    t text := format('migstat_data.%I', 'record_id_ranges_' || p_purpose_id);
BEGIN
    IF to_regclass(t) IS NULL THEN
        EXECUTE format('CREATE TABLE %s PARTITION OF migstat.record_id_range FOR VALUES IN (%s)', t, p_purpose_id);
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
    END IF;
    RETURN t;
END
$$;

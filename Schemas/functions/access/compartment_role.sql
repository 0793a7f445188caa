-- The name of a purpose's compartment role of the given kind:
--   load    : may import into the purpose (with migstat_loader)
--   read    : may extract its records (with migstat_steward)
--   special : may see its special-category columns (ethnicity, disability, migration_status)
-- Role names are cluster-wide, so they carry this database's instance tag.
CREATE OR REPLACE FUNCTION migstat.compartment_role(p_purpose_name text, p_kind text) RETURNS name
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT format('migstat_%s_%s_%s', (SELECT value FROM migstat.setting WHERE key = 'instance_tag'),
                  p_purpose_name, p_kind)::name
$$;

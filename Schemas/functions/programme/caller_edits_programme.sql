-- migstat.caller_edits_programme: whether the connected user may change a purpose's output
-- programme (declare, retire, release): an administrator, or a steward of the purpose (its read
-- compartment). Internal: called inside the SECURITY DEFINER functions that change it.
CREATE OR REPLACE FUNCTION migstat.caller_edits_programme(p_purpose_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT migstat.caller_is('migstat_admin')
        OR (migstat.caller_is('migstat_steward') AND migstat.caller_is(migstat.compartment_role(p_purpose_name, 'read')))
$$;

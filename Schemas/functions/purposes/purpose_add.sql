-- Declares a purpose: its retention rule, its storage partition and its compartment roles.
-- p_retain: an ISO date (YYYY-MM-DD) or an interval from today ('5 years', '18 months'). Never
-- adopts an existing role as a compartment role (its members would gain the new purpose): refuses.
CREATE OR REPLACE FUNCTION migstat.purpose_add(p_name text, p_description text, p_retain text)
RETURNS migstat.purpose
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v      migstat.purpose;
    v_date date;
    k      text;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_retain ~ '^\d{4}-\d{2}-\d{2}$' THEN
        v_date := p_retain::date;
    ELSE
        BEGIN
            v_date := (current_date + p_retain::interval)::date;
        EXCEPTION WHEN others THEN
            RAISE EXCEPTION 'retention must be a date (YYYY-MM-DD) or a duration such as "5 years"'
                USING ERRCODE = 'invalid_parameter_value';
        END;
    END IF;
    IF v_date <= current_date THEN
        RAISE EXCEPTION 'retention date % is not in the future', v_date USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,29}$' THEN
        RAISE EXCEPTION 'purpose names are 1-30 characters: a-z first, then a-z, 0-9, _'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO migstat.purpose (name, description, retain_until, retention_rule, rule_until)
    VALUES (p_name, p_description, v_date, p_retain, v_date) RETURNING * INTO v;

    EXECUTE format('CREATE TABLE migstat_data.%I PARTITION OF migstat.records FOR VALUES IN (%s) PARTITION BY LIST (batch_id)',
                   'purpose_' || v.id, v.id);
    EXECUTE format('ALTER TABLE migstat_data.%I ENABLE ROW LEVEL SECURITY', 'purpose_' || v.id);
    EXECUTE format('ALTER TABLE migstat_data.%I FORCE ROW LEVEL SECURITY', 'purpose_' || v.id);
    FOREACH k IN ARRAY ARRAY['load', 'read', 'special'] LOOP
        -- Never adopt a role that already exists: its members would gain the new compartment.
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = migstat.compartment_role(v.name, k)) THEN
            RAISE EXCEPTION 'role % already exists; refusing to reuse it as a compartment',
                migstat.compartment_role(v.name, k) USING ERRCODE = 'duplicate_object';
        END IF;
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', migstat.compartment_role(v.name, k));
        EXECUTE format('COMMENT ON ROLE %I IS %L', migstat.compartment_role(v.name, k),
                       format('migstat compartment: %s access to purpose %s in database %s', k, v.name,
                              current_database()));
    END LOOP;
    PERFORM migstat.audit('purpose.add', jsonb_build_object('purpose', v.name, 'description', v.description,
                          'retain_until', v.retain_until, 'retention_rule', v.retention_rule), v.id);
    RETURN v;
END
$$;

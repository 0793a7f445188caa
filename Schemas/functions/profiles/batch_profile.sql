-- Records in a new batch row the mapping profile its file is read through: the SHA-256 migstat
-- reports in the setting migstat.profile_sha256 of the importing session (set by `migstat import`
-- right before the import; unset or empty: the canonical layout, NULL). As reported by the client,
-- like the OS user of the audit log: the translation itself runs in migstat, so the database can
-- only keep what it was told; a value that is not 64 hex digits fails the import.
CREATE OR REPLACE FUNCTION migstat.batch_profile() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v text := nullif(current_setting('migstat.profile_sha256', true), '');
BEGIN
    IF v IS NOT NULL AND v !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'migstat.profile_sha256 must be the 64 hex digits of a profile''s SHA-256'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    NEW.profile_sha256 := v;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER batch_profile BEFORE INSERT ON migstat.batch
    FOR EACH ROW EXECUTE FUNCTION migstat.batch_profile();

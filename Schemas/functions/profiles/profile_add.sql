-- Registers a mapping profile for a source (administrators only), as the source's next version, and
-- writes an audit entry (profile.add: source, version, SHA-256, the replaced version's SHA-256) in the
-- same transaction. migstat checks the profile before it calls this (YAML, the profile rules, the
-- x-codes targets against the code lists); here: the source name, the size, the SHA-256 (computed
-- here from the text, never taken from the caller).
-- A source that has a profile already keeps it unless p_replace: then this one becomes the current
-- version and every earlier one stays (MS409 without p_replace). The same text as the current version
-- changes nothing (unchanged = true, no new version, no audit entry).
-- Why administrators only: a profile belongs to a source, and a source's files go to any purpose; a
-- loader or steward of one purpose who could change it would change how another compartment's
-- batches are read (which code becomes which). README.md, "Mapping profiles".
CREATE OR REPLACE FUNCTION migstat.profile_add(p_source text, p_profile text, p_replace boolean DEFAULT false)
RETURNS TABLE (source text, version integer, sha256 text, registered_by name, registered_at timestamptz,
               previous_version integer, previous_sha256 text, unchanged boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, migstat, pg_temp AS $$
DECLARE
    v_src  smallint;
    v_sha  text;
    v_prev migstat.profile;
    v_new  migstat.profile;
BEGIN
    PERFORM migstat.require_role('migstat_admin');
    IF p_source IS NULL OR p_source !~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' THEN
        RAISE EXCEPTION 'source names are 1-63 characters: a letter or digit, then letters, digits, ".", "_" or "-"'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_profile IS NULL OR length(p_profile) = 0 OR octet_length(p_profile) > 1048576 THEN
        RAISE EXCEPTION 'a profile is 1 byte to 1 MiB of text' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_sha := encode(pg_catalog.sha256(convert_to(p_profile, 'UTF8')), 'hex');
    INSERT INTO migstat.source (name) VALUES (p_source) ON CONFLICT (name) DO NOTHING;
    SELECT s.id INTO v_src FROM migstat.source s WHERE s.name = p_source;
    -- One registration per source at a time: versions are numbered without gaps or races.
    PERFORM pg_advisory_xact_lock(hashtext('migstat.profile'), v_src);
    SELECT * INTO v_prev FROM migstat.profile p WHERE p.source_id = v_src ORDER BY p.version DESC LIMIT 1;
    IF FOUND AND v_prev.sha256 = v_sha THEN
        RETURN QUERY SELECT p_source, v_prev.version, v_prev.sha256, v_prev.registered_by, v_prev.registered_at,
                            NULL::integer, NULL::text, true;
        RETURN;
    END IF;
    IF FOUND AND NOT coalesce(p_replace, false) THEN
        RAISE EXCEPTION 'source "%" has a profile already (version %, sha256 %)', p_source, v_prev.version, v_prev.sha256
            USING ERRCODE = 'MS409',
                  HINT = format('add --replace to register this one as version %s (version %s stays in the history)',
                                v_prev.version + 1, v_prev.version);
    END IF;
    INSERT INTO migstat.profile (source_id, version, profile, sha256)
    VALUES (v_src, coalesce(v_prev.version, 0) + 1, p_profile, v_sha) RETURNING * INTO v_new;
    PERFORM migstat.audit('profile.add', jsonb_build_object('source', p_source, 'version', v_new.version,
                          'sha256', v_new.sha256, 'bytes', octet_length(p_profile),
                          'replaced_sha256', v_prev.sha256));
    RETURN QUERY SELECT p_source, v_new.version, v_new.sha256, v_new.registered_by, v_new.registered_at,
                        v_prev.version, v_prev.sha256, false;
END
$$;

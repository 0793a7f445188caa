-- The registered mapping profiles with their source's name: every version (p_history) or only each
-- source's current one, of one source (p_source) or all. Runs as the caller: readable by those who
-- may read migstat.profile (loaders, auditors, administrators; Schemas/privileges.sql).
CREATE OR REPLACE FUNCTION migstat.profiles(p_source text DEFAULT NULL, p_history boolean DEFAULT false)
RETURNS TABLE (source text, version integer, is_current boolean, sha256 text, registered_by name,
               registered_at timestamptz, versions integer, profile text)
LANGUAGE sql STABLE SET search_path = pg_catalog, migstat, pg_temp AS $$
    SELECT x.source, x.version, x.is_current, x.sha256, x.registered_by, x.registered_at, x.versions, x.profile
      FROM (SELECT s.name AS source, p.version,
                   p.version = max(p.version) OVER (PARTITION BY p.source_id) AS is_current,
                   p.sha256, p.registered_by, p.registered_at,
                   (count(*) OVER (PARTITION BY p.source_id))::integer AS versions, p.profile
              FROM migstat.profile p JOIN migstat.source s ON s.id = p.source_id
             WHERE p_source IS NULL OR s.name = p_source) x
     WHERE p_history OR x.is_current
     ORDER BY x.source, x.version DESC
$$;

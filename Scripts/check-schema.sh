#!/usr/bin/env bash
# Compares a database's migstat schema with the committed snapshot, Tests/schema/snapshot.sql.
#
#   Scripts/check-schema.sh                 builds a fresh database with `migstat db init` and compares it
#   Scripts/check-schema.sh --db NAME       compares an existing database (e.g. one upgraded by db init,
#                                           or a production database before an upgrade)
#   Scripts/check-schema.sh --update        rewrites Tests/schema/snapshot.sql from a fresh `migstat db init`
#                                           (run it after changing a migration, function, view or privilege,
#                                           and commit the result with the change)
#
# The snapshot is `pg_dump --schema-only` of the database without the record partitions (migstat_data.*),
# normalised: no comments, SET lines or blank lines. Exit 1, with the diff, when they differ.
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

DB=""
UPDATE=""
while [ $# -gt 0 ]; do
    case $1 in
        --db) DB=${2:?--db needs a database name}; shift ;;
        --update) UPDATE=1 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) fatal "unknown option $1 (see --help)" ;;
    esac
    shift
done

SNAPSHOT=Tests/schema/snapshot.sql
eval "$(Scripts/pg.sh env)"
BIN=${MIGSTAT_BIN:-$(swift build --show-bin-path)/migstat}

# The normalised schema of database $1 on stdout.
schema_of() {
    pg_dump --schema-only --no-privileges --exclude-table='migstat_data.*' -d "$1" \
        | grep -vE '^(--|SET |SELECT pg_catalog\.set_config|\\restrict|\\unrestrict)' | sed '/^[[:space:]]*$/d'
    # Privileges separately and sorted, so grant order never matters; the owner's own are implied.
    psql -X -At -d "$1" -c "
        SELECT 'ACL ' || kind || ' ' || obj || ' ' || coalesce(g.grantee_name, 'PUBLIC') || ' ' || privilege_type
          FROM (SELECT 'schema' AS kind, n.nspname::text AS obj, a.*
                  FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                 WHERE n.nspname IN ('migstat', 'migstat_data') AND a.grantee <> n.nspowner
                UNION ALL
                SELECT 'relation', c.oid::regclass::text, a.*
                  FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
                 WHERE c.relnamespace = 'migstat'::regnamespace AND a.grantee <> c.relowner
                UNION ALL
                SELECT 'function', p.oid::regprocedure::text, a.*
                  FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                 WHERE p.pronamespace = 'migstat'::regnamespace AND a.grantee <> p.proowner) x
          LEFT JOIN LATERAL (SELECT rolname::text AS grantee_name FROM pg_roles WHERE oid = x.grantee) g ON true
         ORDER BY 1"
}

FRESH=""
cleanup() {
    if [ -n "$FRESH" ]; then
        psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$FRESH\" WITH (FORCE)" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

if [ -z "$DB" ]; then
    FRESH=migstat_snapshot_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
    psql -X -q -d postgres -c "CREATE DATABASE \"$FRESH\"" >/dev/null
    "$BIN" db init --dsn "dbname=$FRESH" >/dev/null 2>&1 || { "$BIN" db init --dsn "dbname=$FRESH"; fatal "db init failed"; }
    DB=$FRESH
fi

if [ -n "$UPDATE" ]; then
    schema_of "$DB" >"$SNAPSHOT"
    log "wrote $SNAPSHOT ($(wc -l <"$SNAPSHOT") lines)"
    exit 0
fi

if diff -u "$SNAPSHOT" <(schema_of "$DB") >"${TMPDIR:-/tmp}/migstat-schema.diff"; then
    log "database $DB matches $SNAPSHOT"
else
    cat "${TMPDIR:-/tmp}/migstat-schema.diff"
    log "database $DB differs from $SNAPSHOT (above: - snapshot, + database). After an intended schema change," \
        "run Scripts/check-schema.sh --update and commit Tests/schema/snapshot.sql."
    exit 1
fi

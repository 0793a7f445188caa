#!/usr/bin/env bash
# Tests the installer (`migstat db init`) and the schema's two layers against the private cluster:
#   - a fresh database matches the committed snapshot (Scripts/check-schema.sh), and a second db init
#     changes nothing;
#   - a database created by the last build with numbered migrations (git commit $LEGACY_COMMIT,
#     Schemas/0001..0010 applied as its db init applied them), holding a purpose and a batch, is upgraded
#     to a schema identical to a fresh one, its records intact;
#   - a function edited by hand in the database makes the snapshot check fail;
#   - a changed function file is re-applied (and only it, with privileges.sql); a GRANT removed from
#     privileges.sql disappears from the database; an applied migration that was edited is refused.
# Prints `ok - ...` / `not ok - ...` and `N passed, M failed`; exit 1 on any failure.
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

LEGACY_COMMIT=1bd3923
eval "$(Scripts/pg.sh env)"
Scripts/pg.sh status >/dev/null 2>&1 || Scripts/pg.sh start
BIN=$(swift build --show-bin-path)/migstat
[ -x "$BIN" ] || fatal "build migstat first (swift build)"
export MIGSTAT_BIN=$BIN

RUN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
TMP=$(mktemp -d "${TMPDIR:-/tmp}/migstat-schema.XXXXXX")
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; [ $# -lt 2 ] || printf '%s\n' "$2" | head -n 30 | sed 's/^/#   /'; }
check() { local d=$1; shift; if "$@" >"$TMP/out" 2>&1; then ok "$d"; else not_ok "$d" "$(cat "$TMP/out")"; fi; }
check_fails() { local d=$1; shift; if "$@" >"$TMP/out" 2>&1; then not_ok "$d" "$(cat "$TMP/out")"; else ok "$d"; fi; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
new_db() {
    local db=migstat_schema_${RUN}_$1
    sql postgres "CREATE DATABASE \"$db\"" >/dev/null
    echo "$db"
}
cleanup() {
    local db roles
    # new_db runs in command substitutions (subshells), so this run's databases are found by name.
    for db in $(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'migstat\_schema\_${RUN}\_%'" 2>/dev/null); do
        roles=$(psql -X -At -d "$db" -c "SELECT string_agg(quote_ident(rolname), ' ') FROM pg_roles
                 WHERE rolname LIKE 'migstat\_' || (SELECT value FROM migstat.setting WHERE key = 'instance_tag') || '\_%'" 2>/dev/null || true)
        sql postgres "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
        for r in $roles; do sql postgres "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

# ---- fresh install ------------------------------------------------------------------------------------
FRESH=$(new_db fresh)
check "db init creates a database from scratch" "$BIN" db init --dsn "dbname=$FRESH"
check "a fresh database matches Tests/schema/snapshot.sql" Scripts/check-schema.sh --db "$FRESH"
"$BIN" db init --dsn "dbname=$FRESH" >"$TMP/second" 2>&1 || true
if grep -q "0 migration(s) applied" "$TMP/second" && ! grep -q "^applied\|^updated" "$TMP/second"; then
    ok "a second db init applies nothing"
else
    not_ok "a second db init applies nothing" "$(cat "$TMP/second")"
fi
check "after a second db init the database still matches the snapshot" Scripts/check-schema.sh --db "$FRESH"
ncat=$(sql "$FRESH" "SELECT count(*) FROM migstat.dimension")
[ "$ncat" = 15 ] && ok "db init writes the dimension catalogue (15 dimensions)" \
    || not_ok "db init writes the dimension catalogue (15 dimensions)" "found $ncat"
missing=$(sql "$FRESH" "SELECT coalesce(string_agg(d.name, ' '), '') FROM migstat.dimension d
                        WHERE d.is_record_column AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                              WHERE a.attrelid = 'migstat.records'::regclass AND a.attname = d.name AND NOT a.attisdropped)")
[ -z "$missing" ] && ok "every record dimension of the catalogue is a column of migstat.records" \
    || not_ok "every record dimension of the catalogue is a column of migstat.records" "missing: $missing"
nfiles=$(find Schemas/functions Schemas/views -name '*.sql' | wc -l)
nrec=$(sql "$FRESH" "SELECT count(*) FROM migstat.schema_objects")
[ "$nrec" = $((nfiles + 1)) ] && ok "every declarative file is recorded with its hash ($nrec)" \
    || not_ok "every declarative file is recorded with its hash" "recorded $nrec, files $((nfiles + 1))"

# ---- a hand edit in the database is found --------------------------------------------------------------
sql "$FRESH" "CREATE OR REPLACE FUNCTION migstat.caller_is(p_role name) RETURNS boolean LANGUAGE sql STABLE
              SET search_path = pg_catalog, pg_temp AS \$\$ SELECT true \$\$" >/dev/null
check_fails "the snapshot check fails after a function body is edited by hand" Scripts/check-schema.sh --db "$FRESH"

# ---- upgrade from the last build with numbered migrations ------------------------------------------------
LEGACY=$(new_db legacy)
# The numbered files of that commit are kept as a fixture (Tests/schema/legacy-$LEGACY_COMMIT/), so the
# test needs no git history (CI may clone shallow).
LEGACY_DIR=Tests/schema/legacy-$LEGACY_COMMIT
if [ -f "$LEGACY_DIR/0001_roles.sql" ]; then
    mkdir -p "$TMP/legacy/Schemas"
    cp "$LEGACY_DIR"/0*.sql "$TMP/legacy/Schemas/"
    # What that build's db init did: each numbered file in its own transaction, recorded with its SHA-256.
    sql "$LEGACY" "SELECT 1" >/dev/null
    for f in "$TMP"/legacy/Schemas/0*.sql; do
        name=$(basename "$f")
        psql -X -q -v ON_ERROR_STOP=1 -d "$LEGACY" >/dev/null 2>>"$TMP/legacy.log" <<SQL || fatal "legacy $name failed"
BEGIN;
\i $f
RESET ROLE;
INSERT INTO migstat.schema_migrations (version, name, sha256)
VALUES (${name:0:4}::integer, '$name', '$(sha256sum "$f" | cut -c1-64)');
COMMIT;
SQL
    done
    # Data made by that build's functions: a purpose and one batch of two records (codes by hand).
    psql -X -q -v ON_ERROR_STOP=1 -d "$LEGACY" >/dev/null 2>>"$TMP/legacy.log" <<'SQL' || { cat "$TMP/legacy.log" >&2; fatal "legacy data failed"; }
INSERT INTO migstat.code (dimension, id, code, label, sort_order) VALUES
    ('direction', 1, 'IN', 'in', 1), ('sex', 1, 'F', 'F', 1), ('country', 1, 'KGZ', 'KGZ', 1),
    ('migration_status', 1, 'REG', 'REG', 1), ('region', 1, 'KG-C', 'C', 1), ('reason', 1, 'OCC', 'O', 1),
    ('occupation', 1, '1', '1', 1), ('worker_category', 1, 'OTHER', 'O', 1), ('ethnicity', 1, 'KYR', 'K', 1),
    ('disability', 1, 'NODIS', 'N', 1);
SELECT migstat.purpose_add('legacy_purpose', 'upgrade test', '5 years');
BEGIN;
SELECT batch_id AS b FROM migstat.begin_batch('legacy-src', 'legacy_purpose', 'x.csv', repeat('a', 64)) \gset
COPY migstat_data.batch_1 (line_no, event_date, direction, sex, nationality, migration_status, record_id) FROM STDIN;
2	2024-01-01	1	1	1	1	r1
3	2024-01-02	1	1	1	1	r2
\.
SELECT count(*) FROM migstat.check_batch(:b, NULL);
SELECT migstat.finish_batch(:b, 2, 0);
COMMIT;
SQL
    if "$BIN" db init --dsn "dbname=$LEGACY" >"$TMP/upgrade" 2>&1; then
        ok "db init upgrades a database created by $LEGACY_COMMIT (numbered migrations 0001-0010)"
    else
        not_ok "db init upgrades a database created by $LEGACY_COMMIT (numbered migrations 0001-0010)" "$(cat "$TMP/upgrade")"
    fi
    check "the upgraded database matches the snapshot (same schema as a fresh init)" Scripts/check-schema.sh --db "$LEGACY"
    rows=$(sql "$LEGACY" "SELECT count(*) FROM migstat.records")
    [ "$rows" = 2 ] && ok "the upgraded database keeps its records" || not_ok "the upgraded database keeps its records" "$rows rows"
    recorded=$(sql "$LEGACY" "SELECT string_agg(version || ':' || name, ' ' ORDER BY version) FROM migstat.schema_migrations")
    case $recorded in
        "1:0001_baseline.sql 2:0002_declarative_layer.sql"*) ok "the squashed migrations are recorded as the baseline" ;;
        *) not_ok "the squashed migrations are recorded as the baseline" "$recorded" ;;
    esac
    # The exact engine (a flexible table of 2 records is refused: flexible_min_total); the upgrade gave them record keys.
    reasons=$(sql "$LEGACY" "SELECT count(*) FROM migstat.report_exact(ARRAY['sex']) WHERE (SELECT bool_and(record_key BETWEEN 0 AND 255) FROM migstat.records)")
    [ "${reasons:-0}" -gt 0 ] && ok "reports run on the upgraded database" || not_ok "reports run on the upgraded database"
else
    not_ok "the numbered migrations of $LEGACY_COMMIT are in $LEGACY_DIR (needed for the upgrade test)"
fi

# ---- the declarative layer: changed files are re-applied, privileges follow the file ------------------------
cp -r Schemas "$TMP/schemas"
printf '\n-- edited\n' >>"$TMP/schemas/functions/access/caller_is.sql"
"$BIN" db init --dsn "dbname=$FRESH" --schemas-dir "$TMP/schemas" >"$TMP/reapply" 2>&1 || true
if grep -q "updated functions/access/caller_is.sql" "$TMP/reapply" \
    && [ "$(grep -c '^updated' "$TMP/reapply")" = 2 ] && grep -q "updated privileges.sql" "$TMP/reapply"; then
    ok "a changed function file is re-applied, with privileges.sql and nothing else"
else
    not_ok "a changed function file is re-applied, with privileges.sql and nothing else" "$(cat "$TMP/reapply")"
fi
body=$(sql "$FRESH" "SELECT prosrc FROM pg_proc WHERE oid = 'migstat.caller_is(name)'::regprocedure")
case $body in *"pg_has_role"*) ok "re-applying the file repaired the hand-edited function" ;;
    *) not_ok "re-applying the file repaired the hand-edited function" "$body" ;; esac
grep -v "migstat.audit_verify(), migstat.extract_gaps() TO migstat_auditor" Schemas/privileges.sql >"$TMP/schemas/privileges.sql"
"$BIN" db init --dsn "dbname=$FRESH" --schemas-dir "$TMP/schemas" >"$TMP/privs" 2>&1 || true
granted=$(sql "$FRESH" "SELECT has_function_privilege('migstat_auditor', 'migstat.audit_verify()', 'EXECUTE')")
[ "$granted" = f ] && ok "a GRANT removed from privileges.sql disappears from the database" \
    || not_ok "a GRANT removed from privileges.sql disappears from the database" "$(cat "$TMP/privs")"
sql "$FRESH" "GRANT EXECUTE ON FUNCTION migstat.extract(text, text, text[], jsonb) TO migstat_analyst" >/dev/null
"$BIN" db init --dsn "dbname=$FRESH" >"$TMP/back" 2>&1 || true
granted=$(sql "$FRESH" "SELECT has_function_privilege('migstat_auditor', 'migstat.audit_verify()', 'EXECUTE'),
                               has_function_privilege('migstat_analyst', 'migstat.extract(text, text, text[], jsonb)', 'EXECUTE')")
[ "$granted" = "t|f" ] && ok "db init restores the file's privileges and revokes a grant made by hand" \
    || not_ok "db init restores the file's privileges and revokes a grant made by hand" "$granted $(cat "$TMP/back")"
check "after all that the database matches the snapshot again" Scripts/check-schema.sh --db "$FRESH"
rm "$TMP/schemas/functions/reports/report_period_end.sql"
"$BIN" db init --dsn "dbname=$FRESH" --schemas-dir "$TMP/schemas" >"$TMP/gone" 2>&1 || true
gone=$(sql "$FRESH" "SELECT count(*) FROM migstat.schema_objects WHERE path = 'functions/reports/report_period_end.sql'")
if grep -q "warning: functions/reports/report_period_end.sql was installed but no longer exists" "$TMP/gone" && [ "$gone" = 0 ]; then
    ok "a deleted function file is reported (its object stays until a migration drops it) and unrecorded"
else
    not_ok "a deleted function file is reported (its object stays until a migration drops it) and unrecorded" "$(cat "$TMP/gone")"
fi
printf '\n-- edited\n' >>"$TMP/schemas/migrations/0002_declarative_layer.sql"
if "$BIN" db init --dsn "dbname=$FRESH" --schemas-dir "$TMP/schemas" >"$TMP/mig" 2>&1; then
    not_ok "an applied migration that was edited is refused" "$(cat "$TMP/mig")"
elif grep -q "0002_declarative_layer.sql was changed after it was applied" "$TMP/mig"; then
    ok "an applied migration that was edited is refused"
else
    not_ok "an applied migration that was edited is refused" "$(cat "$TMP/mig")"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

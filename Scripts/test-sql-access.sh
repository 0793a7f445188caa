#!/usr/bin/env bash
# Proves migstat's access control inside PostgreSQL: every forbidden path fails with SQLSTATE 42501
# (or a documented error) or returns nothing, every allowed path works, and the catalog has the
# properties the model rests on. See Docs/GUARANTEES.md for what each check proves.
#
#   Scripts/test-sql-access.sh                 run the suite against the private cluster (Scripts/pg.sh)
#   Scripts/test-sql-access.sh --keep          keep the database and roles afterwards (prints their names)
#   Scripts/test-sql-access.sh --verbose       also print psql's error output (the expected errors too)
#   Scripts/test-sql-access.sh --break 'SQL'   run SQL as superuser after the data is loaded and before
#                                              the checks (repeatable): to see checks fail, e.g.
#                                              --break 'GRANT SELECT ON migstat_data.purpose_1 TO migstat_analyst'
#
# Each run creates a database with a random name, applies Schemas/0*.sql in order as superuser,
# loads the code lists, creates one login per role kind (names unique to the run; roles are
# cluster-wide), declares purposes A, B (and C), imports records as the loaders, then runs
# Tests/sql/access/*.sql connected AS each login (psql -U, never SET ROLE). Everything it created
# (database, logins, the purposes' compartment roles) is dropped on exit. The shared group roles
# migstat_* are left alone: other databases of the cluster use them.
#
# Output: one line per check, `ok - ...` or `not ok - ...`, `# ...` notes, and last
# `N passed, M failed`. Exit status 1 when any check failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KEEP=""
VERBOSE=""
BREAKS=()
while [ $# -gt 0 ]; do
    case $1 in
        --keep) KEEP=1 ;;
        --verbose) VERBOSE=1 ;;
        --break) [ $# -ge 2 ] || fatal "--break needs an SQL statement"; BREAKS+=("$2"); shift ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) fatal "unknown option $1 (see --help)" ;;
    esac
    shift
done

SQL_DIR=$MIGSTAT_ROOT/Tests/sql/access
eval "$("$MIGSTAT_ROOT/Scripts/pg.sh" env)"
if ! psql -X -q -At -c 'SELECT 1' >/dev/null 2>&1; then
    "$MIGSTAT_ROOT/Scripts/pg.sh" start
fi
SUPERUSER=$PGUSER

RUN=$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')
DB=migstat_access_$RUN
PREFIX=acc_${RUN}_
KINDS=(loader loader_b analyst steward steward_x auditor admin nobody)
PA=acc_a PB=acc_b PC=acc_c
TMP=$(mktemp -d "${TMPDIR:-/tmp}/migstat-access.XXXXXX")
LOG=$TMP/psql.log
: >"$LOG"
PASS=0
FAIL=0
DB_CREATED=""
OTHER_DB=${DB}_other
OTHER_CREATED=""

sql_super() { psql -X -q -At -v ON_ERROR_STOP=1 -U "$SUPERUSER" -d "$1" -c "$2"; }

cleanup() {
    local status=$?
    set +e
    if [ -n "$KEEP" ]; then
        log "kept: databases $DB and $OTHER_DB, logins ${PREFIX}{$(IFS=,; echo "${KINDS[*]}")}, psql log $LOG"
        exit "$status"
    fi
    if [ -n "$DB_CREATED" ]; then
        # The compartment roles of this database's purposes (their names carry its instance tag).
        local roles
        roles=$(sql_super "$DB" "SELECT migstat.compartment_role(p.name, k) FROM migstat.purpose p,
                                        unnest(ARRAY['load', 'read', 'special']) k" 2>/dev/null)
        sql_super postgres "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null
        local r
        for r in $roles; do
            sql_super postgres "DROP ROLE IF EXISTS \"$r\"" >/dev/null
        done
    fi
    [ -n "${TRAP_ROLE:-}" ] && sql_super postgres "DROP ROLE IF EXISTS \"$TRAP_ROLE\"" >/dev/null
    if [ -n "$OTHER_CREATED" ]; then
        sql_super postgres "DROP DATABASE IF EXISTS \"$OTHER_DB\" WITH (FORCE)" >/dev/null
    fi
    local k
    for k in "${KINDS[@]}"; do
        sql_super postgres "DROP ROLE IF EXISTS \"$PREFIX$k\"" >/dev/null 2>&1
    done
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Psql variables every script may use.
VARS=(-v "run=$RUN" -v "pa=$PA" -v "pb=$PB" -v "pc=$PC" -v "prefix=$PREFIX" -v "out=$TMP/out"
      -v "copyfile=$TMP/copy.sql")
for k in "${KINDS[@]}"; do
    VARS+=(-v "u_$k=$PREFIX$k")
done

# run_sql USER LABEL FILE [psql args...]: runs Tests/sql/access/FILE connected as USER and
# accounts for the `ok - ` / `not ok - ` lines it prints. A script that does not reach its
# `__end__` marker (psql died, or aborted under ON_ERROR_STOP) counts as a failed check.
run_sql() {
    local user=$1 label=$2 file=$3
    shift 3
    local rc=0 ended="" line
    local err=$TMP/stderr
    psql -X -q -At -d "$DB" -U "$user" "${VARS[@]}" "$@" -f "$SQL_DIR/$file" >"$TMP/stdout" 2>"$err" || rc=$?
    {
        printf -- '--- %s as %s\n' "$file" "$label"
        cat "$err"
    } >>"$LOG"
    while IFS= read -r line; do
        case $line in
            "ok - "*) PASS=$((PASS + 1)); printf '%s\n' "$line" ;;
            "not ok - "*) FAIL=$((FAIL + 1)); printf '%s\n' "$line" ;;
            __end__) ended=1 ;;
            "#"*) printf '%s\n' "$line" ;;
            "") ;;
            *) printf '# %s: %s\n' "$file" "$line" ;;
        esac
    done <"$TMP/stdout"
    if [ -n "$VERBOSE" ] && [ -s "$err" ]; then
        sed "s/^/# [$label] /" "$err"
    fi
    if [ "$rc" -ne 0 ] || [ -z "$ended" ]; then
        FAIL=$((FAIL + 1))
        printf 'not ok - %s as %s ran to completion (psql exit %s)\n' "$file" "$label" "$rc"
        tail -n 5 "$err" | sed 's/^/#   /'
    fi
}

# ---- database, schema, codes -------------------------------------------------------------------
log "database $DB, logins $PREFIX*"
sql_super postgres "CREATE DATABASE \"$DB\"" >/dev/null
DB_CREATED=1
for f in "$MIGSTAT_ROOT"/Schemas/0*.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -1 -U "$SUPERUSER" -d "$DB" -f "$f" >/dev/null 2>>"$LOG" \
        || { cat "$LOG" >&2; fatal "applying $(basename "$f") failed"; }
done
TAG=$(sql_super "$DB" "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")
VARS+=(-v "tag=$TAG" -v "ptrap=acc_trap")
# Finding F6: a role that already carries the name of a future compartment role must not be adopted.
sql_super "$DB" "CREATE ROLE \"migstat_${TAG}_acc_trap_load\" NOLOGIN" >/dev/null
TRAP_ROLE="migstat_${TAG}_acc_trap_load"
echo "# database $DB (instance tag $TAG), schema files: $(cd "$MIGSTAT_ROOT/Schemas" && echo 0*.sql)"
tail -q -n +2 "$MIGSTAT_ROOT"/Schemas/codes/*.csv >"$TMP/codes.csv"
run_sql "$SUPERUSER" superuser 00_codes.sql <"$TMP/codes.csv"

# ---- logins: one per role kind, plus one with no migstat role at all --------------------------
for k in "${KINDS[@]}"; do
    sql_super "$DB" "CREATE ROLE \"$PREFIX$k\" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB" >/dev/null
done
# The first administrator cannot be granted through migstat.access_grant (which needs one). It
# also gets CONNECT, should the schema ever stop granting it to PUBLIC (finding F4).
sql_super "$DB" "GRANT migstat_admin TO \"${PREFIX}admin\"" >/dev/null
sql_super "$DB" "GRANT CONNECT ON DATABASE \"$DB\" TO \"${PREFIX}admin\"" >/dev/null

# ---- purposes, grants, imports ------------------------------------------------------------------
run_sql "${PREFIX}admin" admin 01_admin_setup.sql
run_sql "${PREFIX}loader_b" loader_b 20_load_b.sql
run_sql "${PREFIX}loader" loader 21_loader.sql

rel_of() { sql_super "$DB" "$1"; }
PA_ID=$(rel_of "SELECT id FROM migstat.purpose WHERE name = '$PA'")
PB_ID=$(rel_of "SELECT id FROM migstat.purpose WHERE name = '$PB'")
A1_ID=$(rel_of "SELECT min(id) FROM migstat.batch WHERE purpose_id = $PA_ID")
B1_ID=$(rel_of "SELECT min(id) FROM migstat.batch WHERE purpose_id = $PB_ID")
VARS+=(-v "pa_rel=migstat_data.purpose_$PA_ID" -v "pb_rel=migstat_data.purpose_$PB_ID"
       -v "a1_rel=migstat_data.batch_$A1_ID" -v "b1_rel=migstat_data.batch_$B1_ID")
echo "# purpose A = migstat_data.purpose_$PA_ID (batch_$A1_ID, ...), purpose B = migstat_data.purpose_$PB_ID (batch_$B1_ID)"

for sql in ${BREAKS[@]+"${BREAKS[@]}"}; do
    echo "# --break (as superuser): $sql"
    sql_super "$DB" "$sql" >/dev/null || fatal "--break statement failed"
done
# Planner statistics exist for the record tables (pg_stats must still not show them).
sql_super "$DB" "ANALYZE" >/dev/null

# ---- each role's job and limits -------------------------------------------------------------------
run_sql "${PREFIX}steward" steward 30_steward.sql
run_sql "${PREFIX}steward_x" steward_x 31_steward_x.sql
run_sql "${PREFIX}analyst" analyst 40_analyst.sql
run_sql "${PREFIX}auditor" auditor 50_auditor.sql
run_sql "${PREFIX}admin" admin 60_admin.sql

# ---- every login: record tables by name, audit log, statistics, DDL, leaky functions -----------
for k in "${KINDS[@]}"; do
    if ! psql -X -q -At -U "$PREFIX$k" -d "$DB" -c 'SELECT 1' >/dev/null 2>>"$LOG"; then
        # Stronger than any probe below (e.g. `nobody` once CONNECT is no longer PUBLIC's).
        PASS=$((PASS + 1))
        echo "ok - $k: cannot even connect to the database"
        continue
    fi
    run_sql "$PREFIX$k" "$k" 70_every_role.sql -v "who=$k"
    run_sql "$PREFIX$k" "$k" 71_leaky.sql -v "who=$k"
done

# ---- catalog ----------------------------------------------------------------------------------------
run_sql "$SUPERUSER" superuser 80_catalog.sql
run_sql "${PREFIX}auditor" auditor 81_access_view.sql

# ---- roles are cluster-wide: a second migstat database in the same cluster ------------------------
# The logins' memberships (migstat_admin, migstat_auditor, ...) are cluster-wide. In another
# migstat database they must not be able to connect, or hold no privilege there.
sql_super postgres "CREATE DATABASE \"$OTHER_DB\"" >/dev/null
OTHER_CREATED=1
for f in "$MIGSTAT_ROOT"/Schemas/0*.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -1 -U "$SUPERUSER" -d "$OTHER_DB" -f "$f" >/dev/null 2>>"$LOG" \
        || fatal "applying $(basename "$f") to $OTHER_DB failed"
done
OTHER_Q="SELECT count(*) || coalesce(': ' || string_agg(o, ', '), '') FROM (
    SELECT p.oid::regprocedure::text AS o FROM pg_proc p WHERE p.pronamespace = 'migstat'::regnamespace
       AND has_function_privilege(p.oid, 'EXECUTE')
    UNION ALL
    SELECT c.oid::regclass::text FROM pg_class c WHERE c.relnamespace = 'migstat'::regnamespace
       AND c.relkind IN ('r', 'v', 'p') AND has_table_privilege(c.oid, 'SELECT')) x"
CARRIED=()
for k in admin auditor steward loader analyst; do
    if res=$(psql -X -q -At -U "$PREFIX$k" -d "$OTHER_DB" -c "$OTHER_Q" 2>>"$LOG"); then
        [ "${res%%:*}" = 0 ] || CARRIED+=("$k: ${res:0:100}...")
    fi
done
if [ ${#CARRIED[@]} -eq 0 ]; then
    PASS=$((PASS + 1))
    echo "ok - cluster: the logins' migstat roles give them nothing in another migstat database of the cluster"
else
    FAIL=$((FAIL + 1))
    echo "not ok - cluster: the logins' migstat roles give them nothing in another migstat database of the cluster"
    echo "#   connected to $OTHER_DB, where they hold (count: first privileges):"
    printf '#     %s\n' "${CARRIED[@]}"
fi

# ---- audit chain: intact after everything, then tampered and detected ------------------------------
run_sql "${PREFIX}auditor" auditor 90_audit_chain.sql
run_sql "$SUPERUSER" superuser 91_tamper.sql
run_sql "${PREFIX}auditor" auditor 92_audit_detect.sql

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

#!/usr/bin/env bash
# Proves migstat's access control inside PostgreSQL: every forbidden path fails with SQLSTATE 42501
# (or a documented error) or returns nothing, every allowed path works, the privilege matrix is
# exactly the one stated in Tests/sql/access/82_privileges.sql, and the catalog has the properties
# the model rests on. See Docs/GUARANTEES.md for what each check proves, Tests/sql/README.md for
# how the suite is organised.
#
#   Scripts/test-sql-access.sh                 run the suite against the private cluster (Scripts/pg.sh)
#   Scripts/test-sql-access.sh --keep          keep the database and roles afterwards (prints their names)
#   Scripts/test-sql-access.sh --verbose       also print psql's error output (the expected errors too)
#   Scripts/test-sql-access.sh --break 'SQL'   run SQL as superuser after the data is loaded and before
#                                              the checks (repeatable): to see checks fail, e.g.
#                                              --break 'GRANT SELECT ON migstat_data.purpose_1 TO migstat_analyst'
#
# Each run creates a database with a random name and builds it with the real installer (`migstat
# db init`: schema and shipped code lists), installs pgTAP in its own schema `tap`, creates one
# login per role kind (names unique to the run; roles are cluster-wide), declares purposes A, B
# (and C), imports records as the loaders, then runs the pgTAP files Tests/sql/access/[0-9]*.sql
# with pg_prove connected AS each login (pg_prove -U, never SET ROLE). Everything it created
# (databases, logins, the purposes' compartment roles) is dropped on exit. The shared group roles
# migstat_* are left alone: other databases of the cluster use them.
#
# Output: one line per check (`ok N - ...` / `not ok N - ...`, numbered per file, with pgTAP's
# diagnostics as `# ...`), and last `N passed, M failed`. A file that dies half-way or does not
# run its planned number of checks counts as one more failure. Exit status 1 when any check failed.
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
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) fatal "unknown option $1 (see --help)" ;;
    esac
    shift
done

ensure_base_packages
SQL_DIR=$MIGSTAT_ROOT/Tests/sql/access
eval "$("$MIGSTAT_ROOT/Scripts/pg.sh" env)"
if ! psql -X -q -At -c 'SELECT 1' >/dev/null 2>&1; then
    "$MIGSTAT_ROOT/Scripts/pg.sh" start
fi
SUPERUSER=$PGUSER
MIGSTAT_BIN=${MIGSTAT_BIN:-$(cd "$MIGSTAT_ROOT" && swift build --show-bin-path)/migstat}
if [ ! -x "$MIGSTAT_BIN" ]; then
    (cd "$MIGSTAT_ROOT" && swift build --product migstat) >&2
fi

RUN=$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')
DB=migstat_access_$RUN
PREFIX=acc_${RUN}_
KINDS=(loader loader_b analyst steward steward_x auditor admin nobody)
PA=acc_a PB=acc_b PC=acc_c
TMP=$(mktemp -d "${TMPDIR:-/tmp}/migstat-access.XXXXXX")
chmod 755 "$TMP"
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

# init_db NAME: a new database built by the real installer, as the superuser.
init_db() {
    sql_super postgres "CREATE DATABASE \"$1\"" >/dev/null
    (cd "$MIGSTAT_ROOT" && "$MIGSTAT_BIN" db init --dsn "dbname=$1 user=$SUPERUSER") >>"$LOG" 2>&1 \
        || { cat "$LOG" >&2; fatal "migstat db init of $1 failed"; }
}

# Psql variables every file may use (pg_prove --set).
SETS=(--set "run=$RUN" --set "pa=$PA" --set "pb=$PB" --set "pc=$PC" --set "prefix=$PREFIX"
      --set "copyfile=$TMP/copy.sql" --set "copyout=$TMP/copy.out")
for k in "${KINDS[@]}"; do
    SETS+=(--set "u_$k=$PREFIX$k")
done

# run_tap USER LABEL FILE [pg_prove args...]: runs the pgTAP file Tests/sql/access/FILE with
# pg_prove connected as USER, prints its check lines and accounts for them. A file that dies,
# exits non-zero or does not run its plan counts as one more failed check.
run_tap() {
    local user=$1 label=$2 file=$3
    shift 3
    local rc=0 out=$TMP/tap.out err=$TMP/tap.err passed failed
    pg_prove --verbose --nocolor --norc -d "$DB" -U "$user" "${SETS[@]}" "$@" "$SQL_DIR/$file" >"$out" 2>"$err" || rc=$?
    {
        printf -- '--- %s as %s\n' "$file" "$label"
        cat "$err"
    } >>"$LOG"
    echo "# $file as $label"
    grep -E '^(not )?ok [0-9]+|^#' "$out" || true
    passed=$(grep -cE '^ok [0-9]+' "$out" || true)
    failed=$(grep -cE '^not ok [0-9]+' "$out" || true)
    PASS=$((PASS + passed))
    FAIL=$((FAIL + failed))
    if [ -n "$VERBOSE" ] && [ -s "$err" ]; then
        sed "s/^/# [$label] /" "$err"
    fi
    if grep -qE '^ *(Parse errors|Non-zero exit status|Dubious|No subtests run)' "$out" || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
        FAIL=$((FAIL + 1))
        printf 'not ok - %s as %s ran to completion with its plan (pg_prove exit %s)\n' "$file" "$label" "$rc"
        grep -E '^ *(Parse errors|Non-zero exit status|Dubious|No subtests run)' "$out" | sed 's/^ */#   /' || true
        tail -n 5 "$err" | sed 's/^/#   /'
    fi
}

# ---- database (migstat db init), pgTAP, the trap role -----------------------------------------
log "database $DB, logins $PREFIX*"
DB_CREATED=1
init_db "$DB"
sql_super "$DB" "CREATE SCHEMA tap; CREATE EXTENSION pgtap SCHEMA tap; GRANT USAGE ON SCHEMA tap TO PUBLIC" >/dev/null
TAG=$(sql_super "$DB" "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")
SETS+=(--set "tag=$TAG" --set "ptrap=acc_trap")
# Finding F6: a role that already carries the name of a future compartment role must not be adopted.
sql_super "$DB" "CREATE ROLE \"migstat_${TAG}_acc_trap_load\" NOLOGIN" >/dev/null
TRAP_ROLE="migstat_${TAG}_acc_trap_load"
echo "# database $DB (instance tag $TAG), built by migstat db init: $(sql_super "$DB" "SELECT string_agg(name, ' ' ORDER BY version) FROM migstat.schema_migrations")"
run_tap "$SUPERUSER" superuser 00_setup.sql

# ---- logins: one per role kind, plus one with no migstat role at all --------------------------
for k in "${KINDS[@]}"; do
    sql_super "$DB" "CREATE ROLE \"$PREFIX$k\" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB" >/dev/null
done
# The first administrator cannot be granted through migstat.access_grant (which needs one). It
# also gets CONNECT, which the schema does not grant to PUBLIC (finding F4).
sql_super "$DB" "GRANT migstat_admin TO \"${PREFIX}admin\"" >/dev/null
sql_super "$DB" "GRANT CONNECT ON DATABASE \"$DB\" TO \"${PREFIX}admin\"" >/dev/null

# ---- purposes, grants, imports ------------------------------------------------------------------
run_tap "${PREFIX}admin" admin 01_admin_setup.sql
run_tap "${PREFIX}loader_b" loader_b 20_load_b.sql
run_tap "${PREFIX}loader" loader 21_loader.sql
run_tap "${PREFIX}loader_b" loader_b 22_load_b_after.sql
run_tap "${PREFIX}loader" loader 23_loader_after.sql

rel_of() { sql_super "$DB" "$1"; }
PA_ID=$(rel_of "SELECT id FROM migstat.purpose WHERE name = '$PA'")
PB_ID=$(rel_of "SELECT id FROM migstat.purpose WHERE name = '$PB'")
A1_ID=$(rel_of "SELECT min(id) FROM migstat.batch WHERE purpose_id = $PA_ID")
B1_ID=$(rel_of "SELECT min(id) FROM migstat.batch WHERE purpose_id = $PB_ID")
SETS+=(--set "pa_rel=migstat_data.purpose_$PA_ID" --set "pb_rel=migstat_data.purpose_$PB_ID"
       --set "a1_rel=migstat_data.batch_$A1_ID" --set "b1_rel=migstat_data.batch_$B1_ID")
echo "# purpose A = migstat_data.purpose_$PA_ID (batch_$A1_ID, ...), purpose B = migstat_data.purpose_$PB_ID (batch_$B1_ID)"

for sql in ${BREAKS[@]+"${BREAKS[@]}"}; do
    echo "# --break (as superuser): $sql"
    sql_super "$DB" "$sql" >/dev/null || fatal "--break statement failed"
done
# Planner statistics exist for the record tables (pg_stats must still not show them).
sql_super "$DB" "ANALYZE" >/dev/null

# ---- each role's job and limits -------------------------------------------------------------------
run_tap "${PREFIX}steward" steward 30_steward.sql
run_tap "${PREFIX}steward_x" steward_x 31_steward_x.sql
run_tap "${PREFIX}analyst" analyst 40_analyst.sql
run_tap "${PREFIX}auditor" auditor 50_auditor.sql
run_tap "${PREFIX}admin" admin 60_admin.sql

# ---- every login: record tables by name, audit log, statistics, DDL, leaky functions -----------
for k in "${KINDS[@]}"; do
    if ! psql -X -q -At -U "$PREFIX$k" -d "$DB" -c 'SELECT 1' >/dev/null 2>>"$LOG"; then
        # Stronger than any probe below (e.g. `nobody`: CONNECT is not PUBLIC's).
        PASS=$((PASS + 1))
        echo "ok - $k: cannot even connect to the database"
        continue
    fi
    run_tap "$PREFIX$k" "$k" 70_every_role.sql --set "who=$k"
    run_tap "$PREFIX$k" "$k" 71_leaky.sql --set "who=$k"
    run_tap "$PREFIX$k" "$k" 72_profiles.sql --set "who=$k"
done

# ---- catalog and privilege matrix -------------------------------------------------------------------
run_tap "$SUPERUSER" superuser 80_catalog.sql
run_tap "${PREFIX}auditor" auditor 81_access_view.sql
run_tap "$SUPERUSER" superuser 82_privileges.sql

# ---- roles are cluster-wide: a second migstat database in the same cluster ------------------------
# The logins' memberships (migstat_admin, migstat_auditor, ...) are cluster-wide. In another
# migstat database (built by migstat db init too) they must not be able to connect, or hold no
# privilege there. Only migstat's schema is looked at (that database has no pgTAP).
OTHER_CREATED=1
init_db "$OTHER_DB"
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
run_tap "${PREFIX}auditor" auditor 90_audit_chain.sql
run_tap "$SUPERUSER" superuser 93_audit_tamper.sql
run_tap "$SUPERUSER" superuser 91_tamper.sql
run_tap "${PREFIX}auditor" auditor 92_audit_detect.sql

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

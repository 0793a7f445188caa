#!/usr/bin/env bash
# SDMX-CSV and XLSX output (issue 13, items 1 and 7) checked by independent readers: the PyPI packages
# sdmx1 (reads the shipped SDMX-ML 2.1 structure and the SDMX-CSV 2.0 of many reports against it) and
# openpyxl (reads the xlsx of a report and compares it with the csv of the same report).
#
# Creates its own database with a random name (`migstat db init`), an admin login (GRANT migstat_admin),
# a loader and an analyst (granted with `migstat access grant`), imports 4,000 generated records
# (Scripts/generate-batch.py, fixed seed) and the sample estimates as the loader, declares and releases a
# table with a period unit as the admin, runs differently shaped and filtered reports as the analyst
# (Tests/sdmx/reports.txt), then Tests/sdmx/check_sdmx.py and Tests/sdmx/check_xlsx.py. Drops everything
# it created.
#
#   Scripts/test-sql-sdmx.sh          prints "ok N - name" / "not ok N - name", last "N passed, M failed"
#   Scripts/test-sql-sdmx.sh --keep   keep the database, logins and output directory
#
# A missing prerequisite (PostgreSQL, the migstat binary, sdmx1 or openpyxl) is a failure, never a skip.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_base_packages
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

keep=0
[ "${1:-}" = "--keep" ] && keep=1

passed=0
failed=0
fail_now() {
    echo "not ok - $1"
    echo "$passed passed, $((failed + 1)) failed"
    exit 1
}

if ! python3 -c 'import sdmx, openpyxl' 2>/dev/null; then
    python3 -m pip --version >/dev/null 2>&1 || ensure_packages python3-pip
    python3 -m pip install -q sdmx1 openpyxl >/dev/null 2>&1 \
        || python3 -m pip install -q --break-system-packages sdmx1 openpyxl >/dev/null 2>&1 || true
    python3 -c 'import sdmx, openpyxl' 2>/dev/null || fail_now "python3 with sdmx1 and openpyxl (pip install sdmx1 openpyxl)"
fi

if ! Scripts/pg.sh status >/dev/null 2>&1; then
    Scripts/pg.sh start
fi
eval "$(Scripts/pg.sh env)"

suffix=$(od -An -tx1 -N4 /dev/urandom | tr -d ' \n')
DB=migstat_sdmx_$suffix
ADMIN=sdmx_${suffix}_admin
LOADER=sdmx_${suffix}_loader
ANALYST=sdmx_${suffix}_analyst
LOGINS="$ADMIN $LOADER $ANALYST"
OUT=$(mktemp -d)
tag=""

cleanup() {
    local rc=$?
    if [ "$keep" = 1 ]; then
        echo "# kept database $DB, logins $LOGINS, output $OUT" >&2
    else
        drop_suite_objects "$DB" "$tag" $LOGINS
        rm -rf "$OUT"
    fi
    exit $rc
}
trap cleanup EXIT

BIN=${MIGSTAT_INIT_BIN:-$(swift build --show-bin-path)/migstat}
if [ ! -x "$BIN" ]; then
    swift build --product migstat >&2 || fail_now "swift build --product migstat"
fi
export MIGSTAT_KEY_DIR=$OUT/keys
createdb "$DB"
"$BIN" db init --dsn "dbname=$DB" >"$OUT/db-init.log" 2>&1 || { sed 's/^/#   /' "$OUT/db-init.log"; fail_now "migstat db init"; }
tag=$(psql -X -At -d "$DB" -c "SELECT value FROM migstat.setting WHERE key = 'instance_tag'")
for r in $LOGINS; do psql -X -q -d "$DB" -c "CREATE ROLE $r LOGIN" >/dev/null; done
psql -X -q -d "$DB" -c "GRANT migstat_admin TO $ADMIN" -c "GRANT CONNECT ON DATABASE \"$DB\" TO $ADMIN" >/dev/null

as() { local who=$1; shift; "$BIN" "$@" --dsn "dbname=$DB user=$who"; }
setup() { # one setup step; its output goes to the log, a failure ends the run
    local name=$1; shift
    if ! "$@" >>"$OUT/setup.log" 2>&1; then
        tail -n 20 "$OUT/setup.log" | sed 's/^/#   /'
        fail_now "$name"
    fi
}
setup "purpose add" as "$ADMIN" purpose add flows_2024 --description "SDMX test" --retain-until "5 years"
setup "grant loader" as "$ADMIN" access grant "$LOADER" loader --purpose flows_2024
setup "grant analyst" as "$ADMIN" access grant "$ANALYST" analyst
setup "generate batch" python3 Scripts/generate-batch.py --rows 4000 --seed 13 "$OUT/batch.csv"
setup "import as loader" as "$LOADER" import "$OUT/batch.csv" --source border --purpose flows_2024
setup "estimates import" as "$LOADER" estimates import SampleData/estimates-2024.csv --source study-2024 --purpose flows_2024
setup "tables declare" as "$ADMIN" tables declare sex_age_year --purpose flows_2024 --title "Entries and exits by sex, age and year" \
    --by sex,age --age-bands "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+" --period-unit year
setup "tables declare (filtered)" as "$ADMIN" tables declare direction_kgz --purpose flows_2024 --title "Kyrgyz nationals by direction" \
    --by direction --filter nationality=KGZ --period-unit year
setup "tables declare (no period)" as "$ADMIN" tables declare by_sex --purpose flows_2024 --title "Entries and exits by sex" \
    --by sex
setup "tables release" as "$ADMIN" tables release --purpose flows_2024
echo "# database $DB: $(psql -X -At -d "$DB" -c "SELECT count(*) FROM migstat.records") records"

# The shipped structure is what Scripts/make-sdmx-structure.py makes of the shipped code lists.
n=1
if python3 Scripts/make-sdmx-structure.py --check 2>"$OUT/check.err"; then
    echo "ok $n - Schemas/sdmx/MIGSTAT_MIGRATION_FLOWS.xml is up to date with Schemas/codes/"; passed=$((passed + 1))
else
    echo "not ok $n - Schemas/sdmx/MIGSTAT_MIGRATION_FLOWS.xml is up to date with Schemas/codes/"
    sed 's/^/#   /' "$OUT/check.err"; failed=$((failed + 1))
fi

# The reports (Tests/sdmx/reports.txt: NAME, then the report options), as the analyst.
mkdir -p "$OUT/sdmx"
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    name=${line%% *}
    eval "args=(${line#* })"
    n=$((n + 1))
    if as "$ANALYST" report "${args[@]}" --format sdmx-csv --output "$OUT/sdmx/$name.csv" 2>"$OUT/sdmx/$name.err"; then
        echo "ok $n - report $name as sdmx-csv"
        passed=$((passed + 1))
    else
        echo "not ok $n - report $name as sdmx-csv"
        sed 's/^/#   /' "$OUT/sdmx/$name.err"
        failed=$((failed + 1))
    fi
done < Tests/sdmx/reports.txt

# A deployment's structure with coded SOURCE and PURPOSE (CL_SOURCE, CL_PURPOSE).
python3 Scripts/make-sdmx-structure.py --source border --source study-2024 --purpose flows_2024 \
    --output "$OUT/coded-structure.xml"

# The same agency and dataflow given by options, with a structure written for them.
python3 Scripts/make-sdmx-structure.py --agency NSC_KG --dataflow MIG_FLOWS --version 2.0 --output "$OUT/nsc-structure.xml"
n=$((n + 1))
if as "$ANALYST" report --by sex,direction --period 2024 --sdmx-agency NSC_KG --sdmx-dataflow MIG_FLOWS \
        --sdmx-version 2.0 --format sdmx-csv --output "$OUT/nsc.csv" 2>"$OUT/nsc.err"; then
    echo "ok $n - report with --sdmx-agency/--sdmx-dataflow/--sdmx-version"; passed=$((passed + 1))
else
    echo "not ok $n - report with --sdmx-agency/--sdmx-dataflow/--sdmx-version"; sed 's/^/#   /' "$OUT/nsc.err"; failed=$((failed + 1))
fi

# What cannot be one SDMX key is refused (usage, exit 64), saying what to do, writing nothing.
refuse() { # NAME EXPECTED-TEXT OPTIONS...
    local name=$1 text=$2; shift 2
    n=$((n + 1))
    local rc=0
    as "$ANALYST" report "$@" --format sdmx-csv >"$OUT/refused.out" 2>"$OUT/refused.err" || rc=$?
    if [ "$rc" = 64 ] && [ ! -s "$OUT/refused.out" ] && grep -qF -- "$text" "$OUT/refused.err"; then
        echo "ok $n - refused: $name"; passed=$((passed + 1))
    else
        echo "not ok $n - refused: $name (exit $rc)"; sed 's/^/#   /' "$OUT/refused.err" "$OUT/refused.out" | head -5
        failed=$((failed + 1))
    fi
}
refuse "a two-code filter on a dimension not in --by" "add nationality to --by" --by sex --period 2024 --filter nationality=KGZ,UZB
refuse "a flexible table without a period" "give --period" --by sex
refuse "estimates without the period dimension" "needs period in --by" --by migration_status --period 2024 --with-estimates
refuse "a declared table without a period unit" "no period dimension" --table by_sex --purpose flows_2024
refuse "an agency that is not an SDMX id" "is not an SDMX id" --by sex --period 2024 --sdmx-agency "NSC.KG"

# XLSX and CSV of the same reports.
mkdir -p "$OUT/xlsx"
xlsx() { # NAME OPTIONS...
    local name=$1; shift
    n=$((n + 1))
    if as "$ANALYST" report "$@" --format xlsx --output "$OUT/xlsx/$name.xlsx" 2>"$OUT/xlsx/$name.err" \
       && as "$ANALYST" report "$@" --format csv --output "$OUT/xlsx/$name.csv" 2>>"$OUT/xlsx/$name.err"; then
        echo "ok $n - report $name as xlsx and csv"; passed=$((passed + 1))
    else
        echo "not ok $n - report $name as xlsx and csv"; sed 's/^/#   /' "$OUT/xlsx/$name.err"; failed=$((failed + 1))
    fi
}
xlsx flexible_sex_age --by sex,age --period 2024 --filter nationality=KGZ
xlsx flexible_estimates --by migration_status,sex,period --with-estimates
xlsx declared_sex_age --table sex_age_year --purpose flows_2024
n=$((n + 1))
if as "$ANALYST" report --table all --purpose flows_2024 --format xlsx --output "$OUT/programme.xlsx" 2>"$OUT/programme.err"; then
    echo "ok $n - the whole programme (--table all) as one workbook"; passed=$((passed + 1))
else
    echo "not ok $n - the whole programme (--table all) as one workbook"; sed 's/^/#   /' "$OUT/programme.err"; failed=$((failed + 1))
fi
refuse "several tables in another format than xlsx" "is for --format xlsx" --table sex_age_year,by_sex --purpose flows_2024

export SDMX_OUT=$OUT SDMX_STRUCTURE=$ROOT/Schemas/sdmx/MIGSTAT_MIGRATION_FLOWS.xml SDMX_FIRST=$((n + 1))
export PYTHONDONTWRITEBYTECODE=1
for check in check_sdmx check_xlsx; do
    rc=0
    python3 "Tests/sdmx/$check.py" >"$OUT/$check.out" 2>"$OUT/$check.err" || rc=$?
    cat "$OUT/$check.out"
    p=$(grep -cE '^ok ' "$OUT/$check.out" || true)
    f=$(grep -cE '^not ok ' "$OUT/$check.out" || true)
    passed=$((passed + p)); failed=$((failed + f))
    if { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; } || [ "$((p + f))" -eq 0 ]; then
        failed=$((failed + 1)); echo "not ok - $check ran to completion (exit $rc)"
    fi
    [ -s "$OUT/$check.err" ] && { [ "$rc" -ne 0 ] || [ "$f" -gt 0 ]; } && tail -n 30 "$OUT/$check.err" | sed 's/^/#   /'
    SDMX_FIRST=$((SDMX_FIRST + p + f)); export SDMX_FIRST
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The README's first command: sets everything up and runs the main job on the sample data.
# Installs what is missing, builds migstat, starts the project's private PostgreSQL, creates a
# fresh demo database with one login user per role, declares a purpose, imports the sample
# batches (one of them with typical errors), declares and releases the purpose's output programme
# (the sex-age pyramid and migration status by disability, exact counts), runs flexible (perturbed)
# reports, and prints what happened.
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

ensure_base_packages
command -v swift >/dev/null || fatal "Swift 6.3 is required (https://www.swift.org/install/)"
log "building migstat"
swift build --product migstat 2>&1 | tail -n 1
BIN=$(swift build --show-bin-path)/migstat

Scripts/pg.sh start
eval "$(Scripts/pg.sh env)"
export PGDATABASE=migstat_demo
export MIGSTAT_KEY_DIR=$MIGSTAT_ROOT/.demo/keys
rm -rf "$MIGSTAT_ROOT/.demo" && mkdir -p "$MIGSTAT_ROOT/.demo"
cp SampleData/*.csv "$MIGSTAT_ROOT/.demo/"

psql -q -d postgres -c "DROP DATABASE IF EXISTS migstat_demo" -c "CREATE DATABASE migstat_demo" 2>/dev/null
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step migstat db init
"$BIN" db init
for who in admin loader analyst steward auditor; do
    psql -q -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'demo_$who') THEN CREATE ROLE demo_$who LOGIN; END IF; END \$\$"
done
psql -q -c "GRANT migstat_admin TO demo_admin" -c "GRANT CONNECT ON DATABASE migstat_demo TO demo_admin"

as() { local who=$1; shift; step "migstat $* (as demo_$who)"; "$BIN" "$@" --dsn "user=demo_$who"; }
as admin purpose add labour_2024 --description "Labour migration flows, 2024 (CMW report, para. 20(a))" --retain-until "5 years"
as admin access grant demo_loader loader --purpose labour_2024
as admin access grant demo_steward steward --purpose labour_2024
as admin access grant demo_analyst analyst
as admin access grant demo_auditor auditor
as loader import .demo/border-2024.csv --source border --purpose labour_2024
as loader import .demo/labour-registry-2024.csv --source labour-registry --purpose labour_2024 --delimiter ';'
set +e
as loader import .demo/consulate-2024-errors.csv --source consulate --purpose labour_2024
echo "(exit status $?: strict by default, nothing stored)"
set -e
step "cat .demo/consulate-2024-errors.csv.rejects.csv"
cat .demo/consulate-2024-errors.csv.rejects.csv
as loader import .demo/consulate-2024-errors.csv --source consulate --purpose labour_2024 --max-rejects 10 --rejects .demo/consulate.rejects.csv
set +e
as loader import .demo/border-2024.csv --source border --purpose labour_2024
echo "(exit status $?: the same file is refused)"
set -e
# Batches in the sources' own layouts, through their mapping profiles (README.md, "Mapping profiles").
step "migstat profile check SampleData/profiles/border-export.yaml .demo/border-export-2024.csv --rows 1"
"$BIN" profile check SampleData/profiles/border-export.yaml .demo/border-export-2024.csv --rows 1
# The border service's profile registered once for its source (administrators); its files then import by source.
as admin profile add border-export SampleData/profiles/border-export.yaml
as loader profile list
as loader import .demo/border-export-2024.csv --source border-export --purpose labour_2024
as loader import .demo/survey-2024.csv --source survey-2024 --purpose labour_2024 --profile SampleData/profiles/survey.yaml
as loader batches
# The output programme of labour_2024: declared tables, protected jointly and published with exact counts.
as admin tables declare sex_age --purpose labour_2024 --title "Entries and exits by sex and age" \
    --by sex,age --age-bands "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+"
as admin tables declare status_disability --purpose labour_2024 --title "Entries and exits by migration status and disability" \
    --by migration_status,disability
as admin tables release --purpose labour_2024
as analyst tables list --purpose labour_2024
as analyst report --table sex_age --purpose labour_2024
as analyst report --table sex_age --purpose labour_2024 --format html --output .demo/report-sex-age.html
as auditor tables loss --purpose labour_2024
# Flexible tables: any shape within the bounds, every cell perturbed (cell-key method).
as analyst report --by sex,direction --period 2024
as analyst report --by sex,age --age-bands "0-14,15-17,18-24,25-34,35-44,45-54,55-64,65+" --format csv
as analyst report --by migration_status,disability --period 2024 --format sdmx-csv
as loader estimates import .demo/estimates-2024.csv --source study-irr-2024 --purpose labour_2024
as analyst report --by migration_status,sex --with-estimates
as analyst coverage
as analyst report --by sex,age --format html --output .demo/report-flexible-sex-age.html
as steward extract --purpose labour_2024 --reason "Quality check of the border batch against the source" --columns record_id,event_date,direction,sex --filter sex=_U --format csv
set +e
as analyst extract --purpose labour_2024 --reason "an analyst may not see records"
echo "(exit status $?: analysts get protected aggregates only)"
set -e
as admin access list
as auditor audit list --last 20
as auditor audit verify
printf '\nDemo database: %s (socket %s). Keys: %s\n' "$PGDATABASE" "$PGHOST" "$MIGSTAT_KEY_DIR"
printf 'HTML reports: %s (declared table sex_age), %s (flexible)\n' "$MIGSTAT_ROOT/.demo/report-sex-age.html" \
    "$MIGSTAT_ROOT/.demo/report-flexible-sex-age.html"
# The lines to continue by hand, printed last and exactly as they are to be pasted (from any folder):
# the binary on PATH, the demo database and key folder (Scripts/pg.sh env --demo), a first report as
# the analyst. Scripts/test-demo-continue.sh pastes them into a fresh shell and checks they run.
printf '\nTo continue by hand, paste these lines into a shell (migstat is %s):\n\n' "$BIN"
printf 'export PATH=%q:"$PATH"\n' "$(dirname "$BIN")"
printf 'eval "$(%q env --demo)"\n' "$MIGSTAT_ROOT/Scripts/pg.sh"
printf 'migstat report --by sex,direction --period 2024 --dsn user=demo_analyst\n'
printf 'migstat --help\n'


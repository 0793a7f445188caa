#!/usr/bin/env bash
# Import benchmark: `migstat import` (validation, pseudonymisation, COPY, database checks, commit)
# against the floor of plain `psql \copy` of the same CSV into an unindexed table of text columns.
#
#   Scripts/bench-import.sh [ROWS...]        default: 1000000 5000000
#
# Environment:
#   BENCH_RUNS   measurements of each tool per size, alternating migstat, psql, migstat, psql, ...
#                (default 2); the best of each is reported, and the highest max RSS.
#   MIGSTAT_BIN  benchmark this migstat binary instead of building one (e.g. a build of a branch).
#
# Builds migstat in release, starts the private PostgreSQL (Scripts/pg.sh), recreates the database
# migstat_bench with the login users bench_admin and bench_loader, generates each size's canonical
# file once into .bench/ (kept between runs), and prints rows/s, the ratio migstat/psql and
# migstat's peak memory. Wall clock for both, measured around the command, so migstat's figure
# includes connecting, hashing the file, loading the code lists, check_batch, finish_batch and the
# commit. A benchmark, not a test: it reports and exits 0. See Benchmarks/README.md.
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 5000000)
RUNS=${BENCH_RUNS:-2}
for n in "${SIZES[@]}" "$RUNS"; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || fatal "usage: $0 [ROWS...] (positive whole numbers; BENCH_RUNS too)"
done

ensure_base_packages
ensure_packages time
command -v swift >/dev/null || fatal "Swift 6.3 is required (https://www.swift.org/install/)"
if [ -n "${MIGSTAT_BIN:-}" ]; then
    BIN=$MIGSTAT_BIN
    log "benchmarking $BIN (MIGSTAT_BIN; not building)"
else
    log "building migstat (release)"
    swift build -c release --product migstat 2>&1 | tail -n 1
    BIN=$(swift build -c release --show-bin-path)/migstat
fi
[ -x "$BIN" ] || fatal "no migstat binary at $BIN"

Scripts/pg.sh start
eval "$(Scripts/pg.sh env)"
export PGDATABASE=migstat_bench
export PGOPTIONS="-c client_min_messages=warning"
BENCH=$MIGSTAT_ROOT/.bench
export MIGSTAT_KEY_DIR=$BENCH/keys
mkdir -p "$BENCH"
rm -rf "$MIGSTAT_KEY_DIR"
PURPOSE=bench
COPY_TABLE=public.bench_copy

# --- database and users, as Scripts/demo.sh does it ------------------------------------------------
log "recreating database $PGDATABASE"
psql -q -X -d postgres -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PGDATABASE" \
    -c "CREATE DATABASE $PGDATABASE" >/dev/null
init=$("$BIN" db init 2>&1) || { printf '%s\n' "$init" >&2; fatal "migstat db init failed"; }
for who in admin loader; do
    psql -q -X -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_$who') THEN CREATE ROLE bench_$who LOGIN; END IF; END \$\$"
done
psql -q -X -v ON_ERROR_STOP=1 -c "GRANT migstat_admin TO bench_admin" -c "GRANT CONNECT ON DATABASE $PGDATABASE TO bench_admin"
"$BIN" purpose add "$PURPOSE" --description "Import benchmark (synthetic data)" --retain-until "1 year" \
    --dsn "user=bench_admin" >/dev/null
"$BIN" access grant bench_loader loader --purpose "$PURPOSE" --dsn "user=bench_admin" >/dev/null
# Server-side phase timings (see server_phases): durations of bench_loader's statements in this database.
psql -q -X -v ON_ERROR_STOP=1 -c "ALTER ROLE bench_loader IN DATABASE $PGDATABASE SET log_min_duration_statement = 0"

# --- canonical files, generated once per size ------------------------------------------------------
file_for() { printf '%s/batch-%s.csv\n' "$BENCH" "$1"; }
for rows in "${SIZES[@]}"; do
    file=$(file_for "$rows")
    # Written under a temporary name first, so an interrupted run never leaves a truncated file.
    if [ ! -s "$file" ]; then
        log "generating $file ($rows rows)"
        python3 Scripts/generate-batch.py --rows "$rows" --seed 1 "$file.tmp"
        mv "$file.tmp" "$file"
    fi
done

# --- measurements -----------------------------------------------------------------------------------
now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", n / s }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

# Each measurement starts from the same state: a checkpoint (so neither tool pays for the other's
# dirty pages or WAL), no earlier batch in the store.
settle() { psql -q -X -v ON_ERROR_STOP=1 -c "CHECKPOINT" >/dev/null; }

# migstat import FILE as bench_loader. Sets RUN_SECONDS, RUN_RSS_KB, RUN_DETAIL. The batch is
# withdrawn after the measurement, so the same file can be imported again (a live batch's sha256 is
# unique) and the next import's duplicate check meets an empty store, like this one's.
run_migstat() {
    local rows=$1 file=$2 source=$3 out=$BENCH/migstat.out usage=$BENCH/migstat.usage t0 t1 status=0 mark user sys
    settle
    mark=$(server_log_lines)
    t0=$(now)
    /usr/bin/time -f '%M %U %S' -o "$usage" \
        "$BIN" import "$file" --source "$source" --purpose "$PURPOSE" --json --dsn "user=bench_loader" \
        >"$out" 2>"$BENCH/migstat.err" || status=$?
    t1=$(now)
    RUN_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    read -r RUN_RSS_KB user sys < <(tail -n 1 "$usage")
    if [ "$status" -ne 0 ] || ! grep -q '"outcome": "committed"' "$out"; then
        log "migstat import failed (exit $status):"
        cat "$out" "$BENCH/migstat.err" >&2
        RUN_SECONDS=""
        return 0
    fi
    local accepted batch
    accepted=$(sed -n 's/.*"accepted": \([0-9]*\).*/\1/p' "$out")
    [ "$accepted" = "$rows" ] || log "warning: $accepted of $rows rows accepted (see $out)"
    batch=$(sed -n 's/.*"batch": \([0-9]*\).*/\1/p' "$out")
    RUN_DETAIL="client CPU $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }') s; $(server_phases "$mark" "$batch")"
    # migstat's own encoded rows, once per size, for the floor measurement (run_floor).
    if [ ! -s "$(encoded_for "$rows")" ]; then
        psql -q -X -v ON_ERROR_STOP=1 -c "\\copy (SELECT $ENCODED_COLUMNS FROM migstat_data.batch_$batch ORDER BY line_no) TO '$(encoded_for "$rows").tmp' WITH (FORMAT binary)" &&
            mv "$(encoded_for "$rows").tmp" "$(encoded_for "$rows")"
    fi
    "$BIN" batches withdraw "$batch" --reason "benchmark run" --dsn "user=bench_loader" >/dev/null
}

# Server-side durations of the import's statements, from the server log: bench_loader's statements
# in this database are logged with their duration (log_min_duration_statement = 0, set above;
# statement texts only, never data: the server is configured to log no parameters). The import's
# backend is the one that ran `COPY migstat_data.batch_<id>`.
server_log_lines() { if [ -r "${MIGSTAT_PG_LOG:-}" ]; then wc -l <"$MIGSTAT_PG_LOG"; else echo 0; fi; }
server_phases() {
    local mark=$1 batch=$2
    [ -r "${MIGSTAT_PG_LOG:-}" ] || { echo "server phases: no server log"; return 0; }
    tail -n +"$((mark + 1))" "$MIGSTAT_PG_LOG" | awk -v table="migstat_data.batch_$batch " '
        /duration: [0-9.]+ ms/ {
            match($0, /\[[0-9]+\]/); pid = substr($0, RSTART, RLENGTH)
            match($0, /duration: [0-9.]+/); ms = substr($0, RSTART + 10, RLENGTH - 10) + 0
            if (index($0, "COPY " table)) copy_pid = pid
            lines[++n] = pid; durations[n] = ms; text[n] = $0
        }
        END {
            for (i = 1; i <= n; i++) {
                if (lines[i] != copy_pid) continue
                if (index(text[i], "COPY migstat_data.batch_")) copy += durations[i]
                else if (index(text[i], "check_batch(")) check += durations[i]
                else if (index(text[i], "finish_batch(")) finish += durations[i]
                else other += durations[i]
            }
            if (copy_pid == "") print "server phases: not found in the server log"
            else printf "server: COPY %.1f s, check_batch %.1f s, finish_batch %.2f s, rest %.2f s\n",
                        copy / 1000, check / 1000, finish / 1000, other / 1000
        }'
}

# psql \copy of the same file into a fresh unindexed table of text columns, as bench_loader too.
run_psql() {
    local rows=$1 file=$2 t0 t1 status=0 tag
    local columns
    columns=$(head -n 1 "$file" | tr -d '\r' | sed 's/,/ text, /g; s/$/ text/')
    psql -q -X -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS $COPY_TABLE" \
        -c "CREATE TABLE $COPY_TABLE ($columns)" -c "GRANT INSERT ON $COPY_TABLE TO bench_loader" >/dev/null
    settle
    t0=$(now)
    tag=$(psql -X -v ON_ERROR_STOP=1 -U bench_loader \
        -c "\\copy $COPY_TABLE FROM '$file' WITH (FORMAT csv, HEADER)" 2>&1) || status=$?
    t1=$(now)
    RUN_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    psql -q -X -c "DROP TABLE IF EXISTS $COPY_TABLE" >/dev/null
    if [ "$status" -ne 0 ] || [ "$tag" != "COPY $rows" ]; then
        log "psql \\copy failed (exit $status): $tag"
        RUN_SECONDS=""
    fi
}

# The server's floor: psql \copy (binary) of the rows exactly as migstat encodes them, from a file,
# into a table like a batch's (same columns, defaults and CHECK constraints), no duplicate checks.
# What migstat import would take if its client (reading, validating, hashing) cost nothing, so
# floor/psql bounds the ratio migstat can reach on this machine.
ENCODED_COLUMNS="line_no, event_date, direction, sex, age, nationality, country, region, reason, occupation, worker_category, ethnicity, migration_status, disability, record_id, person_pseudonym"
encoded_for() { printf '%s/encoded-%s.bin\n' "$BENCH" "$1"; }
run_floor() {
    local rows=$1 file t0 t1 status=0 tag
    file=$(encoded_for "$rows")
    RUN_SECONDS=""
    [ -s "$file" ] || return 0
    psql -q -X -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS public.bench_floor" \
        -c "CREATE TABLE public.bench_floor (LIKE migstat.records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)" \
        -c "ALTER TABLE public.bench_floor ALTER purpose_id SET DEFAULT 1, ALTER batch_id SET DEFAULT 1, ALTER source_id SET DEFAULT 1" \
        -c "SELECT migstat.code_constraints('public.bench_floor')" -At >"$BENCH/floor.sql"
    psql -q -X -v ON_ERROR_STOP=1 -f "$BENCH/floor.sql" >/dev/null
    settle
    t0=$(now)
    tag=$(psql -X -v ON_ERROR_STOP=1 -c "\\copy public.bench_floor ($ENCODED_COLUMNS) FROM '$file' WITH (FORMAT binary)" 2>&1) || status=$?
    t1=$(now)
    psql -q -X -c "DROP TABLE IF EXISTS public.bench_floor" >/dev/null
    if [ "$status" -eq 0 ] && [ "$tag" = "COPY $rows" ]; then
        RUN_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    else
        log "floor \\copy failed (exit $status): $tag"
    fi
}

declare -A BEST_MIGSTAT BEST_PSQL BEST_FLOOR PEAK_RSS
for rows in "${SIZES[@]}"; do
    file=$(file_for "$rows")
    log "$rows rows: $(du -h "$file" | cut -f1) file, $RUNS runs of each, alternating"
    best_m="" best_p="" best_f="" peak=0
    for run in $(seq 1 "$RUNS"); do
        run_migstat "$rows" "$file" "bench-$rows-$run-$$"
        if [ -n "$RUN_SECONDS" ]; then
            printf '  %9s rows  run %d  migstat import  %8.3f s  %9s rows/s  max RSS %6.1f MB\n' "$rows" "$run" \
                "$RUN_SECONDS" "$(rate "$rows" "$RUN_SECONDS")" "$(awk -v k="$RUN_RSS_KB" 'BEGIN { print k / 1024 }')"
            printf '  %9s %s\n' "" "$RUN_DETAIL"
            best_m=$(max "${best_m:-0}" "$(rate "$rows" "$RUN_SECONDS")")
            peak=$(max "$peak" "$RUN_RSS_KB")
        fi
        run_psql "$rows" "$file"
        if [ -n "$RUN_SECONDS" ]; then
            printf '  %9s rows  run %d  psql \\copy      %8.3f s  %9s rows/s\n' "$rows" "$run" \
                "$RUN_SECONDS" "$(rate "$rows" "$RUN_SECONDS")"
            best_p=$(max "${best_p:-0}" "$(rate "$rows" "$RUN_SECONDS")")
        fi
        run_floor "$rows"
        if [ -n "$RUN_SECONDS" ]; then
            printf '  %9s rows  run %d  floor           %8.3f s  %9s rows/s  (psql \\copy of migstat'"'"'s encoded rows)\n' \
                "$rows" "$run" "$RUN_SECONDS" "$(rate "$rows" "$RUN_SECONDS")"
            best_f=$(max "${best_f:-0}" "$(rate "$rows" "$RUN_SECONDS")")
        fi
    done
    BEST_FLOOR[$rows]=${best_f:-}
    BEST_MIGSTAT[$rows]=${best_m:-}
    BEST_PSQL[$rows]=${best_p:-}
    PEAK_RSS[$rows]=$peak
done

# --- summary ------------------------------------------------------------------------------------------
echo
echo "migstat import vs psql \\copy - best of $RUNS runs each (rows/s, wall clock); max RSS: highest of the runs"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL $(psql -X -At -c 'SHOW server_version' | cut -d' ' -f1)"
printf '%-10s | %-15s | %-13s | %-15s | %-25s | %-12s\n' rows "migstat rows/s" "psql rows/s" "ratio (>= 1.0)" \
    "migstat max RSS (<100 MB)" "floor / psql"
printf '%-10s-+-%-15s-+-%-13s-+-%-15s-+-%-25s-+-%-12s\n' ---------- --------------- ------------- --------------- \
    ------------------------- ------------
for rows in "${SIZES[@]}"; do
    m=${BEST_MIGSTAT[$rows]} p=${BEST_PSQL[$rows]} f=${BEST_FLOOR[$rows]:-}
    ratio=$([ -n "$m" ] && [ -n "$p" ] && awk -v m="$m" -v p="$p" 'BEGIN { printf "%.2f", m / p }' || echo "n/a")
    floor=$([ -n "$f" ] && [ -n "$p" ] && awk -v f="$f" -v p="$p" 'BEGIN { printf "%.2f", f / p }' || echo "n/a")
    printf '%-10s | %15s | %13s | %15s | %22.1f MB | %12s\n' "$rows" "${m:-failed}" "${p:-failed}" "$ratio" \
        "$(awk -v k="${PEAK_RSS[$rows]}" 'BEGIN { print k / 1024 }')" "$floor"
done
echo "floor: psql \\copy (binary) of migstat's own encoded rows into a table like a batch's, no duplicate checks:"
echo "       the most migstat import could reach here if reading, validating and hashing the CSV cost nothing."
exit 0

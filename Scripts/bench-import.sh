#!/usr/bin/env bash
# Import benchmark: `migstat import` (validation, pseudonymisation, COPY, database checks, commit)
# against the floor of plain `psql \copy` of the same CSV into an unindexed table of text columns,
# on two clusters (the project's private one, and one with PostgreSQL's default settings), as a
# loader login and as a superuser, plus each lever's effect and the history figure.
#
#   Scripts/bench-import.sh [ROWS...]        default: 1000000 5000000
#
# Environment:
#   BENCH_RUNS     measurements of each tool per size, login and cluster, alternating migstat, psql,
#                  migstat, psql, ... (default 2); the best of each is reported with the spread.
#   BENCH_CONFIGS  which clusters (default "private default")
#   BENCH_HISTORY  successive imports into one source for the history figure (default 10; 0: skip)
#   BENCH_HISTORY_ROWS  rows of each of them (default 1000000)
#   BENCH_LEVERS   1 (default): the lever table (server-side measurements with migstat's encoded rows)
#   BENCH_MINIMAL  1 (default): also measure the default cluster restarted with wal_level = minimal
#   BENCH_MEASURE  1 (default): the ratio measurements (0: only levers and history)
#   MIGSTAT_BIN    benchmark this migstat binary instead of building one (e.g. a build of a branch).
#
# Builds migstat in release, starts the private PostgreSQL (Scripts/pg.sh) and a second cluster
# with a default postgresql.conf in .bench/pg-default (initdb'ed once; only its socket, port and the
# privacy settings of the log are set), recreates the database migstat_bench with the login users
# bench_admin and bench_loader in each, generates each size's canonical file once into .bench/
# (kept between runs), and prints rows/s, the ratio migstat/psql and migstat's peak memory. Wall
# clock for both, measured around the command, so migstat's figure includes connecting, hashing the
# file, loading the code lists, check_batch, finish_batch and the commit. A benchmark, not a test:
# it reports and exits 0. See Benchmarks/README.md.
. "$(dirname "$0")/lib.sh"
cd "$MIGSTAT_ROOT"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 5000000)
RUNS=${BENCH_RUNS:-2}
HISTORY=${BENCH_HISTORY:-10}
HROWS=${BENCH_HISTORY_ROWS:-1000000}
LROWS=${SIZES[0]}
read -r -a CONFIGS <<<"${BENCH_CONFIGS:-private default}"
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

BENCH=$MIGSTAT_ROOT/.bench
mkdir -p "$BENCH"
chmod 755 "$BENCH"
export PGOPTIONS="-c client_min_messages=warning"
PURPOSE=bench
COPY_TABLE=public.bench_copy
PG_BIN=/usr/lib/postgresql/15/bin
DEFAULT_DIR=$BENCH/pg-default

# --- clusters ----------------------------------------------------------------------------------------
# The private cluster: Scripts/pg.sh (its settings: shared_buffers 512MB, work_mem 64MB, ...).
# The default cluster: initdb's postgresql.conf untouched but for where it listens and what its log
# may hold (no parameters, terse errors, as the private one); wal_level as given ($1, default replica).
start_default() {
    local wal=${1:-replica}
    if [ ! -f "$DEFAULT_DIR/data/PG_VERSION" ]; then
        mkdir -p "$DEFAULT_DIR"
        chown postgres "$DEFAULT_DIR"
        log "initdb of the default-settings cluster in $DEFAULT_DIR/data"
        runuser -u postgres -- "$PG_BIN/initdb" -D "$DEFAULT_DIR/data" -U postgres --auth-local=trust \
            --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        runuser -u postgres -- mkdir -p "$DEFAULT_DIR/run"
        cat >>"$DEFAULT_DIR/data/postgresql.conf" <<CONF
# --- migstat bench: where it listens and what its log may hold; every other setting is initdb's ---
listen_addresses = ''
unix_socket_directories = '$DEFAULT_DIR/run'
port = 5432
log_parameter_max_length = 0
log_parameter_max_length_on_error = 0
log_error_verbosity = terse
log_min_error_statement = panic
include_if_exists = 'bench-wal.conf'
CONF
    fi
    if [ "$wal" = minimal ]; then
        printf "wal_level = minimal\nmax_wal_senders = 0\n" >"$DEFAULT_DIR/data/bench-wal.conf"
    else
        : >"$DEFAULT_DIR/data/bench-wal.conf"
    fi
    chown postgres "$DEFAULT_DIR/data/bench-wal.conf"
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DEFAULT_DIR/data" -l "$DEFAULT_DIR/server.log" -w stop -m fast >/dev/null 2>&1 || true
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DEFAULT_DIR/data" -l "$DEFAULT_DIR/server.log" -w start >/dev/null
}
stop_default() {
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DEFAULT_DIR/data" -w stop -m fast >/dev/null 2>&1 || true
}
use_cluster() {
    case $1 in
        private)
            Scripts/pg.sh start >/dev/null
            eval "$(Scripts/pg.sh env)"
            ;;
        default*)
            start_default "${2:-replica}"
            export PGHOST=$DEFAULT_DIR/run PGPORT=5432 PGUSER=postgres MIGSTAT_PG_LOG=$DEFAULT_DIR/server.log
            ;;
    esac
    export PGDATABASE=migstat_bench
    export MIGSTAT_KEY_DIR=$BENCH/keys-$1
}

# --- database and users, as Scripts/demo.sh does it ------------------------------------------------
prepare_db() {
    rm -rf "$MIGSTAT_KEY_DIR"
    psql -q -X -d postgres -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $PGDATABASE" \
        -c "CREATE DATABASE $PGDATABASE" >/dev/null
    local init
    init=$("$BIN" db init 2>&1) || { printf '%s\n' "$init" >&2; fatal "migstat db init failed"; }
    for who in admin loader; do
        psql -q -X -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bench_$who') THEN CREATE ROLE bench_$who LOGIN; END IF; END \$\$"
    done
    psql -q -X -v ON_ERROR_STOP=1 -c "GRANT migstat_admin TO bench_admin" -c "GRANT CONNECT ON DATABASE $PGDATABASE TO bench_admin"
    "$BIN" purpose add "$PURPOSE" --description "Import benchmark (synthetic data)" --retain-until "1 year" \
        --dsn "user=bench_admin" >/dev/null
    "$BIN" access grant bench_loader loader --purpose "$PURPOSE" --dsn "user=bench_admin" >/dev/null
    # Server-side phase timings (see server_phases): durations of the import's statements in this database.
    psql -q -X -v ON_ERROR_STOP=1 -c "ALTER ROLE bench_loader IN DATABASE $PGDATABASE SET log_min_duration_statement = 0" \
        -c "ALTER ROLE postgres IN DATABASE $PGDATABASE SET log_min_duration_statement = 0"
}

# --- canonical files, generated once per size ------------------------------------------------------
file_for() { printf '%s/batch-%s.csv\n' "$BENCH" "$1"; }
for rows in "${SIZES[@]}" "$HROWS"; do
    file=$(file_for "$rows")
    # Written under a temporary name first, so an interrupted run never leaves a truncated file.
    if [ ! -s "$file" ]; then
        log "generating $file ($rows rows)"
        python3 Scripts/generate-batch.py --rows "$rows" --seed 1 "$file.tmp"
        mv "$file.tmp" "$file"
    fi
done
chmod 644 "$BENCH"/batch-*.csv

# --- measurements -----------------------------------------------------------------------------------
now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", n / s }'; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Each measurement starts from the same state: a checkpoint (so neither tool pays for the other's
# dirty pages or WAL).
settle() { psql -q -X -v ON_ERROR_STOP=1 -c "CHECKPOINT" >/dev/null; }

# migstat import FILE as USER. Sets RUN_SECONDS, RUN_RSS_KB, RUN_DETAIL, RUN_BATCH. With withdraw=1
# the batch is withdrawn after the measurement, so the same file can be imported again (a live
# batch's sha256 is unique in its purpose) and the next import's duplicate check meets an empty store.
run_migstat() {
    local rows=$1 file=$2 source=$3 user=$4 withdraw=${5:-1} out=$BENCH/migstat.out usage=$BENCH/migstat.usage
    local t0 t1 status=0 mark cpu_user cpu_sys
    settle
    mark=$(server_log_lines)
    t0=$(now)
    /usr/bin/time -f '%M %U %S' -o "$usage" \
        "$BIN" import "$file" --source "$source" --purpose "$PURPOSE" --json --dsn "user=$user" \
        >"$out" 2>"$BENCH/migstat.err" || status=$?
    t1=$(now)
    RUN_SECONDS=$(secs "$t0" "$t1")
    read -r RUN_RSS_KB cpu_user cpu_sys < <(tail -n 1 "$usage")
    if [ "$status" -ne 0 ] || ! grep -q '"outcome": "committed"' "$out"; then
        log "migstat import failed (exit $status):"
        cat "$out" "$BENCH/migstat.err" >&2
        RUN_SECONDS=""
        return 0
    fi
    local accepted
    accepted=$(sed -n 's/.*"accepted": \([0-9]*\).*/\1/p' "$out")
    [ "$accepted" = "$rows" ] || log "warning: $accepted of $rows rows accepted (see $out)"
    RUN_BATCH=$(sed -n 's/.*"batch": \([0-9]*\).*/\1/p' "$out")
    RUN_DETAIL="client CPU $(awk -v u="$cpu_user" -v s="$cpu_sys" 'BEGIN { printf "%.1f", u + s }') s; $(server_phases "$mark" "$RUN_BATCH")"
    # migstat's own encoded rows, once per size, for the lever measurements (run_levers).
    if [ ! -s "$(encoded_for "$rows")" ]; then
        psql -q -X -v ON_ERROR_STOP=1 -c "\\copy (SELECT $ENCODED_COLUMNS FROM migstat_data.batch_$RUN_BATCH ORDER BY line_no) TO '$(encoded_for "$rows").tmp' WITH (FORMAT binary)" &&
            mv "$(encoded_for "$rows").tmp" "$(encoded_for "$rows")"
    fi
    if [ "$withdraw" = 1 ]; then
        "$BIN" batches withdraw "$RUN_BATCH" --reason "benchmark run" --dsn "user=bench_admin" >/dev/null
    fi
}

# Server-side durations of the import's statements, from the server log (statement texts only,
# never data: the clusters log no parameters). The import's backend is the one that ran
# `COPY migstat_data.batch_<id>`.
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
                else if (index(text[i], "COMMIT")) commit += durations[i]
                else other += durations[i]
            }
            if (copy_pid == "") print "server phases: not found in the server log"
            else printf "server: COPY %.2f s, check_batch %.2f s, finish_batch %.2f s, COMMIT %.2f s, rest %.2f s\n",
                        copy / 1000, check / 1000, finish / 1000, commit / 1000, other / 1000
        }'
}

# psql \copy of the same file into a fresh unindexed table of text columns, as USER too.
run_psql() {
    local rows=$1 file=$2 user=$3 t0 t1 status=0 tag columns
    columns=$(head -n 1 "$file" | tr -d '\r' | sed 's/,/ text, /g; s/$/ text/')
    psql -q -X -v ON_ERROR_STOP=1 -c "DROP TABLE IF EXISTS $COPY_TABLE" \
        -c "CREATE TABLE $COPY_TABLE ($columns)" -c "GRANT INSERT ON $COPY_TABLE TO bench_loader" >/dev/null
    settle
    t0=$(now)
    tag=$(psql -X -v ON_ERROR_STOP=1 -U "$user" \
        -c "\\copy $COPY_TABLE FROM '$file' WITH (FORMAT csv, HEADER)" 2>&1) || status=$?
    t1=$(now)
    RUN_SECONDS=$(secs "$t0" "$t1")
    psql -q -X -c "DROP TABLE IF EXISTS $COPY_TABLE" >/dev/null
    if [ "$status" -ne 0 ] || [ "$tag" != "COPY $rows" ]; then
        log "psql \\copy failed (exit $status): $tag"
        RUN_SECONDS=""
    fi
}

ENCODED_COLUMNS="line_no, event_date, direction, sex, age, nationality, country, region, reason, occupation, worker_category, ethnicity, migration_status, disability, record_id, person_pseudonym"
encoded_for() { printf '%s/encoded-%s.bin\n' "$BENCH" "$1"; }

# The levers, measured on the server alone with migstat's own encoded rows (binary COPY from the
# client, psql \copy), each in its own transaction, best of RUNS:
#   before: the batch table of before 0009 (the batch's identity CHECK, the record store's four
#     CHECKs and one CHECK per code column), no FREEZE
#   no code CHECKs: the identity CHECK only (0009 has none at all during the COPY; the attach checks
#     the identity), no FREEZE
#   + FREEZE: the same with COPY ... FREEZE (the table is created in the same transaction)
#   vectorised code check: check_batch's one query over the loaded rows (codes and record_id range)
#   superuser's second check: what finish_batch ran again for a superuser before 0009 (check_batch
#     without candidates: every record_id grouped)
#   first read after the load: count(*) in the next transaction, without and with FREEZE (hint bits)
lever_sql() { # $1: 1 = code CHECKs, $2: COPY options, $3: statement after the COPY (same transaction)
    local cc=""
    # Before 0009: the record store's four CHECKs (then on migstat.records) and one per code column.
    [ "$1" = 1 ] && cc="ALTER TABLE public.bench_lever ADD CHECK (age BETWEEN 0 AND 130), ADD CHECK (length(record_id) BETWEEN 1 AND 64),
    ADD CHECK (octet_length(person_pseudonym) = 32), ADD CHECK (record_key BETWEEN 0 AND 255);
SELECT migstat.code_constraints('public.bench_lever') \\gexec"
    cat <<SQL
\\set ON_ERROR_STOP 1
BEGIN;
CREATE TABLE public.bench_lever (LIKE migstat.records INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                                 CHECK (purpose_id = 1 AND batch_id = 1 AND source_id = 1));
ALTER TABLE public.bench_lever ALTER purpose_id SET DEFAULT 1, ALTER batch_id SET DEFAULT 1, ALTER source_id SET DEFAULT 1;
$cc
\\timing on
\\copy public.bench_lever ($ENCODED_COLUMNS) FROM '$ENC' WITH (FORMAT binary $2)
$3
\\timing off
COMMIT;
\\timing on
SELECT count(*) FROM public.bench_lever;
\\timing off
DROP TABLE public.bench_lever;
SQL
}
# Runs lever_sql; sets LEVER_COPY, LEVER_AFTER (the statement after the COPY), LEVER_READ (first read), in s.
run_lever() {
    local out
    psql -q -X -c "DROP TABLE IF EXISTS public.bench_lever" >/dev/null
    settle
    out=$(lever_sql "$@" | psql -q -X 2>&1) || { log "lever run failed: $out"; LEVER_COPY=""; return 0; }
    mapfile -t times < <(printf '%s\n' "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    LEVER_COPY=$(awk -v t="${times[0]}" 'BEGIN { printf "%.3f", t / 1000 }')
    if [ -n "$3" ]; then
        LEVER_AFTER=$(awk -v t="${times[1]}" 'BEGIN { printf "%.3f", t / 1000 }')
        LEVER_READ=$(awk -v t="${times[2]}" 'BEGIN { printf "%.3f", t / 1000 }')
    else
        LEVER_AFTER=""
        LEVER_READ=$(awk -v t="${times[1]}" 'BEGIN { printf "%.3f", t / 1000 }')
    fi
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "") print b; else if (b == "") print a; else print (a < b ? a : b) }'; }
run_levers() {
    local config=$1 rows=$2 r
    ENC=$(encoded_for "$rows")
    [ -s "$ENC" ] || { log "no encoded rows for $rows: levers skipped"; return 0; }
    local cond
    cond=$(psql -X -At -c "SELECT migstat.code_condition()")
    local check="SELECT count(*), min(s.record_id COLLATE \"C\"), max(s.record_id COLLATE \"C\"), min(s.line_no) FILTER (WHERE NOT ($cond)) FROM public.bench_lever s;"
    local second="SELECT count(*) FROM (SELECT s.line_no, row_number() OVER (PARTITION BY s.record_id ORDER BY s.line_no) AS n FROM public.bench_lever s WHERE s.record_id IN (SELECT x.record_id FROM public.bench_lever x GROUP BY x.record_id HAVING count(*) > 1)) d WHERE d.n > 1;"
    local b_copy="" b_read="" n_copy="" f_copy="" f_read="" v_check="" s_check=""
    for r in $(seq 1 "$RUNS"); do
        run_lever 1 "" ""; b_copy=$(min "$b_copy" "$LEVER_COPY"); b_read=$(min "$b_read" "$LEVER_READ")
        run_lever 0 "" "$second"; n_copy=$(min "$n_copy" "$LEVER_COPY"); s_check=$(min "$s_check" "$LEVER_AFTER")
        run_lever 0 ", FREEZE" "$check"; f_copy=$(min "$f_copy" "$LEVER_COPY"); f_read=$(min "$f_read" "$LEVER_READ")
        v_check=$(min "$v_check" "$LEVER_AFTER")
    done
    LEVERS[$config]=$(printf '%s|%s|%s|%s|%s|%s|%s' "$b_copy" "$n_copy" "$f_copy" "$v_check" "$s_check" "$b_read" "$f_read")
}

# One block: RUNS x (migstat as loader, psql as loader, migstat as superuser, psql as superuser).
declare -A BEST_M BEST_P SPREAD PEAK_RSS LEVERS
measure() {
    local config=$1 rows=$2 file run who user key ratios
    file=$(file_for "$rows")
    log "[$config] $rows rows: $(du -h "$file" | cut -f1) file, $RUNS runs of each tool and login, alternating"
    for who in loader superuser; do
        user=bench_loader
        [ "$who" = superuser ] && user=postgres
        key="$config|$rows|$who"
        BEST_M[$key]=""; BEST_P[$key]=""; PEAK_RSS[$key]=0; ratios=""
    done
    for run in $(seq 1 "$RUNS"); do
        for who in loader superuser; do
            user=bench_loader
            [ "$who" = superuser ] && user=postgres
            key="$config|$rows|$who"
            local m p
            run_migstat "$rows" "$file" "bench-$rows-$run-$who-$$" "$user"
            m=$RUN_SECONDS
            if [ -n "$m" ]; then
                printf '  %-8s %9s rows  run %d  %-9s migstat import %8.3f s  %9s rows/s  max RSS %6.1f MB\n' "$config" "$rows" "$run" \
                    "$who" "$m" "$(rate "$rows" "$m")" "$(awk -v k="$RUN_RSS_KB" 'BEGIN { print k / 1024 }')"
                printf '  %38s %s\n' "" "$RUN_DETAIL"
                BEST_M[$key]=$(max "${BEST_M[$key]:-0}" "$(rate "$rows" "$m")")
                PEAK_RSS[$key]=$(max "${PEAK_RSS[$key]}" "$RUN_RSS_KB")
            fi
            run_psql "$rows" "$file" "$user"
            p=$RUN_SECONDS
            if [ -n "$p" ]; then
                printf '  %-8s %9s rows  run %d  %-9s psql \\copy     %8.3f s  %9s rows/s\n' "$config" "$rows" "$run" \
                    "$who" "$p" "$(rate "$rows" "$p")"
                BEST_P[$key]=$(max "${BEST_P[$key]:-0}" "$(rate "$rows" "$p")")
            fi
            if [ -n "$m" ] && [ -n "$p" ]; then
                SPREAD[$key]="${SPREAD[$key]:-} $(awk -v m="$m" -v p="$p" 'BEGIN { printf "%.2f", p / m }')"
            fi
        done
    done
}

# The history figure: BENCH_HISTORY successive imports of 1M rows into ONE source (each file's
# record_ids have their own prefix, so every row is new), nothing withdrawn in between.
HIST_TIMES=()
HIST_CONTROL=()
run_history() {
    local base k file
    base=$(file_for "$HROWS")
    for k in $(seq 1 "$HISTORY"); do
        file=$BENCH/history-$HROWS-$k.csv
        [ -s "$file" ] || sed "2,\$s/^R-/H${k}x-/" "$base" >"$file"
    done
    chmod 644 "$BENCH"/history-*.csv
    log "[private] history: $HISTORY successive imports of $HROWS rows into one source"
    for k in $(seq 1 "$HISTORY"); do
        run_migstat "$HROWS" "$BENCH/history-$HROWS-$k.csv" "bench-history-$$" bench_loader 0
        printf '  history import %2d: %8.3f s  (%s stored before it)  %s\n' "$k" "${RUN_SECONDS:-0}" "$(( (k - 1) * HROWS ))" "$RUN_DETAIL"
        HIST_TIMES+=("${RUN_SECONDS:-0}")
        # A control right after it: psql \copy of the same size, which does not depend on the history,
        # so that the machine's changing load can be told from a growth with the history.
        run_psql "$HROWS" "$base" bench_loader
        printf '  control psql \\copy   %8.3f s\n' "${RUN_SECONDS:-0}"
        HIST_CONTROL+=("${RUN_SECONDS:-0}")
    done
}

PG_VERSION=""
for config in "${CONFIGS[@]}"; do
    use_cluster "$config"
    PG_VERSION=$(psql -X -At -d postgres -c 'SHOW server_version' | cut -d' ' -f1)
    log "[$config] PostgreSQL $(psql -X -At -d postgres -c 'SHOW server_version' | cut -d' ' -f1), shared_buffers $(psql -X -At -d postgres -c 'SHOW shared_buffers'), wal_level $(psql -X -At -d postgres -c 'SHOW wal_level'); recreating $PGDATABASE"
    prepare_db
    if [ "${BENCH_MEASURE:-1}" = 1 ]; then
        for rows in "${SIZES[@]}"; do
            measure "$config" "$rows"
        done
    fi
    if [ "${BENCH_LEVERS:-1}" = 1 ]; then
        log "[$config] levers ($LROWS encoded rows, server only)"
        [ -s "$(encoded_for "$LROWS")" ] || run_migstat "$LROWS" "$(file_for "$LROWS")" "bench-enc-$$" bench_loader
        run_levers "$config" "$LROWS"
    fi
    if [ "$config" = private ] && [ "$HISTORY" -gt 0 ]; then
        run_history
    fi
done
MINIMAL=""
if [ "${BENCH_MINIMAL:-1}" = 1 ]; then
    use_cluster default minimal
    log "[default, wal_level=minimal] $LROWS rows"
    prepare_db
    measure default-min "$LROWS"
    MINIMAL=1
    use_cluster default replica
fi
stop_default

# --- summary ------------------------------------------------------------------------------------------
echo
echo "migstat import vs psql \\copy - best of $RUNS runs each (rows/s, wall clock); ratio spread: psql s / migstat s of each alternated pair"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), PostgreSQL $PG_VERSION"
printf '%-12s | %-10s | %-9s | %-14s | %-11s | %-14s | %-18s | %-12s\n' cluster rows login "migstat rows/s" "psql rows/s" "ratio (>= 1.0)" "ratio spread" "max RSS"
printf '%s\n' "-------------+------------+-----------+----------------+-------------+----------------+--------------------+-------------"
print_row() {
    local config=$1 rows=$2 who=$3 key m p ratio
    key="$config|$rows|$who"
    m=${BEST_M[$key]:-} p=${BEST_P[$key]:-}
    ratio=$([ -n "$m" ] && [ -n "$p" ] && awk -v m="$m" -v p="$p" 'BEGIN { printf "%.2f", m / p }' || echo "n/a")
    printf '%-12s | %10s | %-9s | %14s | %11s | %14s | %-18s | %8.1f MB\n' "$config" "$rows" "$who" "${m:-failed}" "${p:-failed}" \
        "$ratio" "$(printf '%s\n' ${SPREAD[$key]:-} | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%s-%s", lo, hi }')" \
        "$(awk -v k="${PEAK_RSS[$key]:-0}" 'BEGIN { print k / 1024 }')"
}
for config in "${CONFIGS[@]}"; do
    for rows in "${SIZES[@]}"; do
        for who in loader superuser; do print_row "$config" "$rows" "$who"; done
    done
done
if [ -n "$MINIMAL" ]; then
    for who in loader superuser; do print_row default-min "$LROWS" "$who"; done
    echo "default-min: the default cluster with wal_level = minimal, max_wal_senders = 0 (an option, not the target)"
fi

if [ "${BENCH_LEVERS:-1}" = 1 ]; then
    echo
    echo "Levers (server only: psql \\copy of migstat's $LROWS encoded rows into a batch-like table; best of $RUNS, s)"
    printf '%-12s | %-13s | %-14s | %-9s | %-16s | %-15s | %-22s\n' cluster "before (0009)" "no code CHECKs" "+ FREEZE" "vectorised check" "superuser 2nd check" "first read: before/FREEZE"
    for config in "${CONFIGS[@]}"; do
        IFS='|' read -r b n f v s br fr <<<"${LEVERS[$config]:-||||||}"
        printf '%-12s | %13s | %14s | %9s | %16s | %19s | %22s\n' "$config" "$b" "$n" "$f" "$v" "$s" "$br / $fr"
    done
    echo "before 0009: identity, record store and code-column CHECKs, no FREEZE; the vectorised check is check_batch's one"
    echo "query over the codes and the record_id range (check_batch evaluates the record store rules and the identity in it too); the superuser's second check is what finish_batch"
    echo "ran again for a superuser before (now never: finish_batch reads check_call)."
fi
if [ ${#HIST_TIMES[@]} -gt 0 ]; then
    echo
    echo "History (private cluster): $HISTORY successive $HROWS-row imports into one source: ${HIST_TIMES[*]} s"
    awk -v a="${HIST_TIMES[0]}" -v b="${HIST_TIMES[${#HIST_TIMES[@]}-1]}" -v n="${#HIST_TIMES[@]}" \
        'BEGIN { printf "import %d / import 1 = %.2f (target <= 1.10)\n", n, b / a }'
    echo "Controls (psql \\copy of $HROWS rows right after each import): ${HIST_CONTROL[*]} s"
    awk -v a="${HIST_TIMES[0]}" -v b="${HIST_TIMES[${#HIST_TIMES[@]}-1]}" -v ca="${HIST_CONTROL[0]}" \
        -v cb="${HIST_CONTROL[${#HIST_CONTROL[@]}-1]}" -v n="${#HIST_TIMES[@]}" \
        'BEGIN { printf "import %d / import 1, each divided by its control: %.2f\n", n, (b / cb) / (a / ca) }'
    printf '%s\n' "${HIST_TIMES[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "imports: fastest %.3f s, median %.3f s, slowest %.3f s\n", t[1], t[int((NR + 1) / 2)], t[NR] }'
fi
exit 0

#!/usr/bin/env bash
# Starts and stops the project's private PostgreSQL 15 cluster.
#
#   Scripts/pg.sh start    initdb on first use, then start (idempotent)
#   Scripts/pg.sh stop     fast shutdown
#   Scripts/pg.sh restart  immediate stop (like a crash) and start again
#   Scripts/pg.sh status
#   Scripts/pg.sh env      prints `export PG...` lines: eval "$(Scripts/pg.sh env)"
#   Scripts/pg.sh env --demo   the same for the demo's database migstat_demo (and its key folder)
#
# PostgreSQL refuses to run as root, so the server runs as the `postgres` OS user (created by the
# Debian package). Data, socket and log live in $MIGSTAT_PG_DIR (default: .pg/ in the repository,
# ignored by git). The server listens on its Unix socket only, never on TCP.
. "$(dirname "$0")/lib.sh"

PG_BIN=/usr/lib/postgresql/15/bin
PG_OS_USER=${MIGSTAT_PG_OS_USER:-postgres}
PG_PORT=${MIGSTAT_PG_PORT:-5432}

pg_dir() {
    local dir=${MIGSTAT_PG_DIR:-$MIGSTAT_ROOT/.pg}
    mkdir -p "$dir"
    chown "$PG_OS_USER" "$dir" 2>/dev/null || true
    if ! runuser -u "$PG_OS_USER" -- test -w "$dir" 2>/dev/null; then
        # The checkout sits where the server's user cannot reach (e.g. under /root): use a folder of
        # ours under /var/tmp, named after the checkout so two checkouts never share a cluster.
        dir=/var/tmp/migstat-pg-$(printf '%s' "$MIGSTAT_ROOT" | sha256sum | cut -c1-12)
        mkdir -p "$dir"
        chown "$PG_OS_USER" "$dir"
        chmod 700 "$dir"
    fi
    printf '%s\n' "$dir"
}

as_pg() { runuser -u "$PG_OS_USER" -- "$@"; }

cmd_start() {
    ensure_base_packages
    local dir; dir=$(pg_dir)
    local data=$dir/data run=$dir/run
    as_pg mkdir -p "$run"
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initdb in $data"
        as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        # Privacy settings (see README "Data protection"): never log bound parameters; log errors
        # tersely (no DETAIL/CONTEXT, which can quote data values); never log the failing statement.
        cat >>"$data/postgresql.conf" <<CONF
# --- migstat ---
listen_addresses = ''
unix_socket_directories = '$run'
unix_socket_permissions = 0777
port = $PG_PORT
log_parameter_max_length = 0
log_parameter_max_length_on_error = 0
log_error_verbosity = terse
log_min_error_statement = panic
log_statement = 'none'
logging_collector = off
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
max_parallel_workers_per_gather = 2
CONF
    fi
    # Extensions and audit logging live in migstat.conf, rewritten on every start so existing data
    # directories pick up changes; postgresql.conf includes it once (last, so it wins).
    grep -qxF "include_if_exists = 'migstat.conf'" "$data/postgresql.conf" ||
        printf "%s\n" "include_if_exists = 'migstat.conf'" | as_pg tee -a "$data/postgresql.conf" >/dev/null
    write_migstat_conf "$data"
    if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        # shared_preload_libraries only changes at server start: restart once when it differs.
        local running
        running=$(as_pg "$PG_BIN/psql" -h "$run" -p "$PG_PORT" -U postgres -d postgres -XAtqc \
            "SHOW shared_preload_libraries" 2>/dev/null || true)
        if [ "$running" != "$PRELOAD" ]; then
            log "shared_preload_libraries '$running' -> '$PRELOAD': restarting"
            as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
            log "restarted (socket in $run, log $dir/server.log)"
        else
            as_pg "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null
            log "already running ($run)"
        fi
    else
        as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null
        log "started (socket in $run, log $dir/server.log)"
    fi
}

PRELOAD='pg_cron,pgaudit'

# pg_cron (the lead's scheduled purges) and pgaudit (README "Below migstat: pgaudit"): DDL and role
# changes are logged by the server, and (object auditing: pgaudit.role, whose privileges on record
# storage are granted by migration 0010) every statement that reads or writes migstat.records or a
# migstat_data table, a superuser's included; never with parameters; every log line names user,
# database, application and client.
write_migstat_conf() {
    local data=$1
    as_pg tee "$data/migstat.conf.tmp" >/dev/null <<CONF
# Written by Scripts/pg.sh on every start; do not edit (edit Scripts/pg.sh).
shared_preload_libraries = '$PRELOAD'
cron.database_name = 'postgres'
cron.use_background_workers = on
max_worker_processes = 16
pgaudit.log = 'ddl, role'
pgaudit.log_parameter = off
pgaudit.log_catalog = off
pgaudit.log_relation = off
pgaudit.log_statement_once = on
pgaudit.log_level = log
pgaudit.role = 'migstat_pgaudit'
log_line_prefix = '%m [%p] user=%u db=%d app=%a client=%h '
CONF
    as_pg mv "$data/migstat.conf.tmp" "$data/migstat.conf"
}

cmd_stop() {
    local dir; dir=$(pg_dir)
    if [ -f "$dir/data/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
        log "stopped"
    fi
}

cmd_restart() {
    local dir; dir=$(pg_dir)
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
    log "restarted after immediate stop"
}

# env [--demo | DATABASE]: the server as the superuser, in database postgres (the tests' default), the
# demo's database migstat_demo (--demo, with the demo's key folder MIGSTAT_KEY_DIR), or DATABASE.
cmd_env() {
    local dir; dir=$(pg_dir)
    local db=postgres extra=''
    case "${1:-}" in
        '') ;;
        --demo) db=migstat_demo; extra=$(printf ' MIGSTAT_KEY_DIR=%q' "$MIGSTAT_ROOT/.demo/keys") ;;
        -*) fatal "usage: $0 env [--demo | DATABASE]" ;;
        *) db=$1 ;;
    esac
    printf 'export PGHOST=%q PGPORT=%q PGUSER=postgres PGDATABASE=%q MIGSTAT_PG_LOG=%q%s\n' \
        "$dir/run" "$PG_PORT" "$db" "$dir/server.log" "$extra"
}

cmd_status() {
    local dir; dir=$(pg_dir)
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_restart ;;
    env) cmd_env "${2:-}" ;;
    status) cmd_status ;;
    *) fatal "usage: $0 start|stop|restart|status|env [--demo | DATABASE]" ;;
esac

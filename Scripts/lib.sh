# Shared helpers for migstat's scripts. Source it: `. "$(dirname "$0")/lib.sh"`.
set -euo pipefail

MIGSTAT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MIGSTAT_ROOT

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
fatal() { log "error: $*"; exit 1; }

# Installs Debian packages that are missing (we run as root in CI and sessions; sudo otherwise).
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What every migstat script needs: the PostgreSQL 15 server and client, libpq headers, pkg-config,
# the iso-codes data, python3 for small helpers, pgaudit (session audit log) and pg_cron (scheduled
# purges), both preloaded by Scripts/pg.sh.
ensure_base_packages() {
    ensure_packages postgresql-15 postgresql-client-15 libpq-dev libxlsxwriter-dev pkg-config iso-codes python3 ca-certificates postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl \
        postgresql-15-pgaudit postgresql-15-cron
}

# Drops what a test suite made: its database, the given login users and the compartment roles of
# the database's installation tag (migstat_TAG_*, left behind by a dropped database). For the
# suites' cleanup traps: never fails.
drop_suite_objects() {
    local db=$1 tag=$2 r roles
    shift 2
    roles="$*"
    dropdb --force --if-exists "$db" >/dev/null 2>&1 || true
    if [ -n "$tag" ]; then
        roles="$roles $(psql -X -At -d postgres -c "SELECT string_agg(quote_ident(rolname), ' ') FROM pg_roles WHERE rolname LIKE 'migstat\_${tag}\_%'")"
    fi
    for r in $roles; do
        psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
    done
}

#!/usr/bin/env bash
# A streaming replica (hot standby) of the local PostgreSQL cluster on another port, for the replica
# tests (.ci/run) and `make load`. Usage: loadtest/standby.sh start|stop|restart|status
#   STANDBY_PORT  port the standby listens on; 5433
#   STANDBY_DIR   its data directory, made afresh by `start` with pg_basebackup; /var/tmp/corpus-standby
# The primary is the cluster on 127.0.0.1:5432 (user postgres, trust). `start` adds a loopback
# replication line to its pg_hba.conf when it has none (a "host all" line does not cover replication).
set -euo pipefail

PORT="${STANDBY_PORT:-5433}"
DIR="${STANDBY_DIR:-/var/tmp/corpus-standby}"
VERSION="$(ls /etc/postgresql | sort -n | tail -1)"
BIN="/usr/lib/postgresql/$VERSION/bin"
psql_primary() { psql -h 127.0.0.1 -p 5432 -U postgres -tAqc "$1"; }
# PostgreSQL refuses to run as root.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start() {
    if pg_isready -h 127.0.0.1 -p "$PORT" -q; then
        echo "standby: already running on port $PORT"
        return
    fi
    local hba
    hba="$(psql_primary 'SHOW hba_file')"
    if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
        echo "host replication all 127.0.0.1/32 trust" >>"$hba"
        psql_primary 'SELECT pg_reload_conf()' >/dev/null
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chown postgres "$DIR" 2>/dev/null || true
    chmod 700 "$DIR"
    as_postgres pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D "$DIR" -R -X stream -c fast
    # Debian keeps the configuration outside the data directory; the standby gets its own, and the
    # limits a hot standby must not set below its primary's.
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PORT"
        echo "unix_socket_directories = '$DIR'"
        echo "hot_standby = on"
        echo "hot_standby_feedback = on"
        for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
            echo "$setting = $(psql_primary "SHOW $setting")"
        done
    } >"$DIR/postgresql.conf"
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$DIR/pg_hba.conf"
    : >"$DIR/pg_ident.conf"
    chown postgres "$DIR"/postgresql.conf "$DIR"/pg_hba.conf "$DIR"/pg_ident.conf 2>/dev/null || true
    as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
    echo "standby: streaming on port $PORT from 127.0.0.1:5432 ($DIR)"
}

case "${1:-}" in
start) start ;;
stop) as_postgres "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null && echo "standby: stopped" ;;
restart) as_postgres "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -m fast -w -t 60 restart >/dev/null && echo "standby: restarted" ;;
status) pg_isready -h 127.0.0.1 -p "$PORT" ;;
*)
    echo "usage: $0 start|stop|restart|status" >&2
    exit 2
    ;;
esac

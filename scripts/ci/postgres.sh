#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the test suite.
#
# Source it and call `pg_start` (installs Debian's postgresql when missing,
# initdb into a temporary folder as user postgres, starts it on 127.0.0.1 with
# a free port, exports VNPOLICY_TEST_PG) and later `pg_stop`. Run directly,
# `scripts/ci/postgres.sh start` prints the export lines for the caller to
# eval, and `scripts/ci/postgres.sh stop DIR` stops the server of DIR.

pg_bin() {
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$bin" ]; then
        echo "postgres.sh: installing postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2 && apt-get install -y -qq postgresql postgresql-contrib >&2 || return 1
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    echo "$bin"
}

_pg_as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

pg_start() {
    local bin port dir
    bin=$(pg_bin) || return 1
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    dir=$(mktemp -d /tmp/vnpolicy-pg.XXXXXX)
    chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    _pg_as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; return 1; }
    _pg_as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2 || { cat "$dir/server.log" >&2; return 1; }
    export VNPOLICY_PG_DIR="$dir"
    export VNPOLICY_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL on 127.0.0.1:$port ($dir)" >&2
}

pg_stop() {
    local dir="${1:-${VNPOLICY_PG_DIR:-}}" bin
    [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
    bin=$(pg_bin) || return 1
    _pg_as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    unset VNPOLICY_TEST_PG VNPOLICY_PG_DIR
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start) pg_start && echo "export VNPOLICY_PG_DIR=$VNPOLICY_PG_DIR VNPOLICY_TEST_PG=$VNPOLICY_TEST_PG" ;;
        stop) pg_stop "${2:-}" ;;
        *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
    esac
fi

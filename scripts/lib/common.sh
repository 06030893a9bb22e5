# Helpers shared by scripts/test, scripts/bench, scripts/replicas and scripts/crash. Source it.
# Everything here listens on or talks to 127.0.0.1 only.

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_throwaway_postgres [extra postgres -c options…]
# initdb + pg_ctl in a temporary directory, loopback only, as an unprivileged user when run as
# root (PostgreSQL refuses root). Sets PG_DIR, PG_STOP (the stop command, an array) and exports
# INSIGNIA_TEST_POSTGRES_URL. Call stop_throwaway_postgres (e.g. from an EXIT trap) to remove it.
start_throwaway_postgres() {
    local bindir=""
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        bindir="$(dirname "$(command -v pg_ctl)")"
    else
        bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    fi
    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql" >&2
        return 1
    fi

    PG_DIR="$(mktemp -d /tmp/insignia-pg.XXXXXX)"
    local port
    port="$(free_port)"

    local run_as=()
    if [ "$(id -u)" = 0 ]; then
        local pg_user=postgres
        id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$pg_user"
        chown "$pg_user" "$PG_DIR"
        run_as=(runuser -u "$pg_user" --)
    fi

    "${run_as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    "${run_as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR $*" \
        start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
    PG_STOP=("${run_as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast -w stop)
    export INSIGNIA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
}

stop_throwaway_postgres() {
    if [ -n "${PG_STOP+x}" ]; then "${PG_STOP[@]}" >/dev/null 2>&1 || true; unset PG_STOP; fi
    if [ -n "${PG_DIR:-}" ]; then rm -rf "$PG_DIR"; PG_DIR=""; fi
}

# create_postgres_database PREFIX: creates a fresh database on INSIGNIA_TEST_POSTGRES_URL's server
# and prints its URL. Drop it with drop_postgres_database URL.
create_postgres_database() {
    local db
    db="$1_$(date +%s)_$$_$RANDOM"
    psql "$INSIGNIA_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
    python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' \
        "$INSIGNIA_TEST_POSTGRES_URL" "$db"
}

drop_postgres_database() {
    local db
    db="$(python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$1")"
    psql "$INSIGNIA_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}

# wait_for_health PORT [tries]: polls GET /health every 0.1 s.
wait_for_health() {
    local tries="${2:-150}"
    for _ in $(seq 1 "$tries"); do
        curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# A fresh random did:key (Ed25519; nobody holds the private key, which issuance does not need).
random_did_key() {
    python3 -c '
import os
raw = bytes([0xED, 0x01]) + os.urandom(32)
alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
n = int.from_bytes(raw, "big"); out = ""
while n: n, r = divmod(n, 58); out = alphabet[r] + out
print("did:key:z" + "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out)'
}

# create_agent BASE KEY NAME: creates an agent with a fresh did:key and prints its id.
create_agent() {
    local id
    id="$(curl -sf -X POST "$1/v1/agents" -H "X-Capiscio-Registry-Key: $2" -H 'Content-Type: application/json' \
        -d "{\"name\": \"$3\", \"domain\": \"$3.example.com\", \"protocol\": \"a2a\"}" | jq -er .data.id)" || return 1
    curl -sf -X PATCH "$1/v1/agents/$id/identity" -H "X-Capiscio-Registry-Key: $2" -H 'Content-Type: application/json' \
        -d "{\"did\": \"$(random_did_key)\"}" | jq -e .success >/dev/null || return 1
    printf '%s\n' "$id"
}

# The kid in a compact JWS header.
jws_kid() {
    python3 -c 'import sys,json,base64; h=sys.argv[1].split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))["kid"])' "$1"
}

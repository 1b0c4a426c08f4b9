#!/usr/bin/env bash
# start.sh DIR [--persist]: starts a throwaway Prosody for the tests, on
# free loopback ports, with everything (config, certificate, data, log,
# pidfile) in DIR, and writes DIR/env, a file to source for ports, URLs,
# JIDs and passwords. The server keeps running; tests/prosody/stop.sh DIR
# stops it, tests/prosody/restart.sh DIR starts it again on the same ports.
#
# Pubsub nodes, items and subscriptions live in memory (a publish costs no
# file write); with --persist they are kept in DIR/data, so that a server
# killed and started again still has them.
#
# FREEPORT names the freeport binary (default build/tools/freeport in the
# repository; `make build/tools/freeport` builds it). PROSODY_WITHOUT
# names modules of the config to leave out ("time": a server without
# XEP-0202).
#
# A second node of a pair (a Finesse cluster's secondary):
#   PROSODY_ADDR=127.0.0.2     listen there instead of 127.0.0.1
#   PROSODY_PORTS="C2S C2S_TLS HTTP HTTPS"  these ports, not free ones (the
#                              first node's: same ports, another address)
#   PROSODY_CERT_FROM=DIR      the certificate and key of the server started
#                              in DIR (one CA file trusts both)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/prosody
FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
READY_SECONDS=15
DOMAIN=localhost
PUBSUB=pubsub.localhost
ADDR=${PROSODY_ADDR:-127.0.0.1}
FIXED_PORTS=${PROSODY_PORTS:-}
CERT_FROM=${PROSODY_CERT_FROM:-}

die() {
    echo "start.sh: $*" >&2
    exit 1
}

# shellcheck source=tests/prosody/lib.sh
source "$HERE/lib.sh"

PERSIST=0
[[ $# -eq 2 && $2 == --persist ]] && PERSIST=1
[[ ($# -eq 1 || $PERSIST == 1) && -n $1 ]] || {
    echo "usage: start.sh DIR [--persist]" >&2
    exit 2
}
[[ $ADDR =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
    die "PROSODY_ADDR '$ADDR' is not a loopback address (127.x.y.z)"
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
# The path goes into Lua strings unescaped.
[[ $DIR != *[\"\\$'\n']* ]] || die "unusable directory name: $DIR"

command -v prosody >/dev/null || die "prosody is not installed (apt-get install prosody)"
command -v prosodyctl >/dev/null || die "prosodyctl is not installed"
command -v openssl >/dev/null || die "openssl is not installed"
[[ -x $FREEPORT ]] || die "no freeport binary at $FREEPORT (make build/tools/freeport)"

CFG=$DIR/prosody.cfg.lua
PIDFILE=$DIR/prosody.pid
LOG=$DIR/prosody.log
CONSOLE=$DIR/console.log
CERT_DIR=$DIR/certs
CERT=$CERT_DIR/localhost.crt
KEY=$CERT_DIR/localhost.key

# A server from an earlier run in this DIR must be stopped first.
if [[ -s $PIDFILE ]]; then
    old=$(<"$PIDFILE")
    if [[ $old =~ ^[0-9]+$ ]] && alive "$old"; then
        die "a Prosody (pid $old) still runs in $DIR; run tests/prosody/stop.sh $DIR"
    fi
fi
rm -rf "$DIR/data" "$CERT_DIR" "$CFG" "$PIDFILE" "$LOG" "$CONSOLE" "$DIR/env"
# Marks DIR as made here: stop.sh --rm deletes only such a directory.
echo "tests/prosody/start.sh" >"$DIR/.perch-prosody"
mkdir -p "$DIR/data" "$CERT_DIR"
chmod 700 "$DIR/data" "$CERT_DIR"

# --- certificate: self-signed, so it is its own CA file; for both nodes
# of a pair (127.0.0.1 and 127.0.0.2), so that a pair shares one ---
if [[ -n $CERT_FROM ]]; then
    if ! cp "$CERT_FROM/certs/localhost.crt" "$CERT" ||
        ! cp "$CERT_FROM/certs/localhost.key" "$KEY"; then
        die "no certificate to share in $CERT_FROM/certs"
    fi
else
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 \
        -keyout "$KEY" -out "$CERT" -subj "/CN=$DOMAIN" \
        -addext "subjectAltName=DNS:$DOMAIN,DNS:$PUBSUB,IP:127.0.0.1,IP:127.0.0.2" \
        >"$DIR/openssl.log" 2>&1 || {
        cat "$DIR/openssl.log" >&2
        die "openssl could not make the certificate"
    }
fi
chmod 600 "$KEY"

# pick_ports: four free loopback ports from freeport (or PROSODY_PORTS).
pick_ports() {
    local p ports
    if [[ -n $FIXED_PORTS ]]; then
        read -r -a ports <<<"$FIXED_PORTS"
    else
        mapfile -t ports < <("$FREEPORT" 4)
    fi
    [[ ${#ports[@]} -eq 4 ]] || die "freeport gave ${#ports[@]} ports, wanted 4"
    for p in "${ports[@]}"; do
        [[ $p =~ ^[0-9]+$ ]] || die "freeport printed '$p'"
    done
    C2S_PORT=${ports[0]}
    C2S_TLS_PORT=${ports[1]}
    HTTP_PORT=${ports[2]}
    HTTPS_PORT=${ports[3]}
}

# write_config: DIR/prosody.cfg.lua from the template and the ports.
write_config() {
    local t
    t=$(<"$HERE/prosody.cfg.lua.in")
    # Quoted replacements: bash 5.2 would otherwise expand & in them.
    t=${t//@DIR@/"$DIR"}
    t=${t//@CERT_DIR@/"$CERT_DIR"}
    t=${t//@CERT@/"$CERT"}
    t=${t//@KEY@/"$KEY"}
    t=${t//@C2S_PORT@/"$C2S_PORT"}
    t=${t//@C2S_TLS_PORT@/"$C2S_TLS_PORT"}
    t=${t//@HTTP_PORT@/"$HTTP_PORT"}
    t=${t//@HTTPS_PORT@/"$HTTPS_PORT"}
    t=${t//@ADDR@/"$ADDR"}
    if ((PERSIST)); then
        t=${t//@PUBSUB_STORAGE@/'"internal" -- kept in data_path: restart.sh keeps it'}
    else
        t=${t//@PUBSUB_STORAGE@/'{ pubsub_nodes = "memory", pubsub_data = "memory" }'}
    fi
    local m
    for m in ${PROSODY_WITHOUT:-}; do
        [[ $t == *"\"$m\"; "* ]] || die "PROSODY_WITHOUT: no module $m in the config"
        t=${t//"\"$m\"; "/}
    done
    if [[ $t =~ @[A-Z_]+@ ]]; then
        die "placeholder ${BASH_REMATCH[0]} left in the config"
    fi
    printf '%s\n' "$t" >"$CFG"
}

pick_ports
write_config

# --- users (prosodyctl writes straight into data_path; no server needed) ---
users=(publisher:pubpass agent:agentpass supervisor:suppass sinkuser:sinkpass
    watcher:watchpass)
for u in "${users[@]}"; do
    if ! prosodyctl --config "$CFG" register "${u%%:*}" "$DOMAIN" "${u#*:}" \
        >"$DIR/register.log" 2>&1; then
        cat "$DIR/register.log" >&2
        die "prosodyctl could not register ${u%%:*}@$DOMAIN"
    fi
done

# --- start ---
PROSODY_PID=
# stop_server: SIGTERM, up to 5 s, then SIGKILL, all to PROSODY_PID only.
stop_server() {
    [[ -n $PROSODY_PID ]] || return 0
    kill -TERM "$PROSODY_PID" 2>/dev/null || true
    for _ in $(seq 50); do
        alive "$PROSODY_PID" || break
        sleep 0.1
    done
    if alive "$PROSODY_PID"; then
        kill -KILL "$PROSODY_PID" 2>/dev/null || true
    fi
    wait "$PROSODY_PID" 2>/dev/null || true
    PROSODY_PID=
}
# Only when start.sh fails: a server that is not ready is stopped.
trap stop_server EXIT
trap 'exit 130' INT TERM

show_failure() {
    echo "start.sh: $*" >&2
    echo "--- $CONSOLE" >&2
    tail -n 20 "$CONSOLE" >&2 2>/dev/null || true
    echo "--- $LOG (last 40 lines)" >&2
    tail -n 40 "$LOG" >&2 2>/dev/null || true
    exit 1
}

# A port freeport found free may be taken before Prosody binds it. Prosody
# then logs an error and runs on without that port, so the log is watched
# and the server restarted on other ports.
deadline=$((SECONDS + READY_SECONDS))
attempt=1
while :; do
    rm -f "$LOG" "$PIDFILE" "$CONSOLE"
    launch
    conflict=0
    until all_ports_ok; do
        if grep -q 'Failed to open server port' "$LOG" 2>/dev/null; then
            conflict=1
            break
        fi
        alive "$PROSODY_PID" || {
            rc=0
            wait "$PROSODY_PID" || rc=$?
            PROSODY_PID=
            show_failure "prosody exited with status $rc before it was ready"
        }
        ((SECONDS < deadline)) || show_failure "prosody not ready within $READY_SECONDS s"
        sleep 0.1
    done
    # The ports answered, but were they Prosody's?
    if ((!conflict)) && grep -q 'Failed to open server port' "$LOG" 2>/dev/null; then
        conflict=1
    fi
    ((conflict)) || break
    [[ -z $FIXED_PORTS ]] || show_failure "PROSODY_PORTS in use on $ADDR"
    ((attempt < 3)) || show_failure "ports in use by another program, $attempt times"
    echo "start.sh: $(grep -m1 -o 'Failed to open server port.*' "$LOG"); retrying on other ports" >&2
    stop_server
    attempt=$((attempt + 1))
    pick_ports
    write_config
done

# The pidfile names the server; with setsid not forking it is our child.
[[ -s $PIDFILE ]] || show_failure "prosody wrote no pidfile $PIDFILE"
pid=$(<"$PIDFILE")
[[ $pid == "$PROSODY_PID" ]] ||
    show_failure "pidfile says $pid but prosody was started as $PROSODY_PID"

# --- the env file ---
{
    echo "# Written by tests/prosody/start.sh; source it."
    for v in PROSODY_PID PROSODY_DIR PROSODY_CONFIG PROSODY_LOG C2S_PORT \
        C2S_TLS_PORT HTTP_PORT HTTPS_PORT CA_FILE DOMAIN PUBSUB BOSH_HTTP_URL \
        BOSH_HTTPS_URL WS_URL WSS_URL PROSODY_ADDR; do
        case $v in
        PROSODY_DIR) val=$DIR ;;
        PROSODY_CONFIG) val=$CFG ;;
        PROSODY_LOG) val=$LOG ;;
        CA_FILE) val=$CERT ;;
        PROSODY_ADDR) val=$ADDR ;;
        BOSH_HTTP_URL) val=http://$ADDR:$HTTP_PORT/http-bind ;;
        WS_URL) val=ws://$ADDR:$HTTP_PORT/xmpp-websocket ;;
        # localhost is 127.0.0.1; another node by its address (in the SAN)
        BOSH_HTTPS_URL | WSS_URL)
            local_host=$DOMAIN
            [[ $ADDR == 127.0.0.1 ]] || local_host=$ADDR
            if [[ $v == WSS_URL ]]; then
                val=wss://$local_host:$HTTPS_PORT/xmpp-websocket
            else
                val=https://$local_host:$HTTPS_PORT/http-bind
            fi
            ;;
        *) val=${!v} ;;
        esac
        printf 'export %s=%q\n' "$v" "$val"
    done
    for u in "${users[@]}"; do
        name=${u%%:*}
        printf 'export %s_JID=%q\n' "${name^^}" "$name@$DOMAIN"
        printf 'export %s_PASS=%q\n' "${name^^}" "${u#*:}"
    done
} >"$DIR/env.tmp"
mv "$DIR/env.tmp" "$DIR/env"

trap - EXIT INT TERM
echo "prosody $PROSODY_PID ready on $ADDR: c2s $C2S_PORT, c2s direct TLS $C2S_TLS_PORT, http $HTTP_PORT, https $HTTPS_PORT; env in $DIR/env"

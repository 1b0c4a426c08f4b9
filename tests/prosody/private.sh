# A Prosody of one test's own, for the tests that stop, kill or restart
# their server (the suite's shared one must stay up), and the transports
# such a test runs over. Sourced by tests/integration/run.sh and
# tests/tui/run.sh; every function runs inside the test's subshell, so
# the private server's env (ports, PROSODY_PID …) replaces the suite's
# there only. Needs ROOT and the suite's fail.
# shellcheck shell=bash

# The transports a per-transport test runs over; a new one is a word here
# and a case in conn_args.
TRANSPORTS=(tcp bosh)

PRIVATE_DIR=

# conn_args TRANSPORT USER PASSWORD_VAR: perch's CONN options for
# USER@DOMAIN over TRANSPORT to the current server (word-split them).
conn_args() {
    local who=(-j "$2@$DOMAIN" --password-env "$3" --ca-file "$CA_FILE")
    case $1 in
    tcp) echo "${who[@]}" -s 127.0.0.1 -p "$C2S_PORT" ;;
    bosh) echo "${who[@]}" --bosh "$BOSH_HTTPS_URL" ;;
    *)
        fail "conn_args: unknown transport $1"
        return 1
        ;;
    esac
}

# per_transport NAME: t_NAME_tcp, t_NAME_bosh … each calling NAME with its
# transport.
per_transport() {
    local tr
    for tr in "${TRANSPORTS[@]}"; do
        eval "t_${1}_${tr}() { $1 $tr; }"
    done
}

# private_start DIR [--persist]: starts it (tests/prosody/start.sh) and
# takes its env; private_stop stops it.
private_start() {
    PRIVATE_DIR=$1
    shift
    "$ROOT/tests/prosody/start.sh" "$PRIVATE_DIR" "$@" >"$PRIVATE_DIR.start" 2>&1 || {
        fail "private Prosody: $(cat "$PRIVATE_DIR.start")"
        return 1
    }
    # shellcheck source=/dev/null
    source "$PRIVATE_DIR/env"
}

# private_stop: a stopped server is continued first, so that it can end.
private_stop() {
    [[ -n $PRIVATE_DIR ]] || return 0
    kill -CONT "$PROSODY_PID" 2>/dev/null
    "$ROOT/tests/prosody/stop.sh" "$PRIVATE_DIR" --rm >/dev/null 2>&1 ||
        fail "private Prosody in $PRIVATE_DIR did not stop"
    PRIVATE_DIR=
}

# private_kill: kill -9, as a crash would; returns once it is gone.
private_kill() {
    local pid=$PROSODY_PID n
    kill -KILL "$pid" 2>/dev/null
    for n in $(seq 100); do
        [[ -d /proc/$pid ]] || return 0
        [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
        sleep 0.05
    done
    fail "prosody $pid still there after SIGKILL"
}

# private_save_pubsub SAVED: a copy of its pubsub data (a --persist
# server's nodes, items and subscriptions as they are now) in SAVED, for
# private_restart --pubsub-from SAVED.
private_save_pubsub() {
    rm -rf "$1"
    cp -a "$PRIVATE_DIR/data/pubsub%2elocalhost" "$1" ||
        fail "no pubsub data to save in $PRIVATE_DIR (start it --persist)"
}

# private_restart [--empty-pubsub | --pubsub-from SAVED]: the same server
# again on the same ports (tests/prosody/restart.sh), with its data,
# without its pubsub data, or with the pubsub data saved before.
private_restart() {
    "$ROOT/tests/prosody/restart.sh" "$PRIVATE_DIR" "$@" >"$PRIVATE_DIR.restart" 2>&1 || {
        fail "restart: $(cat "$PRIVATE_DIR.restart")"
        return 1
    }
    # shellcheck source=/dev/null
    source "$PRIVATE_DIR/env"
}

# now_ms: wall clock in milliseconds.
now_ms() {
    local t=${EPOCHREALTIME/[.,]/}
    echo "$((10#$t / 1000))"
}

#!/usr/bin/env bash
# make demo: a local Prosody playing a Finesse Notification Service, fed by
# `perch simulate` (20 agents on shift), and the perch console (the TUI)
# logged in as a supervisor over BOSH, subscribed to the team and the first
# agents. Quitting perch (q) or Ctrl-C ends it; everything started here is
# stopped by PID and the temp dir removed.
#
# Environment:
#   DEMO_TRANSPORT=tcp      connect over TCP instead of BOSH (https)
#   DEMO_UI=watch           `perch watch` (decoded lines on stdout) instead
#                           of the TUI, for a terminal-less run
#   DEMO_WATCH_ARGS="..."   extra watch options, e.g. "--duration 3" for a
#                           run that ends by itself (tests use it)
#   DEMO_RATE, DEMO_AGENTS  the simulator's pace and size (20, 20)
#   DEMO_NODES=2            a Finesse cluster (tests/prosody/cluster.sh): a
#                           second Prosody on 127.0.0.2 (same ports), a
#                           simulator with its REST API on each (primary
#                           127.0.0.1, secondary 127.0.0.2); perch connects
#                           to the primary with --rest and --alternate
#   DEMO_PIDFILE=FILE       the PIDs started here, one a line
#   DEMO_PERCH=BINARY       perch to run (default build/perch)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PERCH=${DEMO_PERCH:-$ROOT/build/perch}
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
RATE=${DEMO_RATE:-20}
AGENTS=${DEMO_AGENTS:-20}
NODES=${DEMO_NODES:-1}
[[ $NODES == 1 || $NODES == 2 ]] || {
    echo "demo: DEMO_NODES is 1 or 2, not '$NODES'" >&2
    exit 2
}
PIDFILE=${DEMO_PIDFILE:-}

if [[ ! -x $PERCH || ! -x $FREEPORT ]]; then
    echo "building perch (build/perch, build/tools/freeport) ..."
    make -C "$ROOT" --no-print-directory all build/tools/freeport
fi

DIR=$(mktemp -d /tmp/perch-demo.XXXXXX)
SIM_PID='' WATCH_PID=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [[ -n $WATCH_PID ]]; then
        kill -TERM "$WATCH_PID" 2>/dev/null || true
        wait "$WATCH_PID" 2>/dev/null || true
    fi
    if ((NODES == 2)) && declare -F cluster_stop >/dev/null; then
        cluster_stop
        tail -q -n 1 "$DIR/sim1.err" "$DIR/sim2.err" 2>/dev/null || true
    fi
    if [[ -n $SIM_PID ]]; then
        kill -TERM "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        [[ ! -s $DIR/simulate.log ]] || tail -n 1 "$DIR/simulate.log"
    fi
    "$ROOT/tests/prosody/stop.sh" "$DIR" --rm >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 0' INT # Ctrl-C is how the demo ends
trap 'exit 143' TERM

note_pid() {
    [[ -z $PIDFILE ]] || echo "$1" >>"$PIDFILE"
}

echo "starting a local Prosody ..."
"$ROOT/tests/prosody/start.sh" "$DIR" >/dev/null
# shellcheck source=/dev/null
source "$DIR/env"
note_pid "$PROSODY_PID"
export PUB_PW=$PUBLISHER_PASS SUP_PW=$SUPERVISOR_PASS
tcp=(-s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")

if ((NODES == 2)); then
    # shellcheck source=tests/prosody/cluster.sh
    source "$ROOT/tests/prosody/cluster.sh"
    echo "starting a second Prosody on 127.0.0.2 and perch simulate on each: $AGENTS agents, up to $RATE events/s (log: $DIR/sim1.err, $DIR/sim2.err)"
    cluster_start "$DIR" --agents "$AGENTS" --rate "$RATE" || exit 1
    # shellcheck source=/dev/null
    note_pid "$(source "$CLUSTER_DIR2/env" && echo "$PROSODY_PID")"
    for pid in "${CLUSTER_SIM_PIDS[@]}"; do
        note_pid "$pid"
    done
    cluster=(--rest "https://localhost:$CLUSTER_REST_PORT" --alternate 127.0.0.2)
    echo "primary 127.0.0.1, secondary 127.0.0.2; REST on port $CLUSTER_REST_PORT of each"
else
    echo "starting perch simulate: $AGENTS agents, up to $RATE events/s (log: $DIR/simulate.log)"
    "$PERCH" simulate -j "$PUBLISHER_JID" --password-env PUB_PW "${tcp[@]}" \
        --agents "$AGENTS" --rate "$RATE" </dev/null >"$DIR/simulate.log" 2>&1 &
    SIM_PID=$!
    note_pid "$SIM_PID"
    for _ in $(seq 100); do
        grep -q 'nodes ready' "$DIR/simulate.log" && break
        kill -0 "$SIM_PID" 2>/dev/null || {
            cat "$DIR/simulate.log" >&2
            echo "demo: perch simulate ended early" >&2
            exit 1
        }
        sleep 0.1
    done
    grep -q 'nodes ready' "$DIR/simulate.log" || {
        echo "demo: the simulator did not get its nodes ready" >&2
        exit 1
    }
    cluster=()
fi

if [[ ${DEMO_TRANSPORT:-bosh} == tcp ]]; then
    conn=(-j "$SUPERVISOR_JID" --password-env SUP_PW "${tcp[@]}" "${cluster[@]}")
    via="TCP port $C2S_PORT"
else
    conn=(-j "$SUPERVISOR_JID" --password-env SUP_PW --bosh "$BOSH_HTTPS_URL"
        --ca-file "$CA_FILE" "${cluster[@]}")
    via="BOSH $BOSH_HTTPS_URL"
fi
nodes=(/finesse/api/Team/5000/Users /finesse/api/SystemInfo
    /finesse/api/User/1001001 /finesse/api/User/1001001/Dialogs
    /finesse/api/User/1001002 /finesse/api/User/1001002/Dialogs
    /finesse/api/Queue/1)
if [[ ${DEMO_UI:-tui} == tui ]]; then
    echo "\$ perch -j $SUPERVISOR_JID ($via) ${nodes[*]}"
    # in the background for its PID, but reading this terminal (without
    # the redirection a script's background job reads /dev/null)
    "$PERCH" "${conn[@]}" "${nodes[@]}" <&0 &
    WATCH_PID=$!
    note_pid "$WATCH_PID"
    rc=0
    wait "$WATCH_PID" || rc=$?
    WATCH_PID=''
    exit "$rc"
fi
read -r -a extra <<<"${DEMO_WATCH_ARGS:-}"
echo
echo "\$ perch watch -j $SUPERVISOR_JID ($via) ${nodes[*]}"
echo "(Ctrl-C stops the watch, the simulator and the server)"
echo
"$PERCH" watch "${conn[@]}" "${extra[@]}" "${nodes[@]}" &
WATCH_PID=$!
note_pid "$WATCH_PID"
rc=0
wait "$WATCH_PID" || rc=$?
exit "$rc"

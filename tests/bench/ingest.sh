#!/usr/bin/env bash
# Ingest benchmark: one stream of published Finesse events, received at the
# same time by (a) a minimal libstrophe receiver that only counts stanzas
# (the baseline) and by perch watch --json > /dev/null over each transport:
# (b) TCP+TLS, (c) BOSH over https, (d) WebSocket over wss — four accounts,
# one subscription each. Prints events/s for each, perch over TCP against
# the baseline (aim: 0.6 or better), each perch's CPU per event, and how
# long after the last publish its last event arrived (the tail latency).
# It reports and does not judge.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PERCH=${PERCH:-$ROOT/build/perch}
RECEIVER=${RECEIVER:-$ROOT/build/tools/count_receiver}
export FREEPORT=${FREEPORT:-$ROOT/build/tools/freeport}
N=${BENCH_EVENTS:-5000}
NODE=/finesse/api/Team/5000/Users

WORK=$(mktemp -d /tmp/perch-bench.XXXXXX)
# the subscription ledger of this run, not the user's
export XDG_DATA_HOME=$WORK/data
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    done
    "$ROOT/tests/prosody/stop.sh" "$WORK/prosody" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

"$ROOT/tests/prosody/start.sh" "$WORK/prosody" >/dev/null
# shellcheck source=/dev/null
source "$WORK/prosody/env"
export PUB_PW=$PUBLISHER_PASS SUP_PW=$SUPERVISOR_PASS SINK_PW=$SINKUSER_PASS \
    WATCH_PW=$WATCHER_PASS
conn=(-s 127.0.0.1 -p "$C2S_PORT" --ca-file "$CA_FILE")
ps="xmlns='http://jabber.org/protocol/pubsub'"
"$PERCH" send -j "$PUBLISHER_JID" --password-env PUB_PW "${conn[@]}" \
    "<iq type='set' to='$PUBSUB'><pubsub $ps><create node='$NODE'/></pubsub></iq>" >/dev/null

# The stream: N team user updates, as Finesse publishes them.
update=$(sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
    "$ROOT/tests/fixtures/finesse/team_user_put.update.xml")
for ((i = 0; i < N; i++)); do
    printf "<iq type='set' to='%s'><pubsub %s><publish node='%s'><item><notification xmlns='http://jabber.org/protocol/pubsub'>%s</notification></item></publish></pubsub></iq>\n" \
        "$PUBSUB" "$ps" "$NODE" "$update"
done >"$WORK/stream.xml"

"$RECEIVER" "agent@$DOMAIN/bench" "$AGENT_PASS" 127.0.0.1 "$C2S_PORT" \
    "$CA_FILE" "$PUBSUB" "$NODE" "$N" >"$WORK/baseline.out" 2>&1 &
PIDS+=($!)
baseline_pid=$!

# watcher NAME CONN...: perch watch in the background; bash's times gives
# its CPU use, the end time its last event.
watchers=()
watcher() {
    local name=$1
    shift
    (
        "$PERCH" watch "$@" --json --count "$N" "$NODE" >/dev/null 2>"$WORK/$name.err"
        now_ms >"$WORK/$name.end"
        times >"$WORK/$name.times"
    ) &
    PIDS+=($!)
    watchers+=("$name:$!")
}
watcher tcp -j "$SUPERVISOR_JID" --password-env SUP_PW "${conn[@]}"
watcher bosh -j "$SINKUSER_JID" --password-env SINK_PW --bosh "$BOSH_HTTPS_URL" \
    --ca-file "$CA_FILE"
watcher ws -j "$WATCHER_JID" --password-env WATCH_PW --ws "$WSS_URL" \
    --ca-file "$CA_FILE"
for _ in $(seq 300); do
    grep -q ready "$WORK/baseline.out" && grep -q watching "$WORK/tcp.err" &&
        grep -q watching "$WORK/bosh.err" && grep -q watching "$WORK/ws.err" && break
    sleep 0.05
done

t0=$(now_ms)
"$PERCH" send -j "$PUBLISHER_JID" --password-env PUB_PW "${conn[@]}" \
    --timeout 300 - <"$WORK/stream.xml" >/dev/null
t_pub=$(now_ms)
for w in "${watchers[@]}"; do
    wait "${w#*:}"
done
wait "$baseline_pid"
t_base=$(sed -n 's/^done \([0-9]*\).*/\1/p' "$WORK/baseline.out")

# second line of `times`: children's user and system time, e.g. 0m1.234s
cpu_of() {
    sed -n 2p "$WORK/$1.times" | awk '{
        split($1, u, /[ms]/); split($2, s, /[ms]/)
        printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}

printf 'ingest: %d Finesse events from Prosody, received at once by a baseline and perch over three transports\n' "$N"
awk -v n="$N" -v t0="$t0" -v tb="$t_base" 'BEGIN {
    printf "  baseline (libstrophe, TCP+TLS, count only)  %8.0f events/s\n", n / ((tb - t0) / 1000) }'
for w in tcp bosh ws; do
    case $w in
    tcp) label="perch watch over TCP+TLS     " ;;
    bosh) label="perch watch over BOSH (https)" ;;
    ws) label="perch watch over WebSocket wss" ;;
    esac
    awk -v n="$N" -v t0="$t0" -v tb="$t_base" -v te="$(<"$WORK/$w.end")" \
        -v tp="$t_pub" -v cpu="$(cpu_of "$w")" -v label="$label" -v w="$w" 'BEGIN {
        rate = n / ((te - t0) / 1000); base = n / ((tb - t0) / 1000)
        printf "  %s %8.0f events/s", label, rate
        if (w == "tcp") printf "  ratio %.2f (aim >= 0.60)", rate / base
        printf "\n      CPU %.2f s (%.0f us/event, about %.0f events/s at 100%%); last event %+d ms from the publisher's last reply\n",
            cpu, cpu * 1e6 / n, n / cpu, te - tp
    }'
done

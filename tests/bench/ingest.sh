#!/usr/bin/env bash
# Ingest benchmark: one stream of published Finesse events, received at the
# same time by (a) a minimal libstrophe receiver that only counts stanzas
# (the baseline) and (b) perch watch --json > /dev/null. Prints events/s
# for both and perch's ratio to the baseline (aim: 0.6 or better).
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

"$ROOT/tests/prosody/start.sh" "$WORK/prosody" >/dev/null
# shellcheck source=/dev/null
source "$WORK/prosody/env"
export PUB_PW=$PUBLISHER_PASS SUP_PW=$SUPERVISOR_PASS
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
# bash's times: perch's own CPU use, to show the headroom left when the
# server, not perch, sets the pace
(
    "$PERCH" watch -j "$SUPERVISOR_JID" --password-env SUP_PW "${conn[@]}" \
        --json --count "$N" "$NODE" >/dev/null 2>"$WORK/watch.err"
    times >"$WORK/watch.times"
) &
PIDS+=($!)
watch_pid=$!
for _ in $(seq 200); do
    grep -q ready "$WORK/baseline.out" && grep -q watching "$WORK/watch.err" && break
    sleep 0.05
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(now_ms)
"$PERCH" send -j "$PUBLISHER_JID" --password-env PUB_PW "${conn[@]}" \
    --timeout 300 - <"$WORK/stream.xml" >/dev/null
wait "$watch_pid"
t_perch=$(now_ms)
wait "$baseline_pid"
t_base=$(sed -n 's/^done \([0-9]*\).*/\1/p' "$WORK/baseline.out")

# second line of `times`: children's user and system time, e.g. 0m1.234s
cpu=$(sed -n 2p "$WORK/watch.times" | awk '{
    split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')

awk -v n="$N" -v t0="$t0" -v tb="$t_base" -v tp="$t_perch" -v cpu="$cpu" 'BEGIN {
    base = n / ((tb - t0) / 1000); perch = n / ((tp - t0) / 1000)
    printf "ingest: %d Finesse events over TCP+TLS from Prosody\n", n
    printf "  baseline (libstrophe, count only)  %8.0f events/s\n", base
    printf "  perch watch --json > /dev/null     %8.0f events/s\n", perch
    printf "  ratio perch/baseline               %8.2f  (aim >= 0.60)\n", perch / base
    printf "  perch CPU: %.2f s for %d events (%.0f us/event, about %.0f events/s at 100%%)\n", cpu, n, cpu * 1e6 / n, n / cpu
}'
